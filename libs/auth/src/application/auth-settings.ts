import type { LockoutPolicy } from './ports/account-lockout.port';

/** The authentication knobs the use cases need, from configuration. */
export class AuthSettings {
  constructor(
    readonly refreshTtlMs: number,
    readonly refreshIdleMs: number,
    readonly lockout: LockoutPolicy,
    readonly mfaChallengeTtlMs = 5 * 60_000,
    readonly mfaMaxAttempts = 5,
  ) {}
}
