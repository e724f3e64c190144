import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import {
  type EventPage,
  EventRepository,
  type OverlapQuery,
} from '../../application/ports/event-repository.port';
import type { CalendarEvent } from '../../domain/calendar-event';
import type { EventType } from '../../domain/event-rules';

export interface EventRow {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  type: EventType;
  extra: Record<string, unknown>;
  status: CalendarEvent['status'];
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export const COLUMNS =
  'id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at';

/** starts_at in whole microseconds since the epoch, exactly (PostgreSQL's precision, beyond a Date's). */
const START_MICROS = `(extract(epoch FROM starts_at) * 1000000)::int8::text AS start_micros`;

/** `2026-03-02T09:00:00.000123Z` for 1772442000000123: a timestamptz literal without losing microseconds. */
function microsToTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return new Date(ms).toISOString().replace('Z', `${String(micros - ms * 1000).padStart(3, '0')}Z`);
}

export const toEvent = (r: EventRow): CalendarEvent => ({
  id: r.id,
  title: r.title,
  start: r.starts_at,
  end: r.ends_at,
  type: r.type,
  extra: r.extra,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class TypeOrmEventRepository extends EventRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async add(e: CalendarEvent): Promise<string[]> {
    const environment = e.type === 'deployment_window' ? String(e.extra.environment) : null;
    return this.db.transaction(async (m) => {
      // Windows of one environment are created one at a time, so the later of two simultaneous
      // creations always sees the earlier one among its conflicts.
      if (environment)
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('uyoop:window:' || $1))`, [environment]);
      await m.query(`INSERT INTO events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
        e.id,
        e.title,
        e.start,
        e.end,
        e.type,
        JSON.stringify(e.extra),
        e.status,
        e.createdBy,
        e.createdAt,
        e.updatedAt,
      ]);
      if (!environment) return [];
      const rows = (await m.query(
        `SELECT id FROM events WHERE type = 'deployment_window' AND extra->>'environment' = $1
           AND during && tstzrange($2, $3, '[)') AND id <> $4 ORDER BY starts_at`,
        [environment, e.start, e.end, e.id],
      )) as { id: string }[];
      return rows.map((r) => r.id);
    });
  }

  async update(e: CalendarEvent, previous: Pick<CalendarEvent, 'updatedAt'>): Promise<boolean> {
    // A Date holds milliseconds, the column microseconds: the version read is compared at the former.
    const written = await this.db.exec(
      `UPDATE events SET title = $2, starts_at = $3, ends_at = $4, type = $5, extra = $6, status = $7, updated_at = $8
        WHERE id = $1 AND date_trunc('milliseconds', updated_at) = date_trunc('milliseconds', $9::timestamptz)`,
      [
        e.id,
        e.title,
        e.start,
        e.end,
        e.type,
        JSON.stringify(e.extra),
        e.status,
        e.updatedAt,
        previous.updatedAt,
      ],
    );
    return written.affected === 1;
  }

  async remove(id: string): Promise<void> {
    await this.db.query(`DELETE FROM events WHERE id = $1`, [id]);
  }

  async findById(id: string): Promise<CalendarEvent | null> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM events WHERE id = $1`, [id])) as EventRow[];
    return rows[0] ? toEvent(rows[0]) : null;
  }

  async findOverlapping(q: OverlapQuery): Promise<EventPage> {
    const params: unknown[] = [q.from, q.to, q.type ?? null, q.limit + 1];
    const param = (value: unknown): string => `$${params.push(value)}`;
    // No event lasts over 7 days (a database constraint), so the btree on (starts_at, id) finds every
    // overlapping event in (start, id) order, the keyset of the next page is a bound of the same index
    // scan, and the scan stops at the limit (docs/benchmarks.md). One row more than the page tells
    // whether there is a next page.
    const after = q.after
      ? `AND (starts_at, id) > (${param(microsToTimestamp(q.after.startMicros))}::timestamptz, ${param(q.after.id)}::uuid)`
      : '';
    // AC-03: private meetings only for their creator and ADMINs, decided here so that pages stay whole.
    const visible = q.visibleTo.allPrivate
      ? ''
      : `AND (type <> 'meeting' OR NOT (extra @> '{"private": true}'::jsonb) OR created_by = ${param(q.visibleTo.userId)}::uuid)`;
    const rows = (await this.db.query(
      `SELECT ${COLUMNS}, ${START_MICROS} FROM events
        WHERE starts_at >= $1::timestamptz - interval '7 days' AND starts_at < $2 AND ends_at > $1
          AND ($3::varchar IS NULL OR type = $3) ${after} ${visible}
        ORDER BY starts_at, id LIMIT $4`,
      params,
    )) as (EventRow & { start_micros: string })[];
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      events: page.map(toEvent),
      next: rows.length > q.limit && last ? { startMicros: Number(last.start_micros), id: last.id } : null,
    };
  }

  async findConflictPairs(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]> {
    return (await this.db.query(
      `SELECT x.id AS a, y.id AS b, x.extra->>'environment' AS environment
         FROM events x JOIN events y
           ON x.type = 'deployment_window' AND y.type = 'deployment_window'
          AND x.extra->>'environment' = y.extra->>'environment' AND x.id < y.id AND x.during && y.during
        WHERE x.during && tstzrange($1, $2, '[)') AND y.during && tstzrange($1, $2, '[)')
        ORDER BY x.starts_at, y.starts_at LIMIT 1000`,
      [from, to],
    )) as { a: string; b: string; environment: string }[];
  }
}
