import { Injectable } from '@nestjs/common';
import type { CalendarEvent } from '../domain/calendar-event';
import type { Viewer } from '../domain/event-rules';
import { findVisibleEvent } from './event-access';
import { EventRepository } from './ports/event-repository.port';

/** One event by id; another user's private meeting is a 404, like a missing one (AC-03). */
@Injectable()
export class GetEvent {
  constructor(private readonly events: EventRepository) {}

  execute(viewer: Viewer, id: string): Promise<CalendarEvent> {
    return findVisibleEvent(this.events, viewer, id);
  }
}
