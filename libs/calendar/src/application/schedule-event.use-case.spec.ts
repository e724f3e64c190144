import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { EventForbidden, InvalidEvent } from '../domain/calendar.errors';
import type { EventType } from '../domain/event-rules';
import {
  actorOf,
  aFreeze,
  anEvent,
  errorOf,
  InMemoryEventRepository,
  InMemoryFreezeRepository,
} from '../testing';
import { EnvironmentFrozen, FreezeGuard } from './freeze-guard';
import { ScheduleEvent, type ScheduleEventCommand } from './schedule-event.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');
const START = new Date('2026-03-10T10:00:00Z');
const END = new Date('2026-03-10T11:00:00Z');

const EXTRA: Record<EventType, Record<string, unknown>> = {
  meeting: { subtype: 'review' },
  deployment_window: { environment: 'staging' },
  git_action: { repo_url: 'https://git.example.org/app.git', branch: 'main', action: 'fetch' },
};

const command = (type: EventType, over: Partial<ScheduleEventCommand> = {}): ScheduleEventCommand => ({
  title: `a ${type}`,
  start: START,
  end: END,
  type,
  extra: EXTRA[type],
  ...over,
});

function setup() {
  const events = new InMemoryEventRepository();
  const freezes = new InMemoryFreezeRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  const schedule = new ScheduleEvent(
    events,
    new FreezeGuard(freezes, audit),
    audit,
    new FixedClock(NOW),
    uow,
  );
  return { events, freezes, audit, uow, schedule };
}

