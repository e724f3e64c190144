/** Pending second steps of a login: single use, short-lived, few attempts (MFA-03). */
export abstract class MfaChallengeRepository {
  abstract create(hash: string, userId: string, expiresAt: Date): Promise<void>;
  /** Counts one attempt and returns the user id if the challenge is live and under `maxAttempts`. */
  abstract attempt(hash: string, now: Date, maxAttempts: number): Promise<string | null>;
  /** Marks it used; false when it was already used (a racing second success). */
  abstract consume(hash: string, now: Date): Promise<boolean>;
}
