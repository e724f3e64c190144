import { Injectable } from '@nestjs/common';
import type { CalendarEvent } from '../domain/calendar-event';
import { InvalidEvent } from '../domain/calendar.errors';
import { assertPageSize, decodeCursor, encodeCursor, type EventRange } from '../domain/event-page';
import { seesEveryPrivateEvent, type Viewer } from '../domain/event-rules';
import { EventRepository } from './ports/event-repository.port';

const MAX_RANGE_MS = 366 * 24 * 3_600_000;
/** The iCalendar feed is one document, not pages: at most this many events. */
export const MAX_EVENTS_PER_FEED = 5_000;

export interface ListEventsQuery extends EventRange {
  /** 1 to MAX_PAGE_SIZE (VAL-03). */
  limit: number;
  /** From the previous page's `next`. */
  cursor?: string;
}

/**
 * Events overlapping [from, to) that the viewer may see, one page at a time in (start, id) order
 * (VAL-03: bounded range, page size ≤ 100, keyset cursor).
 */
@Injectable()
export class ListEvents {
  constructor(private readonly events: EventRepository) {}

  async execute(
    viewer: Viewer,
    q: ListEventsQuery,
  ): Promise<{ events: CalendarEvent[]; next: string | null }> {
    checkRange(q.from, q.to);
    assertPageSize(q.limit);
    const range: EventRange = { from: q.from, to: q.to, type: q.type };
    const page = await this.events.findOverlapping({
      ...range,
      limit: q.limit,
      after: q.cursor !== undefined ? decodeCursor(range, q.cursor) : undefined,
      visibleTo: { userId: viewer.id, allPrivate: seesEveryPrivateEvent(viewer.role) },
    });
    return { events: page.events, next: page.next ? encodeCursor(range, page.next) : null };
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
