export interface LockoutPolicy {
  threshold: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
}

/** Per-account failure counting (RL-04..RL-06): only for accounts that exist (RL-08). */
export abstract class AccountLockout {
  /** The end of the current lock, or null when the account is not locked at `now`. */
  abstract lockedUntil(userId: string, now: Date): Promise<Date | null>;
  /**
   * Counts a failure (password, TOTP or backup code). While locked nothing is counted (RL-06).
   * Returns the new lock's end when this failure locked the account.
   */
  abstract recordFailure(userId: string, now: Date, policy: LockoutPolicy): Promise<Date | null>;
  abstract reset(userId: string): Promise<void>;
}
