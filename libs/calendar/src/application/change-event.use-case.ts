import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import {
  EventChangedMeanwhile,
  EventForbidden,
  EventNotFound,
  InvalidEvent,
} from '../domain/calendar.errors';
import {
  assertMayChange,
  assertMayCreate,
  assertSpan,
  type EventType,
  isVisibleTo,
  approvalSubject,
  changesApprovedTerms,
  needsApproval,
  type Viewer,
} from '../domain/event-rules';
import { FreezeGuard } from './freeze-guard';
import { EventRepository } from './ports/event-repository.port';

export interface ChangeEventCommand {
  title?: string;
  start?: Date;
  end?: Date;
  type?: EventType;
  extra?: Record<string, unknown>;
  overrideReason?: string;
}

/**
 * Edits, deletions and approvals. A changed type is checked against the role again; changing what
 * was approved (times, a window's environment, a git action's command) sends it back to `pending`
 * (VAL-06, VAL-08).
 */
@Injectable()
export class ChangeEvent {
  constructor(
    private readonly events: EventRepository,
    private readonly freezes: FreezeGuard,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async update(
    actor: Actor,
    id: string,
    cmd: ChangeEventCommand,
    validateExtra: (type: EventType, extra: unknown) => Record<string, unknown>,
  ): Promise<CalendarEvent> {
    const event = await this.get(actor, id);
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
      if (!(await this.events.update(updated, event))) throw new EventChangedMeanwhile();
      await this.audit.record({
        action: 'event_updated',
        actorId: actor.id,
        targetType: 'event',
        targetId: id,
        ip: actor.ip,
        details: { status },
      });
    });
    return updated;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const event = await this.get(actor, id);
    assertMayChange(actor.role, actor.id, event.createdBy);
    await this.uow.run(async () => {
      await this.events.remove(id);
      await this.audit.record({
        action: 'event_deleted',
        actorId: actor.id,
        targetType: 'event',
        targetId: id,
        ip: actor.ip,
        details: { type: event.type },
      });
    });
  }

  async approve(
    actor: Actor,
    id: string,
    comment: string | undefined,
    overrideReason?: string,
  ): Promise<CalendarEvent> {
    const event = await this.get(actor, id);
    const subject = approvalSubject(event.type);
    if (actor.role !== 'ADMIN') throw new EventForbidden(`Only an ADMIN can approve ${subject}s`);
    if (event.status === null) throw new InvalidEvent('This event does not need approval');
    if (event.createdBy === actor.id) throw new EventForbidden(`Nobody approves their own ${subject}`);
    const approved: CalendarEvent = { ...event, status: 'approved', updatedAt: this.clock.now() };
    await this.uow.run(async () => {
      await this.freezes.check({ actor, event, from: event.start, to: event.end, overrideReason });
      if (!(await this.events.update(approved, event))) throw new EventChangedMeanwhile();
      await this.audit.record({
        action: 'event_approved',
        actorId: actor.id,
        targetType: 'event',
        targetId: id,
        ip: actor.ip,
        details: { comment: comment ?? null },
      });
    });
    return approved;
  }

  /** ADMIN refuses a window waiting for approval, with a comment; audited. */
  async reject(actor: Actor, id: string, comment: string | undefined): Promise<CalendarEvent> {
    const event = await this.get(actor, id);
    const subject = approvalSubject(event.type);
    if (actor.role !== 'ADMIN') throw new EventForbidden(`Only an ADMIN can reject ${subject}s`);
    if (event.status === null) throw new InvalidEvent('This event does not need approval');
    if (event.createdBy === actor.id) throw new EventForbidden(`Nobody decides on their own ${subject}`);
    const rejected: CalendarEvent = { ...event, status: 'rejected', updatedAt: this.clock.now() };
    await this.uow.run(async () => {
      if (!(await this.events.update(rejected, event))) throw new EventChangedMeanwhile();
      await this.audit.record({
        action: 'event_rejected',
        actorId: actor.id,
        targetType: 'event',
        targetId: id,
        ip: actor.ip,
        details: { comment: comment ?? null },
      });
    });
    return rejected;
  }

  /** The event, or the same 404 whether it does not exist or is a private meeting hidden from the viewer (AC-03). */
  async get(viewer: Viewer, id: string): Promise<CalendarEvent> {
    const event = await this.events.findById(id);
    if (!event || !isVisibleTo(event, viewer)) throw new EventNotFound();
    return event;
  }
}
