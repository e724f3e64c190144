/**
 * The second factor, as authentication sees it; the two-factor context provides the adapter.
 * `verify` accepts a TOTP code or a backup code and must refuse replays itself.
 */
export abstract class SecondFactor {
  abstract verify(userId: string, code: string): Promise<boolean>;
}
