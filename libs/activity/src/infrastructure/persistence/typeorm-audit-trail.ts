import { Injectable } from '@nestjs/common';
import type { AuditAction } from '@uyoop/shared';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import {
  type AuditFilter,
  AuditTrail,
  type RecordedAuditEntry,
} from '../../application/ports/audit-trail.port';

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: AuditAction;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

@Injectable()
export class TypeOrmAuditTrail extends AuditTrail {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async list(f: AuditFilter): Promise<RecordedAuditEntry[]> {
    const rows = await this.db.query<AuditRow>(
      `SELECT id::text, at, actor_id, action, target_type, target_id, ip, user_agent, request_id, details
         FROM audit_log
        WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
          AND ($3::uuid IS NULL OR actor_id = $3) AND ($4::varchar IS NULL OR action = $4)
        ORDER BY at DESC, id DESC LIMIT $5`,
      [f.from, f.to, f.actorId, f.action, f.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      ip: r.ip,
      userAgent: r.user_agent,
      requestId: r.request_id,
      details: r.details,
    }));
  }
}
