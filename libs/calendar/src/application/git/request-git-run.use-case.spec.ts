import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import {
  actorOf,
  aFreeze,
  aGitAction,
  anEvent,
  errorOf,
  GIT_TEST_HOST,
  GIT_TEST_REPO,
  InMemoryEventRepository,
  InMemoryFreezeRepository,
  InMemoryGitRunRepository,
  USERS,
} from '../../testing';
import { FreezeGuard } from '../freeze-guard';
import { GitSettings } from './git-settings';
import { RequestGitRun } from './request-git-run.use-case';

const IN_SLOT = new Date('2026-03-10T10:05:00Z');

function setup(allowedHosts: readonly string[] = [GIT_TEST_HOST]) {
  const events = new InMemoryEventRepository();
  const runs = new InMemoryGitRunRepository(events);
  const freezes = new InMemoryFreezeRepository();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(IN_SLOT);
  const uow = new ImmediateUnitOfWork();
  const request = new RequestGitRun(
    events,
    runs,
    new FreezeGuard(freezes, audit),
    new GitSettings(allowedHosts, 30_000, 2),
    audit,
    clock,
    uow,
  );
  const gitAction = aGitAction();
  events.seed(gitAction);
  return { events, runs, freezes, audit, clock, uow, request, gitAction };
}

