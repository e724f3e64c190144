import { FeedTokenRepository } from '../application/ports/feed-token-repository.port';

interface FeedUser {
  role: string;
  isActive: boolean;
}

/**
 * FeedTokenRepository in memory, with the contract of TypeOrmFeedTokenRepository: one token hash per
 * user, and a token names its owner only while that user exists and is active. Users are registered
 * with `addUser` (the SQL adapter joins the users table).
 */
export class InMemoryFeedTokenRepository extends FeedTokenRepository {
  /** user id → token hash and when it was set. */
  readonly tokens = new Map<string, { tokenHash: string; createdAt: Date }>();
  private readonly users = new Map<string, FeedUser>();

  async set(userId: string, tokenHash: string, now: Date): Promise<void> {
    this.tokens.set(userId, { tokenHash, createdAt: new Date(now.getTime()) });
  }

  async revoke(userId: string): Promise<boolean> {
    return this.tokens.delete(userId);
  }

  async ownerOf(tokenHash: string): Promise<{ id: string; role: string } | null> {
    for (const [userId, token] of this.tokens) {
      const user = this.users.get(userId);
      if (token.tokenHash === tokenHash && user?.isActive) return { id: userId, role: user.role };
    }
    return null;
  }

  /** Registers (or changes) a user a token may belong to (tests only). */
  addUser(id: string, role: string, isActive = true): void {
    this.users.set(id, { role, isActive });
  }
}
