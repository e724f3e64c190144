import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import type { CalendarEvent } from '../domain/calendar-event';
import {
  EventChangedMeanwhile,
  EventForbidden,
  EventNotFound,
  InvalidEvent,
} from '../domain/calendar.errors';
import {
  actorOf,
  aFreeze,
  anEvent,
  errorOf,
  InMemoryEventRepository,
  InMemoryFreezeRepository,
  USERS,
} from '../testing';
import { ApproveEvent } from './approve-event.use-case';
import { EnvironmentFrozen, FreezeGuard } from './freeze-guard';

const NOW = new Date('2026-03-02T09:00:00Z');

const prodWindow = (over: Partial<CalendarEvent> = {}): CalendarEvent =>
  anEvent({
    type: 'deployment_window',
    extra: { environment: 'prod', needs_approval: true },
    createdBy: USERS.OPS,
    status: 'pending',
    ...over,
  });

const gitAction = (): CalendarEvent =>
  anEvent({
    type: 'git_action',
    extra: { repo_url: 'https://git.example.org/a.git', branch: 'main', action: 'fetch' },
    createdBy: USERS.DEV,
    status: 'pending',
  });

function setup(...stored: CalendarEvent[]) {
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  const freezes = new InMemoryFreezeRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  const approve = new ApproveEvent(events, new FreezeGuard(freezes, audit), audit, new FixedClock(NOW), uow);
  return { events, freezes, audit, uow, approve };
}

describe('ApproveEvent', () => {
  it('VAL-06: an ADMIN approves another user’s pending window: stored, audited with the comment, in one unit of work', async () => {
    const window = prodWindow();
    const { events, audit, uow, approve } = setup(window);
    const admin = actorOf('ADMIN');
    const approved = await approve.execute(admin, window.id, 'go ahead');
    expect(approved).toEqual({ ...window, status: 'approved', updatedAt: NOW });
    expect(await events.findById(window.id)).toEqual(approved);
    expect(audit.entries).toEqual([
      {
        action: 'event_approved',
        actorId: admin.id,
        targetType: 'event',
        targetId: window.id,
        ip: admin.ip,
        details: { comment: 'go ahead' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('LOG-06: an approval without a comment is audited with comment null', async () => {
    const window = prodWindow();
    const { audit, approve } = setup(window);
    await approve.execute(actorOf('ADMIN'), window.id, undefined);
    expect(audit.entries[0]?.details).toEqual({ comment: null });
  });

  it('VAL-08: an ADMIN approves a git action', async () => {
    const action = gitAction();
    const { events, approve } = setup(action);
    await approve.execute(actorOf('ADMIN'), action.id, undefined);
    expect((await events.findById(action.id))?.status).toBe('approved');
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)(
    'AC-02: %s cannot approve (403, still pending)',
    async (role) => {
      const window = prodWindow({ createdBy: USERS.PROJET2 });
      const action = gitAction();
      const { events, audit, approve } = setup(window, action);
      const error = await errorOf(approve.execute(actorOf(role), window.id, undefined));
      expect(error).toBeInstanceOf(EventForbidden);
      expect(error).toMatchObject({
        code: 'CALENDAR.FORBIDDEN',
        message: 'Only an ADMIN can approve deployment windows',
      });
      await expect(approve.execute(actorOf(role), action.id, undefined)).rejects.toThrow(
        'Only an ADMIN can approve git actions',
      );
      expect(events.all().map((e) => e.status)).toEqual(['pending', 'pending']);
      expect(audit.entries).toEqual([]);
    },
  );

  it('VAL-06 / AC-02: an ADMIN cannot approve their own window (403)', async () => {
    const window = prodWindow({ createdBy: USERS.ADMIN });
    const { events, approve } = setup(window);
    const error = await errorOf(approve.execute(actorOf('ADMIN'), window.id, undefined));
    expect(error).toBeInstanceOf(EventForbidden);
    expect(error).toMatchObject({ message: 'Nobody approves their own deployment window' });
    expect(await events.findById(window.id)).toEqual(window);
    await approve.execute(actorOf('ADMIN', USERS.ADMIN2), window.id, 'second pair of eyes');
    expect((await events.findById(window.id))?.status).toBe('approved');
  });

  it('refuses an event that needs no approval (400)', async () => {
    const meeting = anEvent();
    const { approve } = setup(meeting);
    const error = await errorOf(approve.execute(actorOf('ADMIN'), meeting.id, undefined));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ message: 'This event does not need approval' });
  });

  it('an unknown event is a 404', async () => {
    const { approve } = setup();
    await expect(
      approve.execute(actorOf('ADMIN'), '99999999-9999-4999-8999-999999999999', undefined),
    ).rejects.toBeInstanceOf(EventNotFound);
  });

  it('VAL-05: approving a window inside a freeze is refused (409) and it stays pending', async () => {
    const window = prodWindow();
    const { events, freezes, audit, approve } = setup(window);
    await freezes.add(aFreeze({ environment: 'prod' }));
    await expect(approve.execute(actorOf('ADMIN'), window.id, undefined)).rejects.toBeInstanceOf(
      EnvironmentFrozen,
    );
    expect((await events.findById(window.id))?.status).toBe('pending');
    expect(audit.entries).toEqual([]);
  });

  it('VAL-05: with an override reason the ADMIN approves inside a freeze, audited as freeze_overridden then event_approved', async () => {
    const window = prodWindow();
    const { events, freezes, audit, approve } = setup(window);
    const freeze = aFreeze({ environment: 'prod' });
    await freezes.add(freeze);
    await approve.execute(actorOf('ADMIN'), window.id, 'ok', 'customer outage');
    expect((await events.findById(window.id))?.status).toBe('approved');
    expect(audit.actions()).toEqual(['freeze_overridden', 'event_approved']);
    expect(audit.entries[0]).toEqual({
      action: 'freeze_overridden',
      actorId: USERS.ADMIN,
      targetType: 'event',
      targetId: window.id,
      ip: '203.0.113.7',
      details: { freeze_id: freeze.id, environment: 'prod', reason: 'customer outage' },
    });
  });

  it('LOG-TX-02: an approval of a version changed meanwhile writes nothing (409 CALENDAR.EVENT_CHANGED)', async () => {
    const window = prodWindow();
    const { events, audit, approve } = setup(window);
    const moved = {
      ...window,
      start: new Date('2026-03-11T10:00:00Z'),
      end: new Date('2026-03-11T11:00:00Z'),
      updatedAt: new Date('2026-03-01T08:00:00.001Z'),
    };
    events.meanwhileAfterNextRead(() => events.seed(moved));
    const error = await errorOf(approve.execute(actorOf('ADMIN'), window.id, undefined));
    expect(error).toBeInstanceOf(EventChangedMeanwhile);
    expect(error).toMatchObject({ code: 'CALENDAR.EVENT_CHANGED' });
    expect(await events.findById(window.id)).toEqual(moved);
    expect(audit.actions()).not.toContain('event_approved');
  });
});
