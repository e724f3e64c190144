import type { Actor, AuditAction, AuditEntry } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import { EventChangedMeanwhile, EventNotFound } from '../domain/calendar.errors';
import { isVisibleTo, type Viewer } from '../domain/event-rules';
import type { EventRepository } from './ports/event-repository.port';

/** The event, or the same 404 whether it does not exist or is a private meeting hidden from the viewer (AC-03). */
export async function findVisibleEvent(
  events: EventRepository,
  viewer: Viewer,
  id: string,
): Promise<CalendarEvent> {
  const event = await events.findById(id);
  if (!event || !isVisibleTo(event, viewer)) throw new EventNotFound();
  return event;
}

/** Writes `next` over the version read; a 409 when it changed meanwhile, and nothing is written (LOG-TX-02). */
export async function writeOver(
  events: EventRepository,
  next: CalendarEvent,
  previous: CalendarEvent,
): Promise<void> {
  if (!(await events.update(next, previous))) throw new EventChangedMeanwhile();
}

/** The audit entry of something the actor did to an event. */
export function eventAudit(
  actor: Actor,
  action: AuditAction,
  eventId: string,
  details: Record<string, unknown>,
): AuditEntry {
  return { action, actorId: actor.id, targetType: 'event', targetId: eventId, ip: actor.ip, details };
}
