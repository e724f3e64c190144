import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { MfaChallengeRepository } from '../../application/ports/mfa-challenge-repository.port';

@Injectable()
export class TypeOrmMfaChallengeRepository extends MfaChallengeRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async create(hash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.db.query(`INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [
      hash,
      userId,
      expiresAt,
    ]);
  }

  async attempt(hash: string, now: Date, maxAttempts: number): Promise<string | null> {
    const result = await this.db.exec<{ user_id: string }>(
      `UPDATE mfa_challenges SET attempts = attempts + 1
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3 RETURNING user_id`,
      [hash, now, maxAttempts],
    );
    return result.rows[0]?.user_id ?? null;
  }

  async consume(hash: string, now: Date): Promise<boolean> {
    const result = await this.db.exec(
      `UPDATE mfa_challenges SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL`,
      [hash, now],
    );
    return result.affected > 0;
  }
}
