import { ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import type { CalendarEvent } from '../domain/calendar-event';
import { EventForbidden, EventNotFound } from '../domain/calendar.errors';
import { actorOf, anEvent, errorOf, InMemoryEventRepository, USERS } from '../testing';
import { DeleteEvent } from './delete-event.use-case';

function setup(...stored: CalendarEvent[]) {
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  return { events, audit, uow, remove: new DeleteEvent(events, audit, uow) };
}

describe('DeleteEvent', () => {
  it('the creator deletes their event: gone, audited as event_deleted with its type, in one unit of work', async () => {
    const window = anEvent({
      type: 'deployment_window',
      extra: { environment: 'dev' },
      createdBy: USERS.OPS,
    });
    const other = anEvent();
    const { events, audit, uow, remove } = setup(window, other);
    const ops = actorOf('OPS');
    await remove.execute(ops, window.id);
    expect(events.all().map((e) => e.id)).toEqual([other.id]);
    expect(audit.entries).toEqual([
      {
        action: 'event_deleted',
        actorId: ops.id,
        targetType: 'event',
        targetId: window.id,
        ip: ops.ip,
        details: { type: 'deployment_window' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('AC-02: an ADMIN deletes anyone’s event, a private meeting included', async () => {
    const secret = anEvent({ extra: { private: true }, createdBy: USERS.PROJET });
    const { events, audit, remove } = setup(secret);
    await remove.execute(actorOf('ADMIN'), secret.id);
    expect(events.all()).toEqual([]);
    expect(audit.entries[0]).toMatchObject({ action: 'event_deleted', actorId: USERS.ADMIN });
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)(
    'AC-02: %s may not delete someone else’s event (403, still stored, not audited)',
    async (role) => {
      const meeting = anEvent({ createdBy: USERS.PROJET2 });
      const { events, audit, remove } = setup(meeting);
      const error = await errorOf(remove.execute(actorOf(role), meeting.id));
      expect(error).toBeInstanceOf(EventForbidden);
      expect(error).toMatchObject({
        code: 'CALENDAR.FORBIDDEN',
        message: 'Only the creator of an event or an ADMIN can change it',
      });
      expect(events.all()).toEqual([meeting]);
      expect(audit.entries).toEqual([]);
    },
  );

  it('AC-03: another user’s private meeting is a 404 like an unknown id, and stays', async () => {
    const secret = anEvent({ extra: { private: true }, createdBy: USERS.PROJET2 });
    const { events, audit, remove } = setup(secret);
    const hidden = await errorOf(remove.execute(actorOf('PROJET'), secret.id));
    const missing = await errorOf(remove.execute(actorOf('PROJET'), '99999999-9999-4999-8999-999999999999'));
    expect(hidden).toBeInstanceOf(EventNotFound);
    expect(missing).toBeInstanceOf(EventNotFound);
    expect(hidden).toEqual(missing);
    expect(events.all()).toEqual([secret]);
    expect(audit.entries).toEqual([]);
  });
});
