import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEvents1764230700000 implements MigrationInterface {
  name = 'CreateEvents1764230700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE events (
        id         uuid PRIMARY KEY,
        title      varchar(200) NOT NULL,
        starts_at  timestamptz  NOT NULL,
        ends_at    timestamptz  NOT NULL,
        type       varchar(32)  NOT NULL,
        extra      jsonb        NOT NULL DEFAULT '{}'::jsonb,
        status     varchar(16),
        created_by uuid         NOT NULL REFERENCES users (id),
        created_at timestamptz  NOT NULL,
        updated_at timestamptz  NOT NULL,
        during     tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
        CONSTRAINT events_type_check CHECK (type IN ('meeting', 'deployment_window', 'git_action')),
        CONSTRAINT events_status_check CHECK (status IS NULL OR status IN ('pending', 'approved', 'rejected')),
        CONSTRAINT events_span_check CHECK (ends_at > starts_at)
      )`);
    // Overlap tests between events (window conflicts) use the range and its GiST index.
    await db.query(`CREATE INDEX events_during_idx ON events USING gist (during)`);
    await db.query(`CREATE INDEX events_created_by_idx ON events (created_by)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE events`);
  }
}
