export abstract class FeedTokenRepository {
  /** Sets the user's feed token (replacing, and so revoking, any earlier one). */
  abstract set(userId: string, tokenHash: string, now: Date): Promise<void>;
  abstract revoke(userId: string): Promise<boolean>;
  /** The active user the token belongs to, with their current role. */
  abstract ownerOf(tokenHash: string): Promise<{ id: string; role: string } | null>;
}
