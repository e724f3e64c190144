import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import { assertMayDecide } from '../domain/event-decision';
import { eventAudit, findVisibleEvent, writeOver } from './event-access';
import { FreezeGuard } from './freeze-guard';
import { EventRepository } from './ports/event-repository.port';

/**
 * An ADMIN other than its creator approves an event waiting for approval (VAL-06, VAL-08), unless a
 * freeze covers it and no override reason is given (VAL-05); audited with the comment.
 */
@Injectable()
export class ApproveEvent {
  constructor(
    private readonly events: EventRepository,
    private readonly freezes: FreezeGuard,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(
    actor: Actor,
    id: string,
    comment: string | undefined,
    overrideReason?: string,
  ): Promise<CalendarEvent> {
    const event = await findVisibleEvent(this.events, actor, id);
    assertMayDecide(actor, event, 'approve');
    const approved: CalendarEvent = { ...event, status: 'approved', updatedAt: this.clock.now() };
    await this.uow.run(async () => {
      await this.freezes.check({ actor, event, from: event.start, to: event.end, overrideReason });
      await writeOver(this.events, approved, event);
      await this.audit.record(eventAudit(actor, 'event_approved', id, { comment: comment ?? null }));
    });
    return approved;
  }
}
