import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@uyoop/auth';
import { AUDIT_ACTIONS, type AuditAction } from '@uyoop/shared';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ListAuditEntries, MAX_AUDIT_ENTRIES } from '../../application/list-audit-entries.use-case';

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
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS }) @IsOptional() @IsIn(AUDIT_ACTIONS) action?: AuditAction;
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

/** The audit trail for ADMINs: newest first, at most 1000 rows per query. */
@ApiTags('audit')
@ApiBearerAuth('bearer')
@Controller('audit')
export class AuditController {
  constructor(private readonly listEntries: ListAuditEntries) {}

  @Get()
  @Roles('ADMIN')
  @ApiOkResponse({ type: [AuditEntryResponse], description: `newest first, at most ${MAX_AUDIT_ENTRIES}` })
  @ApiBadRequestResponse({
    description:
      '`from`/`to` not RFC 3339 with an offset, `actor` not a UUID, or an unknown `action` (code `ACTIVITY.INVALID_QUERY` for the first two)',
  })
  async list(@Query() q: AuditQuery): Promise<AuditEntryResponse[]> {
    const entries = await this.listEntries.execute(q);
    return entries.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      actor_id: e.actorId,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      ip: e.ip,
      user_agent: e.userAgent,
      request_id: e.requestId,
      details: e.details,
    }));
  }
}
