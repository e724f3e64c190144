import { Idempotent, uuidParam } from '@uyoop/shared/nest';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentActor, Roles } from '@uyoop/auth';
import type { Actor } from '@uyoop/shared';
import { MultilineText } from '@uyoop/shared/nest';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CreateFreeze } from '../../application/create-freeze.use-case';
import { DeleteFreeze } from '../../application/delete-freeze.use-case';
import { ListFreezes } from '../../application/list-freezes.use-case';
import type { Freeze } from '../../application/ports/freeze-repository.port';
import { ENVIRONMENTS } from '../../domain/event-rules';
import { requireRfc3339 } from '../../domain/rfc3339';

const uuid = uuidParam('id');

class CreateFreezeRequest {
  @ApiProperty({ enum: ENVIRONMENTS }) @IsIn(ENVIRONMENTS) environment!: string;
  @ApiProperty({ example: '2026-12-20T00:00:00Z' }) @IsString() @MaxLength(40) start!: string;
  @ApiProperty({ example: '2027-01-04T00:00:00Z' }) @IsString() @MaxLength(40) end!: string;
  @ApiProperty({ maxLength: 500 }) @IsString() @IsNotEmpty() @MaxLength(500) @MultilineText() reason!: string;
}

class FreezesQuery {
  @ApiPropertyOptional({ enum: ENVIRONMENTS }) @IsOptional() @IsIn(ENVIRONMENTS) environment?: string;
}

class FreezeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ENVIRONMENTS }) environment!: string;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) created_by!: string;
  @ApiProperty() created_at!: string;

  static from(f: Freeze): FreezeResponse {
    return {
      id: f.id,
      environment: f.environment,
      start: f.start.toISOString(),
      end: f.end.toISOString(),
      reason: f.reason,
      created_by: f.createdBy,
      created_at: f.createdAt.toISOString(),
    };
  }
}

@ApiTags('events')
@ApiBearerAuth('bearer')
@Controller('freezes')
export class FreezesController {
  constructor(
    private readonly listFreezes: ListFreezes,
    private readonly createFreeze: CreateFreeze,
    private readonly deleteFreeze: DeleteFreeze,
  ) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: [FreezeResponse] })
  async list(@Query() q: FreezesQuery): Promise<FreezeResponse[]> {
    return (await this.listFreezes.execute(q.environment)).map((f) => FreezeResponse.from(f));
  }

  @Post()
  @Roles('ADMIN')
  @ApiCreatedResponse({ type: FreezeResponse })
  @Idempotent()
  async create(@Body() body: CreateFreezeRequest, @CurrentActor() actor: Actor): Promise<FreezeResponse> {
    const freeze = await this.createFreeze.execute(actor, {
      environment: body.environment,
      start: requireRfc3339('start', body.start),
      end: requireRfc3339('end', body.end),
      reason: body.reason,
    });
    return FreezeResponse.from(freeze);
  }

  @Delete(':id')
  @Roles('ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.deleteFreeze.execute(actor, id);
  }
}
