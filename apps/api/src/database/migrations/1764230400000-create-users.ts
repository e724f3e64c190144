import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1764230400000 implements MigrationInterface {
  name = 'CreateUsers1764230400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY,
        username      varchar(64)  NOT NULL,
        email         varchar(320),
        password_hash text         NOT NULL,
        role          varchar(16)  NOT NULL,
        totp_enabled  boolean      NOT NULL DEFAULT false,
        is_active     boolean      NOT NULL DEFAULT true,
        created_at    timestamptz  NOT NULL DEFAULT now(),
        updated_at    timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT users_role_check CHECK (role IN ('ADMIN', 'PROJET', 'DEV', 'OPS')),
        CONSTRAINT users_username_check CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$')
      )`);
    await db.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE users`);
  }
}
