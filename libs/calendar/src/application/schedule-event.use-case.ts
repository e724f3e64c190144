import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, newId, UnitOfWork } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import { assertMayCreate, assertSpan, type EventType, needsApproval } from '../domain/event-rules';
import { FreezeGuard } from './freeze-guard';
import { EventRepository } from './ports/event-repository.port';

export interface ScheduleEventCommand {
  title: string;
  start: Date;
  end: Date;
  type: EventType;
  extra: Record<string, unknown>;
  /** ADMIN only: create inside a freeze anyway, with this reason (audited). */
  overrideReason?: string;
}

/** Creates an event for the caller (`created_by` is always the caller) and reports window conflicts. */
@Injectable()
export class ScheduleEvent {
  constructor(
    private readonly events: EventRepository,
    private readonly freezes: FreezeGuard,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(
    actor: Actor,
    cmd: ScheduleEventCommand,
  ): Promise<{ event: CalendarEvent; conflicts: string[] }> {
    assertMayCreate(actor.role, cmd.type);
    assertSpan(cmd.type, cmd.start, cmd.end);
    const now = this.clock.now();
    const id = newId();
    const event: CalendarEvent = {
      id,
      title: cmd.title,
      start: cmd.start,
      end: cmd.end,
      type: cmd.type,
      extra: cmd.extra,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      status: needsApproval(cmd.type, cmd.extra) ? 'pending' : null,
    };
    const conflicts = await this.uow.run(async () => {
      await this.freezes.check({
        actor,
        event: { id, type: cmd.type, extra: cmd.extra },
        from: cmd.start,
        to: cmd.end,
        overrideReason: cmd.overrideReason,
      });
      const found = await this.events.add(event);
      await this.audit.record({
        action: 'event_created',
        actorId: actor.id,
        targetType: 'event',
        targetId: event.id,
        ip: actor.ip,
        details: { type: event.type },
      });
      return found;
    });
    return { event, conflicts };
  }
}
