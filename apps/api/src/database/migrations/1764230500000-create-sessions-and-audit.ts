import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessionsAndAudit1764230500000 implements MigrationInterface {
  name = 'CreateSessionsAndAudit1764230500000';

  async up(db: QueryRunner): Promise<void> {
    // A login session is a refresh-token family: every rotation adds a token to it; revoking it
    // revokes every token of the family and every access token that names it (`sid`).
    await db.query(`
      CREATE TABLE sessions (
        id             uuid PRIMARY KEY,
        user_id        uuid         NOT NULL REFERENCES users (id),
        created_at     timestamptz  NOT NULL,
        expires_at     timestamptz  NOT NULL,
        last_used_at   timestamptz  NOT NULL,
        revoked_at     timestamptz,
        revoked_reason varchar(40),
        device_label   varchar(200),
        ip             varchar(64)
      )`);
    await db.query(`CREATE INDEX sessions_user_active_idx ON sessions (user_id) WHERE revoked_at IS NULL`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        token_hash  char(64)    PRIMARY KEY,
        session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        issued_at   timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await db.query(`CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)`);
    await db.query(`
      CREATE TABLE mfa_challenges (
        token_hash  char(64)    PRIMARY KEY,
        user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at  timestamptz NOT NULL,
        attempts    integer     NOT NULL DEFAULT 0,
        used_at     timestamptz
      )`);
    await db.query(`
      CREATE TABLE account_lockouts (
        user_id           uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        failures          integer     NOT NULL DEFAULT 0,
        window_started_at timestamptz,
        locked_until      timestamptz,
        lock_count        integer     NOT NULL DEFAULT 0
      )`);
    await db.query(`
      CREATE TABLE audit_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor_id    uuid,
        action      varchar(64) NOT NULL,
        target_type varchar(32),
        target_id   varchar(64),
        ip          varchar(64),
        details     jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await db.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at)`);
    await db.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, at)`);
    // Append-only for everyone who goes through SQL, the application included (LOG-05).
    await db.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP FUNCTION audit_log_append_only()`);
    await db.query(`DROP TABLE account_lockouts`);
    await db.query(`DROP TABLE mfa_challenges`);
    await db.query(`DROP TABLE refresh_tokens`);
    await db.query(`DROP TABLE sessions`);
  }
}
