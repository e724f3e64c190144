import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTwoFactor1764230600000 implements MigrationInterface {
  name = 'CreateTwoFactor1764230600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE totp_credentials (
        user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        key_name        varchar(80) NOT NULL,
        status          varchar(10) NOT NULL CONSTRAINT totp_credentials_status_check CHECK (status IN ('pending', 'active')),
        created_at      timestamptz NOT NULL,
        enabled_at      timestamptz,
        last_step       bigint      NOT NULL DEFAULT 0,
        last_code_hash  char(64),
        last_code_until timestamptz
      )`);
    // The local TOTP engine's keys: the seed encrypted with AES-256-GCM under a key kept outside the database.
    await db.query(`
      CREATE TABLE local_totp_keys (
        key_name    varchar(80) PRIMARY KEY,
        sealed_seed bytea       NOT NULL,
        created_at  timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE backup_codes (
        id         uuid PRIMARY KEY,
        user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash  text        NOT NULL,
        created_at timestamptz NOT NULL,
        used_at    timestamptz
      )`);
    await db.query(`CREATE INDEX backup_codes_unused_idx ON backup_codes (user_id) WHERE used_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE backup_codes`);
    await db.query(`DROP TABLE local_totp_keys`);
    await db.query(`DROP TABLE totp_credentials`);
  }
}
