import type { CalendarEvent } from '../../domain/calendar-event';
import type { EventType } from '../../domain/event-rules';

export abstract class EventRepository {
  abstract add(event: CalendarEvent): Promise<void>;
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
  /** Ids of other deployment windows on `environment` that overlap [start, end). */
  /** Pairs of deployment windows on one environment that overlap, inside [from, to). */
  abstract findConflictPairs(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]>;
  abstract findWindowConflicts(
    environment: string,
    start: Date,
    end: Date,
    excludeId: string,
  ): Promise<string[]>;
}
