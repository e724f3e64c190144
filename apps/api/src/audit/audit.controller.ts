import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@uyoop/auth';
import { requireRfc3339 } from '@uyoop/calendar';
import { AUDIT_ACTIONS, isUuid } from '@uyoop/shared';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';

const MAX_ROWS = 1_000;

class AuditQuery {
  @ApiPropertyOptional({ example: '2026-03-01T00:00:00Z' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;
  @ApiPropertyOptional({ example: '2026-04-01T00:00:00Z' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'actor id' })
  @IsOptional()
  @IsString()
  @MaxLength(36)
  actor?: string;
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS }) @IsOptional() @IsIn(AUDIT_ACTIONS) action?: string;
}

class AuditEntryResponse {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: String }) actor_id!: string | null;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: string;
  @ApiProperty({ nullable: true, type: String }) target_type!: string | null;
  @ApiProperty({ nullable: true, type: String }) target_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent!: string | null;
  @ApiProperty({ nullable: true, type: String }) request_id!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

const optionalTime = (name: string, value: string | undefined): Date | null =>
  value === undefined ? null : requireRfc3339(name, value);

/** The audit trail for ADMINs: newest first, at most 1000 rows per query. */
@ApiTags('audit')
@ApiBearerAuth('bearer')
@Controller('audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @Roles('ADMIN')
  @ApiOkResponse({ type: [AuditEntryResponse] })
  async list(@Query() q: AuditQuery): Promise<AuditEntryResponse[]> {
    if (q.actor !== undefined && !isUuid(q.actor)) throw new BadRequestException('actor must be a UUID');
    const rows = (await this.db.query(
      `SELECT id::text, at, actor_id, action, target_type, target_id, ip, user_agent, request_id, details
         FROM audit_log
        WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
          AND ($3::uuid IS NULL OR actor_id = $3) AND ($4::varchar IS NULL OR action = $4)
        ORDER BY at DESC, id DESC LIMIT $5`,
      [optionalTime('from', q.from), optionalTime('to', q.to), q.actor ?? null, q.action ?? null, MAX_ROWS],
    )) as (Omit<AuditEntryResponse, 'at'> & { at: Date })[];
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }
}
