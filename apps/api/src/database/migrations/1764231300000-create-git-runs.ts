import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGitRuns1764231300000 implements MigrationInterface {
  name = 'CreateGitRuns1764231300000';

  async up(db: QueryRunner): Promise<void> {
    // Git actions: a queue and history of runs that every instance shares.
    await db.query(`
      CREATE TABLE git_runs (
        id              uuid          PRIMARY KEY,
        event_id        uuid          NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        action          varchar(16)   NOT NULL
                        CHECK (action IN ('clone', 'fetch', 'pull', 'checkout', 'ls-remote')),
        repo_url        varchar(2048) NOT NULL,
        branch          varchar(200)  NOT NULL,
        status          varchar(16)   NOT NULL
                        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out')),
        trigger         varchar(8)    NOT NULL CHECK (trigger IN ('manual', 'auto')),
        triggered_by    uuid          REFERENCES users (id),
        idempotency_key varchar(128),
        exit_code       integer,
        output          text          NOT NULL DEFAULT '',
        created_at      timestamptz   NOT NULL,
        started_at      timestamptz,
        finished_at     timestamptz,
        CHECK ((trigger = 'manual') = (triggered_by IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX git_runs_event_idx ON git_runs (event_id, created_at DESC)`);
    await db.query(`CREATE INDEX git_runs_queue_idx ON git_runs (created_at) WHERE status = 'queued'`);
    // One run at a time per repository (GIT-06): a second claim on it fails instead of running.
    await db.query(
      `CREATE UNIQUE INDEX git_runs_one_running ON git_runs (repo_url) WHERE status = 'running'`,
    );
    // An auto_trigger event runs once, whichever instance sees it due first.
    await db.query(`CREATE UNIQUE INDEX git_runs_auto_once ON git_runs (event_id) WHERE trigger = 'auto'`);
    // A client retrying with the same Idempotency-Key gets the same run (GIT-06).
    await db.query(
      `CREATE UNIQUE INDEX git_runs_idempotency ON git_runs (triggered_by, idempotency_key)
         WHERE idempotency_key IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE git_runs`);
  }
}
