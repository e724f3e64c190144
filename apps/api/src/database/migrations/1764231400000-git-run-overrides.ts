import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GitRunOverrides1764231400000 implements MigrationInterface {
  name = 'GitRunOverrides1764231400000';

  async up(db: QueryRunner): Promise<void> {
    // An ADMIN's freeze override travels with the run, so the worker's last check before starting it
    // knows the freeze was already overridden (and audited) at the request (VAL-05).
    await db.query(`ALTER TABLE git_runs ADD COLUMN freeze_override_reason varchar(500)`);
    // Every git action now waits for approval (VAL-08, ADR 0004): older ones start pending too.
    await db.query(`UPDATE events SET status = 'pending' WHERE type = 'git_action' AND status IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE git_runs DROP COLUMN freeze_override_reason`);
  }
}
