import { Injectable } from '@nestjs/common';
import { newId } from '@uyoop/shared';
import { TypeOrmUnitOfWork, sql } from '@uyoop/shared/nest';
import type { EntityManager } from 'typeorm';
import type { StepRange } from '../../../domain/two-factor/codes';
import {
  type StoredBackupCode,
  type TotpCredential,
  type CodeAcceptance,
  TwoFactorRepository,
} from '../../../application/two-factor/ports/two-factor-repository.port';

/**
 * 2FA state in SQL. `users.totp_enabled` is written here, in the same transaction as the enrolment,
 * so what login reads can never disagree with the credential.
 */
@Injectable()
export class TypeOrmTwoFactorRepository extends TwoFactorRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async find(userId: string): Promise<TotpCredential | null> {
    const rows = (await this.db.query(
      `SELECT user_id, key_name, status FROM totp_credentials WHERE user_id = $1`,
      [userId],
    )) as {
      user_id: string;
      key_name: string;
      status: 'pending' | 'active';
    }[];
    const row = rows[0];
    return row ? { userId: row.user_id, keyName: row.key_name, status: row.status } : null;
  }

  async savePending(userId: string, keyName: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO totp_credentials (user_id, key_name, status, created_at) VALUES ($1, $2, 'pending', $3)
       ON CONFLICT (user_id) DO UPDATE SET key_name = $2, created_at = $3, last_step = 0
       WHERE totp_credentials.status = 'pending'`,
      [userId, keyName, now],
    );
  }

  async activate(userId: string, hashes: string[], now: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`UPDATE totp_credentials SET status = 'active', enabled_at = $2 WHERE user_id = $1`, [
        userId,
        now,
      ]);
      await m.query(`UPDATE users SET totp_enabled = true, updated_at = $2 WHERE id = $1`, [userId, now]);
      await this.insertCodes(m, userId, hashes, now);
    });
  }

  async remove(userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM backup_codes WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM totp_credentials WHERE user_id = $1`, [userId]);
      await m.query(`UPDATE users SET totp_enabled = false, updated_at = now() WHERE id = $1`, [userId]);
    });
  }

  async acceptCode(
    userId: string,
    code: { hash: string; steps: StepRange },
    validUntil: Date,
    now: Date,
  ): Promise<CodeAcceptance> {
    return this.db
      .transaction(async (m) => {
        await m.query(`DELETE FROM totp_used_codes WHERE user_id = $1 AND expires_at <= $2`, [userId, now]);
        const fresh = await sql(
          m,
          `INSERT INTO totp_used_codes (user_id, code_hash, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [userId, code.hash, validUntil],
        );
        if (fresh.affected !== 1) return 'replayed' as const;
        const { first, last } = code.steps;
        const after = first === last ? 'last_step < $2' : 'last_step <= $2';
        const moved = await sql(
          m,
          `UPDATE totp_credentials SET last_step = $3 WHERE user_id = $1 AND ${after}`,
          [userId, first, last],
        );
        // Rolls the remembered code back too: it was not accepted.
        if (moved.affected !== 1) throw new StepNotAfterLast();
        return 'accepted' as const;
      })
      .catch((error: unknown) => {
        if (error instanceof StepNotAfterLast) return 'too_soon' as const;
        throw error;
      });
  }

  async unusedBackupCodes(userId: string): Promise<StoredBackupCode[]> {
    const rows = (await this.db.query(
      `SELECT id, code_hash FROM backup_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    )) as {
      id: string;
      code_hash: string;
    }[];
    return rows.map((r) => ({ id: r.id, hash: r.code_hash }));
  }

  async useBackupCode(id: string, now: Date): Promise<boolean> {
    return (
      (
        await this.db.exec(`UPDATE backup_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL`, [
          id,
          now,
        ])
      ).affected === 1
    );
  }

  async replaceBackupCodes(userId: string, hashes: string[], now: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM backup_codes WHERE user_id = $1`, [userId]);
      await this.insertCodes(m, userId, hashes, now);
    });
  }

  private async insertCodes(m: EntityManager, userId: string, hashes: string[], now: Date): Promise<void> {
    for (const hash of hashes) {
      await m.query(`INSERT INTO backup_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)`, [
        newId(),
        userId,
        hash,
        now,
      ]);
    }
  }
}

/** Rolls the transaction back when the step check fails after the code was recorded. */
class StepNotAfterLast extends Error {}
