import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import { InvalidEvent } from '../domain/calendar.errors';
import {
  assertMayChange,
  assertMayCreate,
  assertSpan,
  changesApprovedTerms,
  type EventType,
  needsApproval,
} from '../domain/event-rules';
import { eventAudit, findVisibleEvent, writeOver } from './event-access';
import { FreezeGuard } from './freeze-guard';
import { EventRepository } from './ports/event-repository.port';

export interface UpdateEventCommand {
  title?: string;
  start?: Date;
  end?: Date;
  type?: EventType;
  extra?: Record<string, unknown>;
  overrideReason?: string;
}

/**
 * Edits an event: its creator or an ADMIN. A changed type is checked against the role again;
 * changing what was approved (times, a window's environment, a git action's command) sends it back
 * to `pending` and is checked against the freezes (VAL-05, VAL-06, VAL-08).
 */
@Injectable()
export class UpdateEvent {
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
    cmd: UpdateEventCommand,
    validateExtra: (type: EventType, extra: unknown) => Record<string, unknown>,
  ): Promise<CalendarEvent> {
    const event = await findVisibleEvent(this.events, actor, id);
    assertMayChange(actor.role, actor.id, event.createdBy);
    if (cmd.type !== undefined && cmd.type !== event.type) {
      assertMayCreate(actor.role, cmd.type);
      if (cmd.extra === undefined) throw new InvalidEvent('changing type needs the extra of the new type');
    }
    const type = cmd.type ?? event.type;
    const extra = cmd.extra !== undefined ? validateExtra(type, cmd.extra) : event.extra;
    const start = cmd.start ?? event.start;
    const end = cmd.end ?? event.end;
    assertSpan(type, start, end);
    const moved = changesApprovedTerms(event, { type, start, end, extra });
    let status = needsApproval(type, extra) ? (event.status ?? 'pending') : null;
    if (status === 'approved' && moved) status = 'pending';
    const updated: CalendarEvent = {
      ...event,
      title: cmd.title ?? event.title,
      start,
      end,
      type,
      extra,
      status,
      updatedAt: this.clock.now(),
    };
    await this.uow.run(async () => {
      if (moved)
        await this.freezes.check({
          actor,
          event: { id, type, extra },
          from: start,
          to: end,
          overrideReason: cmd.overrideReason,
        });
      await writeOver(this.events, updated, event);
      await this.audit.record(eventAudit(actor, 'event_updated', id, { status }));
    });
    return updated;
  }
}
