/**
 * What login learns from the second factor: accepted (for a backup code, how many are left, BC-06),
 * or refused — and whether the refusal counts toward the account lockout. A valid, unused TOTP code
 * refused only because it is not newer than an accepted one (TOTP-02) is no guess, so it does not.
 */
export type SecondFactorCheck =
  { accepted: true; backupCodesRemaining: number | null } | { accepted: false; countsAsFailure: boolean };

/**
 * The second factor, as authentication sees it; the two-factor context provides the adapter.
 * `verify` accepts a TOTP code or a backup code and must refuse replays itself.
 */
export abstract class SecondFactor {
  abstract verify(userId: string, code: string): Promise<SecondFactorCheck>;
}
