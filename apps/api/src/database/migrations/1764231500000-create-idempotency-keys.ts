import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1764231500000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764231500000';

  async up(db: QueryRunner): Promise<void> {
    // REL-IDEM-01: the first answer to a creating POST sent with an Idempotency-Key, written in the same
    // transaction as what it created; a retry with the key gets it back instead of a second creation.
    await db.query(`CREATE TABLE idempotency_keys (
      actor_id uuid NOT NULL,
      key varchar(128) NOT NULL,
      route varchar(200) NOT NULL,
      request_hash char(64) NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (actor_id, key)
    )`);
    await db.query(`CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE idempotency_keys`);
  }
}
