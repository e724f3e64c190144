import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { FeedTokenRepository } from '../../application/ports/feed-token-repository.port';

@Injectable()
export class TypeOrmFeedTokenRepository extends FeedTokenRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async set(userId: string, tokenHash: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = $2, created_at = $3`,
      [userId, tokenHash, now],
    );
  }

  async revoke(userId: string): Promise<boolean> {
    return (await this.db.exec(`DELETE FROM feed_tokens WHERE user_id = $1`, [userId])).affected === 1;
  }

  async ownerIdOf(tokenHash: string): Promise<string | null> {
    const rows = await this.db.query<{ user_id: string }>(
      `SELECT user_id FROM feed_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0]?.user_id ?? null;
  }
}
