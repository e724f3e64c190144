import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import type { CalendarEvent } from '../domain/calendar-event';
import { EventChangedMeanwhile, EventForbidden, InvalidEvent } from '../domain/calendar.errors';
import { actorOf, anEvent, errorOf, InMemoryEventRepository, USERS } from '../testing';
import { RejectEvent } from './reject-event.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');

const prodWindow = (over: Partial<CalendarEvent> = {}): CalendarEvent =>
  anEvent({
    type: 'deployment_window',
    extra: { environment: 'prod', needs_approval: true },
    createdBy: USERS.OPS,
    status: 'pending',
    ...over,
  });

function setup(...stored: CalendarEvent[]) {
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  return { events, audit, uow, reject: new RejectEvent(events, audit, new FixedClock(NOW), uow) };
}

describe('RejectEvent', () => {
  it('an ADMIN rejects another user’s pending window: stored, audited with the comment, in one unit of work', async () => {
    const window = prodWindow();
    const { events, audit, uow, reject } = setup(window);
    const admin = actorOf('ADMIN');
    const rejected = await reject.execute(admin, window.id, 'not this week');
    expect(rejected).toEqual({ ...window, status: 'rejected', updatedAt: NOW });
    expect(await events.findById(window.id)).toEqual(rejected);
    expect(audit.entries).toEqual([
      {
        action: 'event_rejected',
        actorId: admin.id,
        targetType: 'event',
        targetId: window.id,
        ip: admin.ip,
        details: { comment: 'not this week' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('an approved window may still be rejected; no comment is audited as null', async () => {
    const window = prodWindow({ status: 'approved' });
    const { events, audit, reject } = setup(window);
    await reject.execute(actorOf('ADMIN'), window.id, undefined);
    expect((await events.findById(window.id))?.status).toBe('rejected');
    expect(audit.entries[0]?.details).toEqual({ comment: null });
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)('AC-02: %s cannot reject (403, unchanged)', async (role) => {
    const window = prodWindow({ createdBy: USERS.PROJET2 });
    const { events, audit, reject } = setup(window);
    const error = await errorOf(reject.execute(actorOf(role), window.id, undefined));
    expect(error).toBeInstanceOf(EventForbidden);
    expect(error).toMatchObject({
      code: 'CALENDAR.FORBIDDEN',
      message: 'Only an ADMIN can reject deployment windows',
    });
    expect(await events.findById(window.id)).toEqual(window);
    expect(audit.entries).toEqual([]);
  });

  it('VAL-06: an ADMIN does not decide on their own git action (403)', async () => {
    const action = anEvent({
      type: 'git_action',
      extra: { repo_url: 'https://git.example.org/a.git', branch: 'main', action: 'fetch' },
      createdBy: USERS.ADMIN,
      status: 'pending',
    });
    const { events, reject } = setup(action);
    const error = await errorOf(reject.execute(actorOf('ADMIN'), action.id, undefined));
    expect(error).toBeInstanceOf(EventForbidden);
    expect(error).toMatchObject({ message: 'Nobody decides on their own git action' });
    expect((await events.findById(action.id))?.status).toBe('pending');
  });

  it('refuses an event that needs no approval (400)', async () => {
    const window = anEvent({ type: 'deployment_window', extra: { environment: 'dev' }, status: null });
    const { reject } = setup(window);
    const error = await errorOf(reject.execute(actorOf('ADMIN'), window.id, undefined));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ message: 'This event does not need approval' });
  });

  it('LOG-TX-02: a rejection of a version changed meanwhile writes nothing (409 CALENDAR.EVENT_CHANGED)', async () => {
    const window = prodWindow();
    const { events, audit, reject } = setup(window);
    const approved = { ...window, status: 'approved' as const, updatedAt: new Date('2026-03-02T08:30:00Z') };
    events.meanwhileAfterNextRead(() => events.seed(approved));
    const error = await errorOf(reject.execute(actorOf('ADMIN'), window.id, 'too late'));
    expect(error).toBeInstanceOf(EventChangedMeanwhile);
    expect(await events.findById(window.id)).toEqual(approved);
    expect(audit.entries).toEqual([]);
  });
});
