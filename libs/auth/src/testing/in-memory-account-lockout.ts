import { AccountLockout, type LockoutPolicy } from '../application/ports/account-lockout.port';

export interface LockoutState {
  failures: number;
  windowStartedAt: Date | null;
  lockedUntil: Date | null;
  lockCount: number;
}

/**
 * The SQL adapter's lockout rules in memory (RL-04..RL-06): inside the window failures add up; a
 * failure outside it starts a new window; at the threshold the account locks for
 * `baseLockMs × 2^(locks so far)`, capped at `maxLockMs`, and the count restarts; while locked
 * nothing changes. `reset` forgets the account, lock count included.
 */
export class InMemoryAccountLockout extends AccountLockout {
  private readonly rows = new Map<string, LockoutState>();
  /** Every `recordFailure` call, in order (whether or not it counted). */
  readonly failureCalls: { userId: string; at: Date }[] = [];
  /** Every `reset` call, in order. */
  readonly resets: string[] = [];

  async lockedUntil(userId: string, now: Date): Promise<Date | null> {
    const until = this.rows.get(userId)?.lockedUntil;
    return until && until.getTime() > now.getTime() ? new Date(until) : null;
  }

  async recordFailure(userId: string, now: Date, p: LockoutPolicy): Promise<Date | null> {
    this.failureCalls.push({ userId, at: new Date(now) });
    const t = now.getTime();
    const row = this.rows.get(userId);
    if (!row) {
      this.rows.set(userId, { failures: 1, windowStartedAt: new Date(now), lockedUntil: null, lockCount: 0 });
    } else if (row.lockedUntil && row.lockedUntil.getTime() > t) {
      return null;
    } else if (!row.windowStartedAt || row.windowStartedAt.getTime() <= t - p.windowMs) {
      row.failures = 1;
      row.windowStartedAt = new Date(now);
    } else {
      row.failures += 1;
    }
    const current = this.rows.get(userId)!;
    if (current.failures < p.threshold) return null;
    const lockMs = Math.min(p.baseLockMs * 2 ** current.lockCount, p.maxLockMs);
    const until = new Date(t + lockMs);
    current.lockedUntil = until;
    current.lockCount += 1;
    current.failures = 0;
    current.windowStartedAt = null;
    return new Date(until);
  }

  async reset(userId: string): Promise<void> {
    this.resets.push(userId);
    this.rows.delete(userId);
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** The stored state of an account (a copy), or undefined when it has none (RL-08). */
  state(userId: string): LockoutState | undefined {
    const row = this.rows.get(userId);
    return row
      ? {
          ...row,
          windowStartedAt: row.windowStartedAt ? new Date(row.windowStartedAt) : null,
          lockedUntil: row.lockedUntil ? new Date(row.lockedUntil) : null,
        }
      : undefined;
  }

  /** Locks an account until `until` (as if the threshold had been reached earlier). */
  lock(userId: string, until: Date): void {
    const row = this.rows.get(userId);
    if (row) row.lockedUntil = new Date(until);
    else
      this.rows.set(userId, {
        failures: 0,
        windowStartedAt: null,
        lockedUntil: new Date(until),
        lockCount: 1,
      });
  }

  /** How many accounts have any lockout state. */
  size(): number {
    return this.rows.size;
  }
}
