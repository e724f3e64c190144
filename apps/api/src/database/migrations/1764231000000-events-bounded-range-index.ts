import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Range queries read events in start order and stop at the page limit (docs/benchmarks.md): a btree
 * on (starts_at, id), and a database guarantee that no event lasts more than 7 days, so that
 * "overlaps [from, to)" is exactly "starts in [from − 7 days, to) and ends after from".
 */
export class EventsBoundedRangeIndex1764231000000 implements MigrationInterface {
  name = 'EventsBoundedRangeIndex1764231000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE events ADD CONSTRAINT events_max_span_check CHECK (ends_at - starts_at <= interval '7 days')`,
    );
    await db.query(`CREATE INDEX events_starts_at_id_idx ON events (starts_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX events_starts_at_id_idx`);
    await db.query(`ALTER TABLE events DROP CONSTRAINT events_max_span_check`);
  }
}
