import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTotpUsedCodes1764230900000 implements MigrationInterface {
  name = 'CreateTotpUsedCodes1764230900000';

  async up(db: QueryRunner): Promise<void> {
    // Accepted TOTP codes, kept while they could still be valid: a replay is refused whichever
    // instance or Vault node is asked, and after a Vault restart (TOTP-01, TOTP-08).
    await db.query(`
      CREATE TABLE totp_used_codes (
        user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash  char(64)    NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, code_hash)
      )`);
    await db.query(`ALTER TABLE totp_credentials DROP COLUMN last_code_hash, DROP COLUMN last_code_until`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE totp_credentials ADD COLUMN last_code_hash char(64), ADD COLUMN last_code_until timestamptz`,
    );
    await db.query(`DROP TABLE totp_used_codes`);
  }
}
