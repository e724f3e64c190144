import type { CalendarEvent } from '../../domain/calendar-event';
import type { EventType } from '../../domain/event-rules';

export abstract class EventRepository {
  /**
   * Inserts the event and returns the ids of deployment windows it overlaps on the same environment,
   * decided under a per-environment lock: of two windows created at the same moment, the second
   * always sees the first.
   */
  abstract add(event: CalendarEvent): Promise<string[]>;
  abstract update(event: CalendarEvent): Promise<void>;
  abstract remove(id: string): Promise<void>;
  abstract findById(id: string): Promise<CalendarEvent | null>;
  /** Events overlapping [from, to), ordered by start, at most `limit`. */
  abstract findOverlapping(
    from: Date,
    to: Date,
    type: EventType | undefined,
    limit: number,
  ): Promise<CalendarEvent[]>;
  /** Pairs of deployment windows on one environment that overlap, inside [from, to). */
  abstract findConflictPairs(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]>;
}
