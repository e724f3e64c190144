import { MfaChallengeRepository } from '../application/ports/mfa-challenge-repository.port';

export interface StoredMfaChallenge {
  hash: string;
  userId: string;
  expiresAt: Date;
  attempts: number;
  usedAt: Date | null;
}

/**
 * Pending second steps in memory, like the SQL adapter (MFA-03): `attempt` counts one try and names
 * the user only while the challenge is unused, unexpired and under `maxAttempts`; `consume` succeeds
 * once.
 */
export class InMemoryMfaChallengeRepository extends MfaChallengeRepository {
  private readonly rows = new Map<string, StoredMfaChallenge>();

  async create(hash: string, userId: string, expiresAt: Date): Promise<void> {
    if (this.rows.has(hash)) throw new Error('duplicate mfa challenge hash');
    this.rows.set(hash, { hash, userId, expiresAt: new Date(expiresAt), attempts: 0, usedAt: null });
  }

  async attempt(hash: string, now: Date, maxAttempts: number): Promise<string | null> {
    const row = this.rows.get(hash);
    if (!row || row.usedAt !== null || row.expiresAt.getTime() <= now.getTime()) return null;
    if (row.attempts >= maxAttempts) return null;
    row.attempts += 1;
    return row.userId;
  }

  async consume(hash: string, now: Date): Promise<boolean> {
    const row = this.rows.get(hash);
    if (!row || row.usedAt !== null) return false;
    row.usedAt = new Date(now);
    return true;
  }

  // ---- test helpers -------------------------------------------------------------------------

  get(hash: string): StoredMfaChallenge | undefined {
    const row = this.rows.get(hash);
    return row ? { ...row } : undefined;
  }

  all(): StoredMfaChallenge[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
}
