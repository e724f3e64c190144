import { Injectable } from '@nestjs/common';
import type { CalendarEvent } from '../domain/calendar-event';
import { InvalidEvent } from '../domain/calendar.errors';
import type { EventType } from '../domain/event-rules';
import { EventRepository } from './ports/event-repository.port';

const MAX_RANGE_MS = 366 * 24 * 3_600_000;
export const MAX_EVENTS_PER_QUERY = 5_000;

/** Events overlapping [from, to): a bounded range over the GiST index (VAL-03). */
@Injectable()
export class ListEvents {
  constructor(private readonly events: EventRepository) {}

  execute(from: Date, to: Date, type?: EventType): Promise<CalendarEvent[]> {
    checkRange(from, to);
    return this.events.findOverlapping(from, to, type, MAX_EVENTS_PER_QUERY);
  }

  /** Overlapping deployment windows on the same environment, pairwise. */
  conflicts(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]> {
    checkRange(from, to);
    return this.events.findConflictPairs(from, to);
  }
}

function checkRange(from: Date, to: Date): void {
  if (to <= from) throw new InvalidEvent('to must be after from');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new InvalidEvent('from and to may be at most 366 days apart');
}
