import type { CalendarEvent } from '../../domain/calendar-event';
import type { EventRange, PagePosition } from '../../domain/event-page';

export interface OverlapQuery extends EventRange {
  /** At most this many events. */
  limit: number;
  /** Only events after this position in (start, id) order: the keyset of the next page. */
  after?: PagePosition;
  /** Private meetings are left out unless created by `userId` or `allPrivate` (AC-03). */
  visibleTo: { userId: string; allPrivate: boolean };
}

export interface EventPage {
  events: CalendarEvent[];
  /** The position of the last event when more events match after it, else null. */
  next: PagePosition | null;
}

export abstract class EventRepository {
  /**
   * Inserts the event and returns the ids of deployment windows it overlaps on the same environment,
   * decided under a per-environment lock: of two windows created at the same moment, the second
   * always sees the first.
   */
  abstract add(event: CalendarEvent): Promise<string[]>;
  /**
   * Writes the event over the version read (`previous.updatedAt`, to the millisecond); false when it
   * changed or went away meanwhile, and nothing is written (LOG-TX-02: no stale snapshot written back).
   */
  abstract update(event: CalendarEvent, previous: Pick<CalendarEvent, 'updatedAt'>): Promise<boolean>;
  abstract remove(id: string): Promise<void>;
  abstract findById(id: string): Promise<CalendarEvent | null>;
  /**
   * Events overlapping [from, to) that the viewer may see, ordered by (start, id), after `after`,
   * at most `limit`; every filter is part of the query, so pages never lose or repeat events.
   */
  abstract findOverlapping(query: OverlapQuery): Promise<EventPage>;
  /** Pairs of deployment windows on one environment that overlap, inside [from, to). */
  abstract findConflictPairs(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]>;
}
