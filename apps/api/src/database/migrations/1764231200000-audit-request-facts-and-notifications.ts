import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditRequestFactsAndNotifications1764231200000 implements MigrationInterface {
  name = 'AuditRequestFactsAndNotifications1764231200000';

  async up(db: QueryRunner): Promise<void> {
    // LOG-03: every audit row says which client and which request it came from.
    await db.query(
      `ALTER TABLE audit_log ADD COLUMN user_agent varchar(256), ADD COLUMN request_id varchar(64)`,
    );
    // MFA-08: in-app notices to a user about changes to their account's security.
    await db.query(`
      CREATE TABLE notifications (
        id         uuid         PRIMARY KEY,
        user_id    uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind       varchar(48)  NOT NULL,
        message    varchar(300) NOT NULL,
        details    jsonb        NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz  NOT NULL,
        read_at    timestamptz
      )`);
    await db.query(
      `CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE notifications`);
    await db.query(`ALTER TABLE audit_log DROP COLUMN user_agent, DROP COLUMN request_id`);
  }
}