describe('ScheduleEvent', () => {
  it('stores the event as the caller’s, stamped by the clock, and audits event_created in one unit of work', async () => {
    const { events, audit, uow, schedule } = setup();
    const projet = actorOf('PROJET');
    const { event, conflicts } = await schedule.execute(projet, command('meeting'));
    expect(event).toMatchObject({
      title: 'a meeting',
      start: START,
      end: END,
      type: 'meeting',
      extra: { subtype: 'review' },
      createdBy: projet.id,
      createdAt: NOW,
      updatedAt: NOW,
      status: null,
    });
    expect(conflicts).toEqual([]);
    expect(events.all()).toEqual([event]);
    expect(audit.entries).toEqual([
      {
        action: 'event_created',
        actorId: projet.id,
        targetType: 'event',
        targetId: event.id,
        ip: projet.ip,
        details: { type: 'meeting' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it.each([
    ['ADMIN', 'meeting'],
    ['ADMIN', 'deployment_window'],
    ['ADMIN', 'git_action'],
    ['PROJET', 'meeting'],
    ['PROJET', 'deployment_window'],
    ['PROJET', 'git_action'],
    ['DEV', 'git_action'],
    ['OPS', 'deployment_window'],
  ] as const)('AC-02: %s may create a %s', async (role, type) => {
    const { events, schedule } = setup();
    const { event } = await schedule.execute(actorOf(role), command(type));
    expect(events.all().map((e) => e.id)).toEqual([event.id]);
  });

  it.each([
    ['DEV', 'meeting', 'DEV role can only create git_action events'],
    ['DEV', 'deployment_window', 'DEV role can only create git_action events'],
    ['OPS', 'meeting', 'OPS role can only create deployment_window events'],
    ['OPS', 'git_action', 'OPS role can only create deployment_window events'],
  ] as const)('AC-02: %s may not create a %s (403, nothing stored)', async (role, type, message) => {
    const { events, audit, schedule } = setup();
    const error = await errorOf(schedule.execute(actorOf(role), command(type)));
    expect(error).toBeInstanceOf(EventForbidden);
    expect(error).toMatchObject({ code: 'CALENDAR.FORBIDDEN', message });
    expect(events.all()).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it.each([
    ['a production window', 'pending', 'deployment_window', { environment: 'prod' }],
    [
      'a window marked needs_approval',
      'pending',
      'deployment_window',
      { environment: 'test', needs_approval: true },
    ],
    ['any git action', 'pending', 'git_action', EXTRA.git_action],
    ['a staging window', null, 'deployment_window', { environment: 'staging' }],
    ['a meeting', null, 'meeting', {}],
  ] as const)('VAL-06 / VAL-08: %s starts with status %p', async (_, status, type, extra) => {
    const { events, schedule } = setup();
    const { event } = await schedule.execute(actorOf('ADMIN'), command(type, { extra: { ...extra } }));
    expect(event.status).toBe(status);
    expect((await events.findById(event.id))?.status).toBe(status);
  });

  it.each([
    ['zero length', 'meeting', START, START, 'end must be after start'],
    ['end before start', 'meeting', END, START, 'end must be after start'],
    [
      'a meeting over 24 hours',
      'meeting',
      START,
      new Date('2026-03-11T10:00:01Z'),
      'a meeting may last at most 24 hours',
    ],
    [
      'a window over 7 days',
      'deployment_window',
      START,
      new Date('2026-03-17T10:00:01Z'),
      'a deployment_window may last at most 7 days',
    ],
    [
      'a git action over 1 hour',
      'git_action',
      START,
      new Date('2026-03-10T11:00:01Z'),
      'a git_action may last at most 1 hour',
    ],
  ] as const)('VAL-02: refuses %s with 400', async (_, type, start, end, message) => {
    const { events, audit, schedule } = setup();
    const error = await errorOf(schedule.execute(actorOf('ADMIN'), command(type, { start, end })));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ code: 'CALENDAR.INVALID_EVENT', message });
    expect(events.all()).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('VAL-04: reports the windows it overlaps on the same environment only', async () => {
    const { events, schedule } = setup();
    const sameEnv = anEvent({
      type: 'deployment_window',
      extra: { environment: 'staging' },
      start: new Date('2026-03-10T10:30:00Z'),
      end: new Date('2026-03-10T12:00:00Z'),
    });
    const otherEnv = anEvent({ type: 'deployment_window', extra: { environment: 'test' } });
    const touching = anEvent({
      type: 'deployment_window',
      extra: { environment: 'staging' },
      start: END,
      end: new Date('2026-03-10T12:00:00Z'),
    });
    const meeting = anEvent();
    events.seed(sameEnv, otherEnv, touching, meeting);
    const { conflicts } = await schedule.execute(actorOf('OPS'), command('deployment_window'));
    expect(conflicts).toEqual([sameEnv.id]);
  });

  it('VAL-05: refuses a deployment window inside a freeze of its environment (409), storing and auditing nothing', async () => {
    const { events, freezes, audit, schedule } = setup();
    await freezes.add(aFreeze({ environment: 'staging' }));
    const error = await errorOf(schedule.execute(actorOf('OPS'), command('deployment_window')));
    expect(error).toBeInstanceOf(EnvironmentFrozen);
    expect(error).toMatchObject({ code: 'CALENDAR.FROZEN' });
    expect(events.all()).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('VAL-05: refuses a git action during any freeze', async () => {
    const { events, freezes, schedule } = setup();
    await freezes.add(aFreeze({ environment: 'dev' }));
    await expect(schedule.execute(actorOf('DEV'), command('git_action'))).rejects.toBeInstanceOf(
      EnvironmentFrozen,
    );
    expect(events.all()).toEqual([]);
  });

  it('VAL-05: a meeting is created during a freeze', async () => {
    const { events, freezes, schedule } = setup();
    await freezes.add(aFreeze({ environment: 'staging' }));
    await schedule.execute(actorOf('PROJET'), command('meeting'));
    expect(events.all()).toHaveLength(1);
  });

  it('VAL-05 / LOG-TX-01: an ADMIN override creates the window, audited as freeze_overridden then event_created', async () => {
    const { events, freezes, audit, uow, schedule } = setup();
    const freeze = aFreeze({ environment: 'staging' });
    await freezes.add(freeze);
    const admin = actorOf('ADMIN');
    const { event } = await schedule.execute(
      admin,
      command('deployment_window', { overrideReason: 'security patch' }),
    );
    expect(events.all().map((e) => e.id)).toEqual([event.id]);
    expect(audit.actions()).toEqual(['freeze_overridden', 'event_created']);
    expect(audit.entries[0]).toEqual({
      action: 'freeze_overridden',
      actorId: admin.id,
      targetType: 'event',
      targetId: event.id,
      ip: admin.ip,
      details: { freeze_id: freeze.id, environment: 'staging', reason: 'security patch' },
    });
    expect(uow.runs).toBe(1);
  });

  it('VAL-05: an OPS override reason is ignored and the window refused', async () => {
    const { events, freezes, audit, schedule } = setup();
    await freezes.add(aFreeze({ environment: 'staging' }));
    await expect(
      schedule.execute(actorOf('OPS'), command('deployment_window', { overrideReason: 'please' })),
    ).rejects.toBeInstanceOf(EnvironmentFrozen);
    expect(events.all()).toEqual([]);
    expect(audit.entries).toEqual([]);
  });
});