describe('RequestGitRun', () => {
  it('contract: an ADMIN runs any git action; the run is queued and git_run_requested audited (GIT-08)', async () => {
    const { request, runs, audit, uow, gitAction } = setup();
    const admin = actorOf('ADMIN');
    const run = await request.execute(admin, gitAction.id, {});
    expect(run).toMatchObject({
      eventId: gitAction.id,
      action: 'fetch',
      repoUrl: GIT_TEST_REPO,
      branch: 'main',
      status: 'queued',
      trigger: 'manual',
      triggeredBy: USERS.ADMIN,
      freezeOverrideReason: null,
      createdAt: IN_SLOT,
    });
    expect(runs.all()).toEqual([run]);
    expect(audit.entries).toEqual([
      {
        action: 'git_run_requested',
        actorId: USERS.ADMIN,
        targetType: 'git_run',
        targetId: run.id,
        ip: admin.ip,
        details: { event_id: gitAction.id, action: 'fetch', repo_url: GIT_TEST_REPO, branch: 'main' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('contract: a DEV runs the git actions they created', async () => {
    const { request, runs, gitAction } = setup();
    const run = await request.execute(actorOf('DEV'), gitAction.id, {});
    expect(run.triggeredBy).toBe(USERS.DEV);
    expect(runs.all()).toHaveLength(1);
  });

  it.each([
    [
      'another DEV',
      'DEV',
      '00000000-0000-4000-8000-0000000000ee',
      'DEV can only run git actions they created',
    ],
    ['a PROJET', 'PROJET', USERS.PROJET, 'PROJET role cannot run git actions'],
    ['an OPS', 'OPS', USERS.OPS, 'OPS role cannot run git actions'],
  ] as const)('GIT-07: %s may not run it: 403, nothing queued', async (_who, role, id, message) => {
    const { request, runs, audit, gitAction } = setup();
    const caller = actorOf(role, id);
    expect(await errorOf(request.execute(caller, gitAction.id, {}))).toMatchObject({
      kind: 'forbidden',
      code: 'CALENDAR.FORBIDDEN',
      message,
    });
    expect(runs.all()).toEqual([]);
    expect(audit.entries).toEqual([]); // access_denied is the edge's; no git_run_refused for a 403
  });

  it('AC-03: a missing event and a private meeting of someone else are the same 404', async () => {
    const { request, events, audit } = setup();
    const meeting = anEvent({ extra: { private: true } });
    events.seed(meeting);
    for (const id of [meeting.id, '00000000-0000-4000-8000-000000000404'])
      expect(await errorOf(request.execute(actorOf('DEV'), id, {}))).toMatchObject({
        kind: 'not_found',
        message: 'Event not found',
      });
    expect(audit.entries).toEqual([]);
  });

  it('GIT-08: only git_action events run; the refusal is audited with its reason', async () => {
    const { request, events, audit, runs } = setup();
    const window = anEvent({ type: 'deployment_window', extra: { environment: 'dev' }, status: null });
    events.seed(window);
    const admin = actorOf('ADMIN');
    expect(await errorOf(request.execute(admin, window.id, {}))).toMatchObject({
      kind: 'invalid',
      code: 'GIT.NOT_A_GIT_ACTION',
    });
    expect(runs.all()).toEqual([]);
    expect(audit.entries).toEqual([
      {
        action: 'git_run_refused',
        actorId: USERS.ADMIN,
        targetType: 'event',
        targetId: window.id,
        ip: admin.ip,
        details: { reason: 'GIT.NOT_A_GIT_ACTION', message: 'Only git_action events can be run' },
      },
    ]);
  });

  it('VAL-08: a git action not approved yet, or rejected, is a 409 that says so, audited', async () => {
    const { request, events, audit, runs } = setup();
    const pending = aGitAction({ status: 'pending' });
    const rejected = aGitAction({ status: 'rejected' });
    events.seed(pending, rejected);
    expect(await errorOf(request.execute(actorOf('DEV'), pending.id, {}))).toMatchObject({
      kind: 'conflict',
      code: 'GIT.NOT_RUNNABLE',
      message: 'This git action is pending: an ADMIN must approve it before it can run',
    });
    expect(await errorOf(request.execute(actorOf('DEV'), rejected.id, {}))).toMatchObject({
      message: 'This git action is rejected: an ADMIN must approve it before it can run',
    });
    expect(runs.all()).toEqual([]);
    expect(audit.actions()).toEqual(['git_run_refused', 'git_run_refused']);
  });

  it.each([
    ['before its slot', '2026-03-10T09:59:59.999Z'],
    ['at the end of its slot', '2026-03-10T10:30:00.000Z'],
    ['after its slot', '2026-03-10T11:00:00.000Z'],
  ])('VAL-08: %s it is a 409 naming the slot, audited', async (_when, now) => {
    const { request, clock, audit, runs, gitAction } = setup();
    clock.set(new Date(now));
    expect(await errorOf(request.execute(actorOf('DEV'), gitAction.id, {}))).toMatchObject({
      kind: 'conflict',
      code: 'GIT.NOT_RUNNABLE',
      message: 'This git action can run only between 2026-03-10T10:00:00.000Z and 2026-03-10T10:30:00.000Z',
    });
    expect(runs.all()).toEqual([]);
    expect(audit.entries.map((e) => [e.action, e.details?.reason])).toEqual([
      ['git_run_refused', 'GIT.NOT_RUNNABLE'],
    ]);
  });

  it('VAL-08: at the first instant of its slot it runs', async () => {
    const { request, clock, gitAction } = setup();
    clock.set(gitAction.start);
    await expect(request.execute(actorOf('DEV'), gitAction.id, {})).resolves.toMatchObject({
      status: 'queued',
    });
  });

  it('GIT-04: a repository on a host that is not allowed is a 400, audited; none allowed says so', async () => {
    const { request, events, audit, runs } = setup();
    const elsewhere = aGitAction({
      extra: { repo_url: 'https://git.elsewhere.test/team/app.git', branch: 'main', action: 'fetch' },
    });
    events.seed(elsewhere);
    expect(await errorOf(request.execute(actorOf('DEV'), elsewhere.id, {}))).toMatchObject({
      kind: 'invalid',
      code: 'GIT.REPOSITORY_NOT_ALLOWED',
      message: `Repository host git.elsewhere.test is not allowed (allowed: ${GIT_TEST_HOST})`,
    });
    expect(runs.all()).toEqual([]);
    expect(audit.entries.map((e) => e.details?.reason)).toEqual(['GIT.REPOSITORY_NOT_ALLOWED']);

    const closed = setup([]);
    expect(await errorOf(closed.request.execute(actorOf('DEV'), closed.gitAction.id, {}))).toMatchObject({
      code: 'GIT.REPOSITORY_NOT_ALLOWED',
      message: 'No repository host is allowed on this server (GIT_ALLOWED_HOSTS is empty)',
    });
  });

  it('GIT-04: hosts compare case-insensitively', async () => {
    const { request, events } = setup();
    const upper = aGitAction({
      extra: { repo_url: 'https://GIT.Example.TEST/team/app.git', branch: 'main', action: 'fetch' },
    });
    events.seed(upper);
    await expect(request.execute(actorOf('DEV'), upper.id, {})).resolves.toMatchObject({ status: 'queued' });
  });

  it.each([
    [
      'GIT-03',
      'a branch that is an option',
      { repo_url: GIT_TEST_REPO, branch: '--upload-pack=x', action: 'fetch' },
    ],
    ['GIT-03', 'a branch with ..', { repo_url: GIT_TEST_REPO, branch: 'a..b', action: 'fetch' }],
    ['GIT-01', 'an action off the list', { repo_url: GIT_TEST_REPO, branch: 'main', action: 'push' }],
    ['GIT-04', 'an ext:: remote', { repo_url: 'ext::sh -c touch% /tmp/x', branch: 'main', action: 'fetch' }],
  ])('%s: a stored command with %s is a 400 before anything is queued', async (_id, _what, extra) => {
    const { request, events, audit, runs } = setup();
    const bad = aGitAction({ extra });
    events.seed(bad);
    expect(await errorOf(request.execute(actorOf('ADMIN'), bad.id, {}))).toMatchObject({
      kind: 'invalid',
      code: 'CALENDAR.INVALID_EVENT',
    });
    expect(runs.all()).toEqual([]);
    expect(audit.entries.map((e) => [e.action, e.details?.reason])).toEqual([
      ['git_run_refused', 'CALENDAR.INVALID_EVENT'],
    ]);
  });

  describe('freezes (VAL-05)', () => {
    const freeze = aFreeze({
      environment: 'staging',
      start: new Date('2026-03-10T09:00:00Z'),
      end: new Date('2026-03-10T12:00:00Z'),
      reason: 'release',
    });

    it('a git action during a freeze of any environment is a 409, audited; nothing queued', async () => {
      const { request, freezes, audit, runs, gitAction } = setup();
      await freezes.add(freeze);
      expect(await errorOf(request.execute(actorOf('DEV'), gitAction.id, {}))).toMatchObject({
        kind: 'conflict',
        code: 'CALENDAR.FROZEN',
        message: 'staging is frozen until 2026-03-10T12:00:00.000Z: release',
      });
      expect(runs.all()).toEqual([]);
      expect(audit.entries.map((e) => [e.action, e.details?.reason])).toEqual([
        ['git_run_refused', 'CALENDAR.FROZEN'],
      ]);
    });

    it('a DEV giving a reason is still refused, and no override is recorded', async () => {
      const { request, freezes, audit, runs, gitAction } = setup();
      await freezes.add(freeze);
      expect(
        await errorOf(request.execute(actorOf('DEV'), gitAction.id, { overrideReason: 'hotfix' })),
      ).toMatchObject({ code: 'CALENDAR.FROZEN' });
      expect(runs.all()).toEqual([]);
      expect(audit.actions()).toEqual(['git_run_refused']);
    });

    it('an ADMIN without a reason is refused too', async () => {
      const { request, freezes, gitAction } = setup();
      await freezes.add(freeze);
      expect(await errorOf(request.execute(actorOf('ADMIN'), gitAction.id, {}))).toMatchObject({
        code: 'CALENDAR.FROZEN',
      });
    });

    it('an ADMIN with a reason overrides it: queued with the reason kept, freeze_overridden audited', async () => {
      const { request, freezes, audit, gitAction } = setup();
      await freezes.add(freeze);
      const admin = actorOf('ADMIN');
      const run = await request.execute(admin, gitAction.id, { overrideReason: 'security fix' });
      expect(run.freezeOverrideReason).toBe('security fix');
      expect(audit.actions()).toEqual(['freeze_overridden', 'git_run_requested']);
      expect(audit.entries[0]).toEqual({
        action: 'freeze_overridden',
        actorId: USERS.ADMIN,
        targetType: 'event',
        targetId: gitAction.id,
        ip: admin.ip,
        details: { freeze_id: freeze.id, environment: 'staging', reason: 'security fix' },
      });
    });

    it("a DEV's reason is not kept on the run (it would let the run past a later freeze)", async () => {
      const { request, gitAction } = setup();
      const run = await request.execute(actorOf('DEV'), gitAction.id, { overrideReason: 'just in case' });
      expect(run.freezeOverrideReason).toBeNull();
    });
  });

  describe('Idempotency-Key (GIT-06, REL-IDEM-01)', () => {
    it('a retry with the same key returns the first run: nothing queued or audited again', async () => {
      const { request, runs, audit, gitAction } = setup();
      const first = await request.execute(actorOf('DEV'), gitAction.id, { idempotencyKey: 'retry-0001' });
      const again = await request.execute(actorOf('DEV'), gitAction.id, { idempotencyKey: 'retry-0001' });
      expect(again).toEqual(first);
      expect(runs.all()).toHaveLength(1);
      expect(audit.actions()).toEqual(['git_run_requested']);
    });

    it('a retry is answered with its run even once the git action could no longer be started', async () => {
      const { request, clock, audit, gitAction } = setup();
      const first = await request.execute(actorOf('DEV'), gitAction.id, { idempotencyKey: 'retry-0002' });
      clock.set(new Date('2026-03-10T11:00:00Z'));
      await expect(
        request.execute(actorOf('DEV'), gitAction.id, { idempotencyKey: 'retry-0002' }),
      ).resolves.toEqual(first);
      expect(audit.actions()).toEqual(['git_run_requested']);
    });

    it('the same key sent for another git action is a 422 (unprocessable); nothing queued', async () => {
      const { request, events, runs, audit, gitAction } = setup();
      const other = aGitAction();
      events.seed(other);
      await request.execute(actorOf('DEV'), gitAction.id, { idempotencyKey: 'retry-0003' });
      expect(
        await errorOf(request.execute(actorOf('DEV'), other.id, { idempotencyKey: 'retry-0003' })),
      ).toMatchObject({
        kind: 'unprocessable',
        code: 'GIT.IDEMPOTENCY_KEY_REUSED',
        message: 'This Idempotency-Key already started a run of another git action: use a new key',
      });
      expect(runs.all().map((r) => r.eventId)).toEqual([gitAction.id]);
      expect(audit.actions()).toEqual(['git_run_requested']);
    });

    it("keys are per caller: another user's same key starts its own run", async () => {
      const { request, runs, gitAction } = setup();
      const mine = await request.execute(actorOf('DEV'), gitAction.id, { idempotencyKey: 'shared-key' });
      const theirs = await request.execute(actorOf('ADMIN'), gitAction.id, { idempotencyKey: 'shared-key' });
      expect(theirs.id).not.toBe(mine.id);
      expect(runs.all()).toHaveLength(2);
    });

    it('without a key every request queues a run', async () => {
      const { request, runs, gitAction } = setup();
      await request.execute(actorOf('DEV'), gitAction.id, {});
      await request.execute(actorOf('DEV'), gitAction.id, {});
      expect(runs.all()).toHaveLength(2);
    });
  });
});
