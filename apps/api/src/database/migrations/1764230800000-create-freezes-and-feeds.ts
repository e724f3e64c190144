import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFreezesAndFeeds1764230800000 implements MigrationInterface {
  name = 'CreateFreezesAndFeeds1764230800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE freezes (
        id          uuid PRIMARY KEY,
        environment varchar(16)  NOT NULL,
        starts_at   timestamptz  NOT NULL,
        ends_at     timestamptz  NOT NULL,
        reason      varchar(500) NOT NULL,
        created_by  uuid         NOT NULL REFERENCES users (id),
        created_at  timestamptz  NOT NULL,
        during      tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
        CONSTRAINT freezes_environment_check CHECK (environment IN ('dev', 'test', 'staging', 'prod')),
        CONSTRAINT freezes_span_check CHECK (ends_at > starts_at)
      )`);
    await db.query(`CREATE INDEX freezes_during_idx ON freezes USING gist (during)`);
    // One revocable iCalendar feed token per user, stored as its SHA-256.
    await db.query(`
      CREATE TABLE feed_tokens (
        user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        token_hash char(64)    NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE feed_tokens`);
    await db.query(`DROP TABLE freezes`);
  }
}
