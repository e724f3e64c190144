import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import { assertMayDecide } from '../domain/event-decision';
import { eventAudit, findVisibleEvent, writeOver } from './event-access';
import { EventRepository } from './ports/event-repository.port';

/** An ADMIN other than its creator refuses an event waiting for approval, with a comment; audited. */
@Injectable()
export class RejectEvent {
  constructor(
    private readonly events: EventRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, id: string, comment: string | undefined): Promise<CalendarEvent> {
    const event = await findVisibleEvent(this.events, actor, id);
    assertMayDecide(actor, event, 'reject');
    const rejected: CalendarEvent = { ...event, status: 'rejected', updatedAt: this.clock.now() };
    await this.uow.run(async () => {
      await writeOver(this.events, rejected, event);
      await this.audit.record(eventAudit(actor, 'event_rejected', id, { comment: comment ?? null }));
    });
    return rejected;
  }
}
