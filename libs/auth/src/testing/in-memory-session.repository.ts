import {
  type ActiveSessionView,
  type NewSession,
  type RotateOutcome,
  SessionRepository,
  type SessionState,
} from '../application/ports/session-repository.port';

export interface StoredSession extends SessionState {
  deviceLabel: string | null;
  ip: string | null;
  revokedReason: string | null;
}

export interface StoredRefreshToken {
  hash: string;
  sessionId: string;
  issuedAt: Date;
  usedAt: Date | null;
}

const copy = (s: StoredSession): StoredSession => ({
  ...s,
  createdAt: new Date(s.createdAt),
  expiresAt: new Date(s.expiresAt),
  lastUsedAt: new Date(s.lastUsedAt),
  revokedAt: s.revokedAt ? new Date(s.revokedAt) : null,
});

const toState = (s: StoredSession): SessionState => ({
  id: s.id,
  userId: s.userId,
  createdAt: new Date(s.createdAt),
  expiresAt: new Date(s.expiresAt),
  lastUsedAt: new Date(s.lastUsedAt),
  revokedAt: s.revokedAt ? new Date(s.revokedAt) : null,
});

/**
 * Sessions (refresh-token families) in memory, with the SQL adapter's semantics:
 * - `rotate` marks the old token used exactly once; a used token reports `reused`, an unknown one
 *   `unknown`. Like the SQL adapter it does not look at revocation or expiry (the use case does) and
 *   returns the session as it was read, before `lastUsedAt` is moved.
 * - `revoke` / `revokeAllForUser` only touch sessions not yet revoked (expired ones included).
 * - `listActive` lists live (not revoked, not expired) sessions, most recently used first.
 */
export class InMemorySessionRepository extends SessionRepository {
  private readonly sessions = new Map<string, StoredSession>();
  private readonly tokens = new Map<string, StoredRefreshToken>();

  async create(s: NewSession): Promise<void> {
    if (this.sessions.has(s.id)) throw new Error(`duplicate session id ${s.id}`);
    if (this.tokens.has(s.firstTokenHash)) throw new Error('duplicate refresh token hash');
    this.sessions.set(s.id, {
      id: s.id,
      userId: s.userId,
      createdAt: new Date(s.createdAt),
      expiresAt: new Date(s.expiresAt),
      lastUsedAt: new Date(s.createdAt),
      revokedAt: null,
      deviceLabel: s.deviceLabel,
      ip: s.ip,
      revokedReason: null,
    });
    this.tokens.set(s.firstTokenHash, {
      hash: s.firstTokenHash,
      sessionId: s.id,
      issuedAt: new Date(s.createdAt),
      usedAt: null,
    });
  }

  async rotate(oldHash: string, newHash: string, now: Date): Promise<RotateOutcome> {
    const token = this.tokens.get(oldHash);
    const session = token ? this.sessions.get(token.sessionId) : undefined;
    if (!token || !session) return { kind: 'unknown' };
    if (token.usedAt !== null) return { kind: 'reused', sessionId: session.id, userId: session.userId };
    if (this.tokens.has(newHash)) throw new Error('duplicate refresh token hash');
    const before = toState(session);
    token.usedAt = new Date(now);
    this.tokens.set(newHash, {
      hash: newHash,
      sessionId: session.id,
      issuedAt: new Date(now),
      usedAt: null,
    });
    session.lastUsedAt = new Date(now);
    return { kind: 'rotated', session: before };
  }

  async findSessionOfToken(hash: string): Promise<SessionState | null> {
    const token = this.tokens.get(hash);
    const session = token ? this.sessions.get(token.sessionId) : undefined;
    return session ? toState(session) : null;
  }

  async findById(id: string): Promise<SessionState | null> {
    const session = this.sessions.get(id);
    return session ? toState(session) : null;
  }

  async revoke(sessionId: string, reason: string, now: Date): Promise<boolean> {
    const session = this.sessions.get(sessionId);
    if (!session || session.revokedAt !== null) return false;
    session.revokedAt = new Date(now);
    session.revokedReason = reason;
    return true;
  }

  async revokeAllForUser(
    userId: string,
    reason: string,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number> {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.userId !== userId || session.revokedAt !== null) continue;
      if (exceptSessionId !== undefined && session.id === exceptSessionId) continue;
      session.revokedAt = new Date(now);
      session.revokedReason = reason;
      count += 1;
    }
    return count;
  }

  async listActive(userId: string, now: Date): Promise<ActiveSessionView[]> {
    return [...this.sessions.values()]
      .filter((s) => s.userId === userId && s.revokedAt === null && s.expiresAt.getTime() > now.getTime())
      .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime())
      .map((s) => ({
        id: s.id,
        createdAt: new Date(s.createdAt),
        lastUsedAt: new Date(s.lastUsedAt),
        expiresAt: new Date(s.expiresAt),
        deviceLabel: s.deviceLabel,
        ip: s.ip,
      }));
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** Every stored session (copies), revoked ones included. */
  all(): StoredSession[] {
    return [...this.sessions.values()].map(copy);
  }

  /** The stored session with its revocation reason (a copy), or undefined. */
  get(id: string): StoredSession | undefined {
    const s = this.sessions.get(id);
    return s ? copy(s) : undefined;
  }

  /** The stored refresh token (a copy), or undefined. */
  token(hash: string): StoredRefreshToken | undefined {
    const t = this.tokens.get(hash);
    return t ? { ...t } : undefined;
  }

  /** Every refresh token of a session, oldest first (copies). */
  tokensOf(sessionId: string): StoredRefreshToken[] {
    return [...this.tokens.values()].filter((t) => t.sessionId === sessionId).map((t) => ({ ...t }));
  }
}
