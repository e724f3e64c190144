import { Injectable } from '@nestjs/common';
import type { CalendarEvent } from '../domain/calendar-event';
import { assertPageSize, decodeCursor, encodeCursor, type EventRange } from '../domain/event-page';
import { assertRange } from '../domain/event-range';
import { seesEveryPrivateEvent, type Viewer } from '../domain/event-rules';
import { EventRepository } from './ports/event-repository.port';

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
    assertRange(q.from, q.to);
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
}
