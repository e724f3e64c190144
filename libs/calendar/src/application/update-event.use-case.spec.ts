import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import type { CalendarEvent } from '../domain/calendar-event';
import {
  EventChangedMeanwhile,
  EventForbidden,
  EventNotFound,
  InvalidEvent,
} from '../domain/calendar.errors';
import { validateExtra } from '../domain/event-extra';
import {
  actorOf,
  aFreeze,
  anEvent,
  errorOf,
  InMemoryEventRepository,
  InMemoryFreezeRepository,
  USERS,
} from '../testing';
import { EnvironmentFrozen, FreezeGuard } from './freeze-guard';
import { UpdateEvent, type UpdateEventCommand } from './update-event.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');
const LATER_START = new Date('2026-03-12T10:00:00Z');
const LATER_END = new Date('2026-03-12T11:00:00Z');

function setup(...stored: CalendarEvent[]) {
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  const freezes = new InMemoryFreezeRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  const update = new UpdateEvent(events, new FreezeGuard(freezes, audit), audit, new FixedClock(NOW), uow);
  const run = (role: Parameters<typeof actorOf>[0], id: string, cmd: UpdateEventCommand, actorId?: string) =>
    update.execute(actorOf(role, actorId), id, cmd, validateExtra);
  return { events, freezes, audit, uow, run };
}

const approvedProdWindow = (): CalendarEvent =>
  anEvent({
    type: 'deployment_window',
    extra: { environment: 'prod', needs_approval: true },
    createdBy: USERS.OPS,
    status: 'approved',
  });

