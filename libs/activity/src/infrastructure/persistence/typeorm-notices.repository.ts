import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { Notices } from '../../application/ports/notices.port';
import type { Notification, NotificationKind } from '../../domain/notices';

interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  message: string;
  details: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

/** Notices are written with their audit entry (TypeOrmAuditLog); this side reads and marks them. */
@Injectable()
export class TypeOrmNotices extends Notices {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async list(userId: string, opts: { unreadOnly: boolean; limit: number }): Promise<Notification[]> {
    const rows = (await this.db.query(
      `SELECT id, user_id, kind, message, details, created_at, read_at FROM notifications
        WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [userId, opts.unreadOnly, opts.limit],
    )) as NotificationRow[];
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      kind: r.kind,
      message: r.message,
      details: r.details,
      createdAt: r.created_at,
      readAt: r.read_at,
    }));
  }

  async markRead(userId: string, id: string, at: Date): Promise<boolean> {
    const found = await this.db.exec(
      `UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2`,
      [id, userId, at],
    );
    return found.affected === 1;
  }

  async markAllRead(userId: string, at: Date): Promise<number> {
    return (
      await this.db.exec(`UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, [
        userId,
        at,
      ])
    ).affected;
  }
}
