export interface NewSession {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  deviceLabel: string | null;
  ip: string | null;
  firstTokenHash: string;
}

export interface SessionState {
  id: string;
  userId: string;
  /** When the user authenticated (password, and second factor when enabled). */
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
}

export type RotateOutcome =
  | { kind: 'rotated'; session: SessionState }
  | { kind: 'reused'; sessionId: string; userId: string }
  | { kind: 'unknown' };

export interface ActiveSessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  deviceLabel: string | null;
  ip: string | null;
}

/** Login sessions = refresh-token families (RT-*). */
export abstract class SessionRepository {
  abstract create(session: NewSession): Promise<void>;
  /**
   * Atomically marks the token used and, when it was still unused, adds its successor to the same
   * family. A token that was already used reports `reused` (the caller revokes the family).
   */
  abstract rotate(oldHash: string, newHash: string, now: Date): Promise<RotateOutcome>;
  abstract findSessionOfToken(hash: string): Promise<SessionState | null>;
  abstract findById(id: string): Promise<SessionState | null>;
  abstract revoke(sessionId: string, reason: string, now: Date): Promise<boolean>;
  /** Revokes every live session of a user (but `exceptSessionId`); returns how many. */
  abstract revokeAllForUser(
    userId: string,
    reason: string,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number>;
  abstract listActive(userId: string, now: Date): Promise<ActiveSessionView[]>;
}
