import {
  type EventPage,
  EventRepository,
  type OverlapQuery,
} from '../application/ports/event-repository.port';
import type { CalendarEvent } from '../domain/calendar-event';
import type { PagePosition } from '../domain/event-page';
import { isPrivate } from '../domain/event-rules';

const copy = (e: CalendarEvent): CalendarEvent => ({
  ...e,
  start: new Date(e.start.getTime()),
  end: new Date(e.end.getTime()),
  createdAt: new Date(e.createdAt.getTime()),
  updatedAt: new Date(e.updatedAt.getTime()),
  extra: structuredClone(e.extra),
});

/** Overlap of half-open ranges [aFrom, aTo) and [bFrom, bTo), as PostgreSQL's `&&` on tstzrange '[)'. */
const overlaps = (aFrom: Date, aTo: Date, bFrom: Date, bTo: Date): boolean =>
  aFrom.getTime() < bTo.getTime() && bFrom.getTime() < aTo.getTime();

const positionOf = (e: CalendarEvent): PagePosition => ({ startMicros: e.start.getTime() * 1000, id: e.id });

/** (start, id) order, the order of the listing and of its keyset. */
const compare = (a: PagePosition, b: PagePosition): number =>
  a.startMicros - b.startMicros || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const environmentOf = (e: CalendarEvent): string | null =>
  e.type === 'deployment_window' ? String(e.extra.environment) : null;

/**
 * EventRepository in memory, with the contract of TypeOrmEventRepository: stored copies (a caller's
 * object never changes what is stored), optimistic `update` on `updatedAt` to the millisecond,
 * keyset pages in (start, id) order with the private-meeting filter of AC-03 applied in the query.
 */
export class InMemoryEventRepository extends EventRepository {
  private readonly rows = new Map<string, CalendarEvent>();
  private meanwhile: (() => void | Promise<void>) | null = null;

  async add(event: CalendarEvent): Promise<string[]> {
    if (this.rows.has(event.id)) throw new Error(`duplicate event id ${event.id}`);
    this.rows.set(event.id, copy(event));
    const environment = environmentOf(event);
    if (!environment) return [];
    return this.all()
      .filter(
        (e) =>
          e.id !== event.id &&
          environmentOf(e) === environment &&
          overlaps(e.start, e.end, event.start, event.end),
      )
      .sort((a, b) => a.start.getTime() - b.start.getTime())
      .map((e) => e.id);
  }

  async update(event: CalendarEvent, previous: Pick<CalendarEvent, 'updatedAt'>): Promise<boolean> {
    const stored = this.rows.get(event.id);
    if (!stored || stored.updatedAt.getTime() !== previous.updatedAt.getTime()) return false;
    // Like the SQL adapter: the creator and creation time are never rewritten.
    this.rows.set(event.id, copy({ ...event, createdBy: stored.createdBy, createdAt: stored.createdAt }));
    return true;
  }

  async remove(id: string): Promise<void> {
    this.rows.delete(id);
  }

  async findById(id: string): Promise<CalendarEvent | null> {
    const stored = this.rows.get(id);
    const found = stored ? copy(stored) : null;
    const change = this.meanwhile;
    this.meanwhile = null;
    if (change) await change();
    return found;
  }

  async findOverlapping(q: OverlapQuery): Promise<EventPage> {
    const { after, visibleTo } = q;
    const matching = this.all()
      .filter((e) => overlaps(e.start, e.end, q.from, q.to))
      .filter((e) => q.type === undefined || e.type === q.type)
      .filter((e) => !after || compare(positionOf(e), after) > 0)
      .filter((e) => visibleTo.allPrivate || !isPrivate(e) || e.createdBy === visibleTo.userId)
      .sort((a, b) => compare(positionOf(a), positionOf(b)));
    const page = matching.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      events: page.map(copy),
      next: matching.length > q.limit && last ? positionOf(last) : null,
    };
  }

  async findConflictPairs(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]> {
    const windows = this.all()
      .filter((e) => e.type === 'deployment_window' && overlaps(e.start, e.end, from, to))
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    const pairs: { a: string; b: string; environment: string; order: [number, number] }[] = [];
    for (const x of windows)
      for (const y of windows) {
        const environment = environmentOf(x);
        if (
          environment !== null &&
          environment === environmentOf(y) &&
          x.id < y.id &&
          overlaps(x.start, x.end, y.start, y.end)
        )
          pairs.push({ a: x.id, b: y.id, environment, order: [x.start.getTime(), y.start.getTime()] });
      }
    return pairs
      .sort((p, q) => p.order[0] - q.order[0] || p.order[1] - q.order[1])
      .slice(0, 1000)
      .map(({ a, b, environment }) => ({ a, b, environment }));
  }

  /** Every stored event, as copies (tests only). */
  all(): CalendarEvent[] {
    return [...this.rows.values()].map(copy);
  }

  /**
   * Runs `change` once, right after the next `findById` has read its copy: another writer between a
   * use case's read and its write, for optimistic-concurrency tests (tests only).
   */
  meanwhileAfterNextRead(change: () => void | Promise<void>): void {
    this.meanwhile = change;
  }

  /** Puts an event as stored, bypassing the use cases (tests only). */
  seed(...events: CalendarEvent[]): void {
    for (const e of events) this.rows.set(e.id, copy(e));
  }
}
