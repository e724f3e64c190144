import { Injectable } from '@nestjs/common';
import { AuditLog, type AuditEntry, Clock, newId } from '@uyoop/shared';
import { currentRequestFacts, TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { notificationFor } from '../../domain/notices';

const clip = (value: string | null | undefined, length: number): string | null =>
  value?.slice(0, length) ?? null;

/**
 * Appends to `audit_log`, with the client address, user agent and request id of the request being
 * served (LOG-03). When the change is one its user must hear about (MFA-08), the notice is written by
 * the same statement: there is never an audited change without its notice, or the reverse. Inside a
 * unit of work the entry commits with the change it records, or not at all (LOG-TX-01).
 */
@Injectable()
export class TypeOrmAuditLog extends AuditLog {
  constructor(
    private readonly db: TypeOrmUnitOfWork,
    private readonly clock: Clock,
  ) {
    super();
  }

  async record(entry: AuditEntry): Promise<void> {
    const request = currentRequestFacts();
    const at = this.clock.now();
    const ip = entry.ip ?? request?.ip ?? null;
    const row = [
      at,
      entry.actorId ?? null,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      clip(ip, 64),
      clip(request?.userAgent, 256),
      clip(request?.requestId, 64),
      entry.details ?? {},
    ];
    const insertAudit = `INSERT INTO audit_log
      (at, actor_id, action, target_type, target_id, ip, user_agent, request_id, details)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
    const notice = notificationFor({ ...entry, ip });
    if (!notice) {
      await this.db.query(insertAudit, row);
      return;
    }
    await this.db.query(
      `WITH audited AS (${insertAudit} RETURNING id)
       INSERT INTO notifications (id, user_id, kind, message, details, created_at)
       SELECT $10, $11, $12, $13, $14, $1 FROM audited WHERE EXISTS (SELECT 1 FROM users WHERE id = $11)`,
      [...row, newId(), notice.userId, notice.kind, notice.message, notice.details],
    );
  }
}
