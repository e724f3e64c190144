export abstract class FeedTokenRepository {
  /** Sets the user's feed token (replacing, and so revoking, any earlier one). */
  abstract set(userId: string, tokenHash: string, now: Date): Promise<void>;
  abstract revoke(userId: string): Promise<boolean>;
  /** The user the token belongs to (whether they may still use it is identity's answer). */
  abstract ownerIdOf(tokenHash: string): Promise<string | null>;
}
