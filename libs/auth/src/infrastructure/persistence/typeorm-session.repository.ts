import { Injectable } from '@nestjs/common';
import { sql, TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import {
  type ActiveSessionView,
  type NewSession,
  type RotateOutcome,
  SessionRepository,
  type SessionState,
} from '../../application/ports/session-repository.port';

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date;
  revoked_at: Date | null;
}

const toState = (r: SessionRow): SessionState => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** Sessions and their refresh tokens in SQL; every unit of work stays on one transaction's manager. */
@Injectable()
export class TypeOrmSessionRepository extends SessionRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async create(s: NewSession): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO sessions (id, user_id, created_at, expires_at, last_used_at, device_label, ip) VALUES ($1, $2, $3, $4, $3, $5, $6)`,
        [s.id, s.userId, s.createdAt, s.expiresAt, s.deviceLabel, s.ip],
      );
      await m.query(`INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`, [
        s.firstTokenHash,
        s.id,
        s.createdAt,
      ]);
    });
  }

  async rotate(oldHash: string, newHash: string, now: Date): Promise<RotateOutcome> {
    return this.db.transaction(async (m) => {
      // The conditional UPDATE is the arbiter: of two parallel refreshes, exactly one sees the row.
      const used = await sql<{ session_id: string }>(
        m,
        `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL RETURNING session_id`,
        [oldHash, now],
      );
      const sessionId = used.rows[0]?.session_id;
      if (!sessionId) {
        const seen = (await m.query(
          `SELECT s.id, s.user_id FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1`,
          [oldHash],
        )) as { id: string; user_id: string }[];
        return seen[0]
          ? { kind: 'reused', sessionId: seen[0].id, userId: seen[0].user_id }
          : { kind: 'unknown' };
      }
      const [row] = (await m.query(
        `SELECT id, user_id, created_at, expires_at, last_used_at, revoked_at FROM sessions WHERE id = $1 FOR UPDATE`,
        [sessionId],
      )) as SessionRow[];
      await m.query(`INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`, [
        newHash,
        sessionId,
        now,
      ]);
      await m.query(`UPDATE sessions SET last_used_at = $2 WHERE id = $1`, [sessionId, now]);
      return { kind: 'rotated', session: toState(row!) };
    });
  }

  async findSessionOfToken(hash: string): Promise<SessionState | null> {
    const rows = (await this.db.query(
      `SELECT s.id, s.user_id, s.created_at, s.expires_at, s.last_used_at, s.revoked_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1`,
      [hash],
    )) as SessionRow[];
    return rows[0] ? toState(rows[0]) : null;
  }

  async findById(id: string): Promise<SessionState | null> {
    const rows = (await this.db.query(
      `SELECT id, user_id, created_at, expires_at, last_used_at, revoked_at FROM sessions WHERE id = $1`,
      [id],
    )) as SessionRow[];
    return rows[0] ? toState(rows[0]) : null;
  }

  async revoke(sessionId: string, reason: string, now: Date): Promise<boolean> {
    const result = await this.db.exec(
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, now, reason],
    );
    return result.affected > 0;
  }

  async revokeAllForUser(
    userId: string,
    reason: string,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number> {
    const result = await this.db.exec(
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4)`,
      [userId, now, reason, exceptSessionId ?? null],
    );
    return result.affected;
  }

  async listActive(userId: string, now: Date): Promise<ActiveSessionView[]> {
    const rows = (await this.db.query(
      `SELECT id, created_at, last_used_at, expires_at, device_label, ip FROM sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_used_at DESC`,
      [userId, now],
    )) as {
      id: string;
      created_at: Date;
      last_used_at: Date;
      expires_at: Date;
      device_label: string | null;
      ip: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      deviceLabel: r.device_label,
      ip: r.ip,
    }));
  }
}
