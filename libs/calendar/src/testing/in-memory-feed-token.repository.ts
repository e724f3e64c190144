import { FeedTokenRepository } from '../application/ports/feed-token-repository.port';

/** FeedTokenRepository in memory, with the contract of TypeOrmFeedTokenRepository: one token hash per user. */
export class InMemoryFeedTokenRepository extends FeedTokenRepository {
  /** user id → token hash and when it was set. */
  readonly tokens = new Map<string, { tokenHash: string; createdAt: Date }>();

  async set(userId: string, tokenHash: string, now: Date): Promise<void> {
    this.tokens.set(userId, { tokenHash, createdAt: new Date(now.getTime()) });
  }

  async revoke(userId: string): Promise<boolean> {
    return this.tokens.delete(userId);
  }

  async ownerIdOf(tokenHash: string): Promise<string | null> {
    for (const [userId, token] of this.tokens) if (token.tokenHash === tokenHash) return userId;
    return null;
  }
}