describe('UpdateEvent', () => {
  it('the creator edits the title: stored with a new updatedAt, audited as event_updated in one unit of work', async () => {
    const meeting = anEvent({ createdBy: USERS.PROJET });
    const { events, audit, uow, run } = setup(meeting);
    const updated = await run('PROJET', meeting.id, { title: 'Renamed' });
    expect(updated).toEqual({ ...meeting, title: 'Renamed', updatedAt: NOW });
    expect(await events.findById(meeting.id)).toEqual(updated);
    expect(audit.entries).toEqual([
      {
        action: 'event_updated',
        actorId: USERS.PROJET,
        targetType: 'event',
        targetId: meeting.id,
        ip: '203.0.113.7',
        details: { status: null },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('AC-02: an ADMIN may edit anyone’s event', async () => {
    const meeting = anEvent({ createdBy: USERS.PROJET });
    const { events, run } = setup(meeting);
    await run('ADMIN', meeting.id, { title: 'By the admin' });
    expect((await events.findById(meeting.id))?.title).toBe('By the admin');
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)(
    'AC-02: %s may not edit someone else’s event (403, nothing written)',
    async (role) => {
      const window = anEvent({
        type: 'deployment_window',
        extra: { environment: 'dev' },
        createdBy: USERS.PROJET2,
      });
      const { events, audit, run } = setup(window);
      const error = await errorOf(run(role, window.id, { title: 'Mine now' }));
      expect(error).toBeInstanceOf(EventForbidden);
      expect(error).toMatchObject({
        code: 'CALENDAR.FORBIDDEN',
        message: 'Only the creator of an event or an ADMIN can change it',
      });
      expect(await events.findById(window.id)).toEqual(window);
      expect(audit.entries).toEqual([]);
    },
  );

  it('AC-03: another user’s private meeting is a 404, like an unknown id', async () => {
    const secret = anEvent({ extra: { private: true }, createdBy: USERS.PROJET2 });
    const { events, run } = setup(secret);
    const hidden = await errorOf(run('PROJET', secret.id, { title: 'Peek' }));
    const missing = await errorOf(run('PROJET', '99999999-9999-4999-8999-999999999999', { title: 'Peek' }));
    expect(hidden).toBeInstanceOf(EventNotFound);
    expect(missing).toBeInstanceOf(EventNotFound);
    expect(hidden).toMatchObject({ code: 'CALENDAR.EVENT_NOT_FOUND', message: 'Event not found' });
    expect(missing).toMatchObject({ code: 'CALENDAR.EVENT_NOT_FOUND', message: 'Event not found' });
    expect(await events.findById(secret.id)).toEqual(secret);
  });

  it('AC-02: a changed type is checked against the role like a creation', async () => {
    const action = anEvent({
      type: 'git_action',
      extra: { repo_url: 'https://git.example.org/a.git', branch: 'main', action: 'fetch' },
      createdBy: USERS.DEV,
      status: 'pending',
    });
    const { events, run } = setup(action);
    await expect(run('DEV', action.id, { type: 'meeting', extra: {} })).rejects.toThrow(
      new EventForbidden('DEV role can only create git_action events'),
    );
    expect(await events.findById(action.id)).toEqual(action);
  });

  it('changing the type needs the new type’s extra (400)', async () => {
    const meeting = anEvent();
    const { run } = setup(meeting);
    const error = await errorOf(run('PROJET', meeting.id, { type: 'deployment_window' }));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ message: 'changing type needs the extra of the new type' });
  });

  it('a meeting turned into a production window is validated and waits for approval', async () => {
    const meeting = anEvent();
    const { run } = setup(meeting);
    const updated = await run('PROJET', meeting.id, {
      type: 'deployment_window',
      extra: { environment: 'prod' },
    });
    expect(updated).toMatchObject({
      type: 'deployment_window',
      extra: { environment: 'prod', needs_approval: true },
      status: 'pending',
    });
  });

  it('VAL-02: an edit that makes the span invalid is refused (400)', async () => {
    const meeting = anEvent();
    const { events, run } = setup(meeting);
    await expect(run('PROJET', meeting.id, { end: meeting.start })).rejects.toThrow(
      new InvalidEvent('end must be after start'),
    );
    await expect(
      run('PROJET', meeting.id, { end: new Date(meeting.start.getTime() + 24 * 3_600_000 + 1) }),
    ).rejects.toThrow(new InvalidEvent('a meeting may last at most 24 hours'));
    expect(await events.findById(meeting.id)).toEqual(meeting);
  });

  it('VAL-06: moving an approved window sends it back to pending', async () => {
    const window = approvedProdWindow();
    const { events, audit, run } = setup(window);
    const updated = await run('OPS', window.id, { start: LATER_START, end: LATER_END });
    expect(updated.status).toBe('pending');
    expect((await events.findById(window.id))?.status).toBe('pending');
    expect(audit.entries[0]?.details).toEqual({ status: 'pending' });
  });

  it('VAL-06: changing an approved window’s environment sends it back to pending', async () => {
    const window = anEvent({
      type: 'deployment_window',
      extra: { environment: 'test', needs_approval: true },
      createdBy: USERS.OPS,
      status: 'approved',
    });
    const { run } = setup(window);
    const updated = await run('OPS', window.id, {
      extra: { environment: 'staging', needs_approval: true },
    });
    expect(updated.status).toBe('pending');
  });

  it('VAL-06: renaming an approved window keeps it approved', async () => {
    const window = approvedProdWindow();
    const { run } = setup(window);
    expect((await run('OPS', window.id, { title: 'Release 2.1' })).status).toBe('approved');
  });

  it('VAL-08: changing an approved git action’s branch sends it back to pending', async () => {
    const action = anEvent({
      type: 'git_action',
      extra: { repo_url: 'https://git.example.org/a.git', branch: 'main', action: 'fetch' },
      createdBy: USERS.DEV,
      status: 'approved',
    });
    const { run } = setup(action);
    const updated = await run('DEV', action.id, {
      extra: { repo_url: 'https://git.example.org/a.git', branch: 'release', action: 'fetch' },
    });
    expect(updated.status).toBe('pending');
  });

  it('VAL-05: moving a window into a freeze is refused (409) and writes nothing', async () => {
    const window = approvedProdWindow();
    const { events, freezes, audit, run } = setup(window);
    await freezes.add(aFreeze({ environment: 'prod', start: LATER_START, end: LATER_END }));
    const error = await errorOf(run('OPS', window.id, { start: LATER_START, end: LATER_END }));
    expect(error).toBeInstanceOf(EnvironmentFrozen);
    expect(await events.findById(window.id)).toEqual(window);
    expect(audit.entries).toEqual([]);
  });

  it('VAL-05: an edit that moves nothing is not held back by a freeze', async () => {
    const window = approvedProdWindow();
    const { freezes, run } = setup(window);
    await freezes.add(aFreeze({ environment: 'prod' }));
    expect((await run('OPS', window.id, { title: 'Only the title' })).title).toBe('Only the title');
  });

  it('VAL-05: an ADMIN moves a window into a freeze with a reason, audited as freeze_overridden', async () => {
    const window = approvedProdWindow();
    const { events, freezes, audit, run } = setup(window);
    const freeze = aFreeze({ environment: 'prod', start: LATER_START, end: LATER_END });
    await freezes.add(freeze);
    await run('ADMIN', window.id, { start: LATER_START, end: LATER_END, overrideReason: 'incident 7' });
    expect((await events.findById(window.id))?.start).toEqual(LATER_START);
    expect(audit.actions()).toEqual(['freeze_overridden', 'event_updated']);
    expect(audit.entries[0]).toMatchObject({
      actorId: USERS.ADMIN,
      targetId: window.id,
      details: { freeze_id: freeze.id, environment: 'prod', reason: 'incident 7' },
    });
  });

  it('LOG-TX-02: an edit prepared from a version changed meanwhile writes nothing (409 CALENDAR.EVENT_CHANGED)', async () => {
    const meeting = anEvent();
    const { events, audit, run } = setup(meeting);
    const theirs = { ...meeting, title: 'Their title', updatedAt: new Date('2026-03-02T08:59:59.999Z') };
    events.meanwhileAfterNextRead(() => events.seed(theirs));
    const error = await errorOf(run('PROJET', meeting.id, { title: 'My title' }));
    expect(error).toBeInstanceOf(EventChangedMeanwhile);
    expect(error).toMatchObject({ kind: 'conflict', code: 'CALENDAR.EVENT_CHANGED' });
    expect(await events.findById(meeting.id)).toEqual(theirs);
    expect(audit.actions()).not.toContain('event_updated');
  });

  it('LOG-TX-02: an event deleted meanwhile is not written back', async () => {
    const meeting = anEvent();
    const { events, run } = setup(meeting);
    events.meanwhileAfterNextRead(() => events.remove(meeting.id));
    await expect(run('PROJET', meeting.id, { title: 'Back from the dead' })).rejects.toBeInstanceOf(
      EventChangedMeanwhile,
    );
    expect(events.all()).toEqual([]);
  });
});
