/** What an accepted second factor tells login: for a backup code, how many are left (BC-06). */
export interface SecondFactorAccepted {
  backupCodesRemaining: number | null;
}

/**
 * The second factor, as authentication sees it; the two-factor context provides the adapter.
 * `verify` accepts a TOTP code or a backup code and must refuse replays itself; null means refused.
 */
export abstract class SecondFactor {
  abstract verify(userId: string, code: string): Promise<SecondFactorAccepted | null>;
}
