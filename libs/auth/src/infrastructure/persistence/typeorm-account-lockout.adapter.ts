import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { AccountLockout, type LockoutPolicy } from '../../application/ports/account-lockout.port';

/**
 * Failure counts per account in PostgreSQL, shared by every instance. One statement decides each
 * failure atomically: inside the window the count grows; at the threshold the account locks for
 * base × 2^(locks so far), capped; while locked nothing changes (RL-06).
 */
@Injectable()
export class TypeOrmAccountLockout extends AccountLockout {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async lockedUntil(userId: string, now: Date): Promise<Date | null> {
    const rows = (await this.db.query(
      `SELECT locked_until FROM account_lockouts WHERE user_id = $1 AND locked_until > $2`,
      [userId, now],
    )) as {
      locked_until: Date;
    }[];
    return rows[0]?.locked_until ?? null;
  }

  async recordFailure(userId: string, now: Date, p: LockoutPolicy): Promise<Date | null> {
    const rows = (await this.db.query(
      `INSERT INTO account_lockouts AS a (user_id, failures, window_started_at)
       VALUES ($1, 1, $2)
       ON CONFLICT (user_id) DO UPDATE SET
         failures = CASE
           WHEN a.locked_until > $2 THEN a.failures
           WHEN a.window_started_at IS NULL OR a.window_started_at <= $2 - make_interval(secs => $3::double precision / 1000) THEN 1
           ELSE a.failures + 1 END,
         window_started_at = CASE
           WHEN a.locked_until > $2 THEN a.window_started_at
           WHEN a.window_started_at IS NULL OR a.window_started_at <= $2 - make_interval(secs => $3::double precision / 1000) THEN $2
           ELSE a.window_started_at END
       RETURNING failures, locked_until, lock_count`,
      [userId, now, p.windowMs],
    )) as { failures: number; locked_until: Date | null; lock_count: number }[];
    const row = rows[0]!;
    if ((row.locked_until && row.locked_until > now) || row.failures < p.threshold) return null;
    const lockMs = Math.min(p.baseLockMs * 2 ** row.lock_count, p.maxLockMs);
    const until = new Date(now.getTime() + lockMs);
    await this.db.query(
      `UPDATE account_lockouts SET locked_until = $2, lock_count = lock_count + 1, failures = 0, window_started_at = NULL WHERE user_id = $1`,
      [userId, until],
    );
    return until;
  }

  async reset(userId: string): Promise<void> {
    await this.db.query(`DELETE FROM account_lockouts WHERE user_id = $1`, [userId]);
  }
}
