import { Logger } from '@nestjs/common';
import { DomainError } from '@uyoop/shared';
import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { gitCommands } from '../../domain/git/git-run';
import type { UserStanding } from '../../domain/user-standing';
import {
  actorOf,
  aFreeze,
  aGitAction,
  errorOf,
  FakeGitCredentials,
  FakeGitExecutor,
  GIT_TEST_HOST,
  GIT_TEST_REPO,
  InMemoryEventRepository,
  InMemoryFreezeRepository,
  InMemoryGitRunRepository,
  InMemoryAccounts,
  USERS,
} from '../../testing';
import { FreezeGuard } from '../freeze-guard';
import { DUE_BATCH, GitRunExecution } from './git-run-execution.service';
import { GitSettings } from './git-settings';
import { RequestGitRun } from './request-git-run.use-case';

const TIMEOUT_MS = 30_000;
/** Deadline plus a minute: after this a `running` run belongs to an instance that is gone. */
const ABANDONED_AFTER_MS = TIMEOUT_MS + 60_000;
const IN_SLOT = new Date('2026-03-10T10:05:00Z');
const ELIGIBLE_DEV: UserStanding = { active: true, role: 'DEV', hasSecondFactor: true };

class DatabaseDown extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'TEST.UNAVAILABLE';
}

function setup() {
  const events = new InMemoryEventRepository();
  const runs = new InMemoryGitRunRepository(events);
  const freezes = new InMemoryFreezeRepository();
  const executor = new FakeGitExecutor();
  const credentials = new FakeGitCredentials();
  const eligibility = new InMemoryAccounts().set(USERS.DEV, ELIGIBLE_DEV);
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(IN_SLOT);
  const uow = new ImmediateUnitOfWork();
  const settings = new GitSettings([GIT_TEST_HOST], TIMEOUT_MS, 2);
  const guard = new FreezeGuard(freezes, audit);
  const execution = new GitRunExecution(
    runs,
    events,
    executor,
    credentials,
    eligibility,
    guard,
    settings,
    audit,
    clock,
    uow,
  );
  const request = new RequestGitRun(events, runs, guard, settings, audit, clock, uow);
  const gitAction = aGitAction();
  events.seed(gitAction);
  /** A run requested by hand, then claimed by the worker: what `execute` is given. */
  const claimed = async (actor = actorOf('DEV'), eventId = gitAction.id, overrideReason?: string) => {
    const queued = await request.execute(actor, eventId, { overrideReason });
    audit.entries.length = 0;
    const run = await execution.claimNext();
    expect(run?.id).toBe(queued.id);
    return run!;
  };
  return {
    events,
    runs,
    freezes,
    executor,
    credentials,
    eligibility,
    audit,
    clock,
    uow,
    execution,
    gitAction,
    claimed,
  };
}

const autoAction = (over: Parameters<typeof aGitAction>[0] = {}) =>
  aGitAction({
    extra: { repo_url: GIT_TEST_REPO, branch: 'main', action: 'fetch', auto_trigger: true },
    ...over,
  });

describe('GitRunExecution', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  describe('queueDueAutomaticRuns (auto_trigger)', () => {
    it('queues a due git action of an eligible creator once, audited without an actor', async () => {
      const { execution, events, runs, audit } = setup();
      const due = autoAction();
      events.seed(due);
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(1);
      const [run] = runs.all();
      expect(run).toMatchObject({
        eventId: due.id,
        trigger: 'auto',
        triggeredBy: null,
        status: 'queued',
        createdAt: IN_SLOT,
      });
      expect(audit.entries).toEqual([
        {
          action: 'git_run_requested',
          targetType: 'git_run',
          targetId: run!.id,
          details: { event_id: due.id, action: 'fetch', trigger: 'auto' },
        },
      ]);
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(0);
      expect(runs.all()).toHaveLength(1);
    });

    it('an ADMIN creator may have it run too', async () => {
      const { execution, events, eligibility, runs } = setup();
      eligibility.set(USERS.ADMIN, { active: true, role: 'ADMIN', hasSecondFactor: true });
      events.seed(autoAction({ createdBy: USERS.ADMIN }));
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(1);
      expect(runs.all()).toHaveLength(1);
    });

    it.each([
      ['inactive', { active: false, role: 'DEV', hasSecondFactor: true }],
      ['without a second factor', { active: true, role: 'DEV', hasSecondFactor: false }],
      ['now OPS', { active: true, role: 'OPS', hasSecondFactor: true }],
      ['now PROJET', { active: true, role: 'PROJET', hasSecondFactor: true }],
      ['unknown to identity', undefined],
    ] as [string, UserStanding | undefined][])(
      'GIT-07: skipped while the creator is %s; queued once they could run it by hand',
      async (_state, standing) => {
        const { execution, events, eligibility, runs, audit } = setup();
        const creator = '00000000-0000-4000-8000-0000000000c7';
        if (standing) eligibility.set(creator, standing);
        events.seed(autoAction({ createdBy: creator }));
        await expect(execution.queueDueAutomaticRuns()).resolves.toBe(0);
        expect(runs.all()).toEqual([]);
        expect(audit.entries).toEqual([]);
        eligibility.set(creator, ELIGIBLE_DEV);
        await expect(execution.queueDueAutomaticRuns()).resolves.toBe(1);
      },
    );

    it('GIT-07: asks identity once per poll, about the distinct creators of the batch, and not when nothing is due', async () => {
      const { execution, events, eligibility } = setup();
      await execution.queueDueAutomaticRuns();
      expect(eligibility.asked).toEqual([]);
      events.seed(
        autoAction(),
        autoAction({ createdBy: USERS.ADMIN, start: new Date('2026-03-10T10:01:00Z') }),
        autoAction({ start: new Date('2026-03-10T10:02:00Z') }),
      );
      await execution.queueDueAutomaticRuns();
      expect(eligibility.asked).toEqual([[USERS.DEV, USERS.ADMIN]]);
    });

    it('VAL-05: not queued during a freeze (the scheduler never overrides); queued at a later poll once it is over', async () => {
      const { execution, events, freezes, runs, clock, audit } = setup();
      events.seed(autoAction());
      await freezes.add(
        aFreeze({ start: new Date('2026-03-10T09:00:00Z'), end: new Date('2026-03-10T10:10:00Z') }),
      );
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(0);
      expect(runs.all()).toEqual([]);
      expect(audit.actions()).toEqual([]);
      clock.set(new Date('2026-03-10T10:10:00Z'));
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(1);
    });

    it('GIT-04: not queued for a host that is not allowed', async () => {
      const { execution, events, runs } = setup();
      events.seed(
        autoAction({
          extra: {
            repo_url: 'https://git.elsewhere.test/a.git',
            branch: 'main',
            action: 'fetch',
            auto_trigger: true,
          },
        }),
      );
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(0);
      expect(runs.all()).toEqual([]);
    });

    it('more ineligible due events than a batch cannot keep an eligible one from being queued', async () => {
      const { execution, events, runs, eligibility } = setup();
      const gone = '00000000-0000-4000-8000-0000000000c7';
      eligibility.set(gone, { active: false, role: 'DEV', hasSecondFactor: true });
      for (let i = 0; i < DUE_BATCH + 5; i += 1) events.seed(autoAction({ createdBy: gone }));
      // Starts last: after every ineligible one in (start, id) order.
      const eligible = autoAction({ start: new Date('2026-03-10T10:04:00Z') });
      events.seed(eligible);
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(0); // a full batch, all ineligible
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(1); // the rest of them
      expect(runs.all().map((r) => r.eventId)).toEqual([eligible.id]);
      // Then it starts over: the ineligible ones are looked at again while their slot lasts.
      await execution.queueDueAutomaticRuns();
      expect(eligibility.asked.map((ids) => ids.includes(gone))).toEqual([true, true, true]);
      expect(eligibility.asked[2]).toEqual([gone]);
    });

    it('a poll that fails half-way takes the same batch again', async () => {
      const { execution, events, eligibility, runs } = setup();
      const gone = '00000000-0000-4000-8000-0000000000c7';
      for (let i = 0; i < DUE_BATCH; i += 1) events.seed(autoAction({ createdBy: gone }));
      const later = autoAction({ start: new Date('2026-03-10T10:04:00Z') });
      events.seed(later);
      const standingsOf = eligibility.standingsOf.bind(eligibility);
      eligibility.standingsOf = () => Promise.reject(new DatabaseDown('identity is unavailable'));
      expect(await errorOf(execution.queueDueAutomaticRuns())).toBeInstanceOf(DatabaseDown);
      eligibility.standingsOf = standingsOf;
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(0); // the first batch again
      await expect(execution.queueDueAutomaticRuns()).resolves.toBe(1);
      expect(runs.all().map((r) => r.eventId)).toEqual([later.id]);
    });
  });

  describe('claimNext (GIT-06)', () => {
    it('claims the oldest queued run, one running run per repository; the next starts once it finishes', async () => {
      const { execution, events, runs, clock } = setup();
      const other = aGitAction({
        extra: { repo_url: `https://${GIT_TEST_HOST}/team/other.git`, branch: 'main', action: 'fetch' },
      });
      const same = aGitAction();
      events.seed(other, same);
      const request = new RequestGitRun(
        events,
        runs,
        new FreezeGuard(new InMemoryFreezeRepository(), new InMemoryAuditLog()),
        new GitSettings([GIT_TEST_HOST], TIMEOUT_MS, 2),
        new InMemoryAuditLog(),
        clock,
        new ImmediateUnitOfWork(),
      );
      const ids: string[] = [];
      for (const e of [same, same, other]) {
        ids.push((await request.execute(actorOf('DEV'), e.id, {})).id);
        clock.advance(1000);
      }
      const first = await execution.claimNext();
      expect(first).toMatchObject({ id: ids[0], status: 'running', startedAt: clock.now() });
      expect((await execution.claimNext())?.id).toBe(ids[2]); // the second waits for the first
      expect(await execution.claimNext()).toBeNull();
      await execution.execute(first!);
      expect((await execution.claimNext())?.id).toBe(ids[1]);
    });
  });

  describe('execute', () => {
    it('GIT-02/GIT-09: runs the argument vectors of its action with the credential of its repository and the deadline', async () => {
      const { execution, executor, credentials, claimed } = setup();
      credentials.set(GIT_TEST_REPO, { username: 'bot', token: 's3cr3t-token' });
      await execution.execute(await claimed());
      expect(executor.executions).toEqual([
        {
          commands: gitCommands('fetch', GIT_TEST_REPO, 'main'),
          credential: { username: 'bot', token: 's3cr3t-token' },
          timeoutMs: TIMEOUT_MS,
        },
      ]);
      expect(credentials.asked).toEqual([GIT_TEST_REPO]);
    });

    it('GIT-08: a run that exits 0 is succeeded, stored with its output and audited git_run_finished', async () => {
      const { execution, executor, runs, audit, clock, claimed, gitAction } = setup();
      executor.next = { exitCode: 0, output: 'abc123 release 1.0\n', timedOut: false };
      const run = await claimed();
      clock.advance(2000);
      await execution.execute(run);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'succeeded',
        exitCode: 0,
        output: 'abc123 release 1.0\n',
        finishedAt: clock.now(),
      });
      expect(audit.entries).toEqual([
        {
          action: 'git_run_finished',
          actorId: USERS.DEV,
          targetType: 'git_run',
          targetId: run.id,
          details: {
            event_id: gitAction.id,
            action: 'fetch',
            repo_url: GIT_TEST_REPO,
            branch: 'main',
            status: 'succeeded',
            exit_code: 0,
            duration_ms: expect.any(Number),
          },
        },
      ]);
    });

    it('a non-zero exit is failed with its exit code', async () => {
      const { execution, executor, runs, audit, claimed } = setup();
      executor.next = { exitCode: 128, output: "fatal: couldn't find remote ref", timedOut: false };
      const run = await claimed();
      await execution.execute(run);
      expect(await runs.findById(run.id)).toMatchObject({ status: 'failed', exitCode: 128 });
      expect(audit.entries[0]?.details).toMatchObject({ status: 'failed', exit_code: 128 });
    });

    it('GIT-06: a run past its deadline is timed_out, its output saying when it was stopped', async () => {
      const { execution, executor, runs, audit, claimed } = setup();
      executor.next = { exitCode: null, output: 'Receiving objects: 12%', timedOut: true };
      const run = await claimed();
      await execution.execute(run);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'timed_out',
        exitCode: null,
        output: `Receiving objects: 12%\n[stopped after ${TIMEOUT_MS} ms]`,
      });
      expect(audit.entries[0]?.details).toMatchObject({ status: 'timed_out', exit_code: null });
    });

    it('GIT-08/GIT-09: the output kept is redacted: the token and credentials in URLs are masked', async () => {
      const { execution, executor, credentials, runs, claimed } = setup();
      credentials.set(GIT_TEST_REPO, { username: 'bot', token: 's3cr3t-token' });
      executor.next = {
        exitCode: 1,
        output: 'fatal: https://bot:s3cr3t-token@git.example.test/x.git said s3cr3t-token\u0007',
        timedOut: false,
      };
      const run = await claimed();
      await execution.execute(run);
      const stored = await runs.findById(run.id);
      expect(stored?.output).toBe('fatal: https://***@git.example.test/x.git said ***');
    });

    it('fails closed when the credentials cannot be had: nothing runs, a generic message, audited', async () => {
      const { execution, executor, credentials, runs, audit, claimed } = setup();
      credentials.unavailable = new DatabaseDown('vault sealed at 10.0.0.3');
      const run = await claimed();
      await execution.execute(run);
      expect(executor.executions).toEqual([]);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'failed',
        exitCode: null,
        output: 'The run could not start: try again later.',
      });
      expect(audit.entries.map((e) => [e.action, e.details?.status])).toEqual([
        ['git_run_finished', 'failed'],
      ]);
      // The reason goes to the operators' log, not to the run's output.
      expect(warn).toHaveBeenCalledWith(`git run ${run.id} could not start: vault sealed at 10.0.0.3`);
    });

    it('fails closed when the workspace cannot be made', async () => {
      const { execution, executor, runs, claimed } = setup();
      executor.next = new Error('ENOSPC');
      const run = await claimed();
      await execution.execute(run);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'failed',
        output: 'The run could not start: try again later.',
      });
    });

    it.each([
      [
        'its git action was deleted',
        async (s: ReturnType<typeof setup>) => s.events.remove(s.gitAction.id),
        'Not run: its git action was deleted',
      ],
      [
        'its command changed',
        async (s: ReturnType<typeof setup>) =>
          s.events.seed({ ...s.gitAction, extra: { ...s.gitAction.extra, branch: 'release' } }),
        'Not run: its git action was changed after the run was requested',
      ],
      [
        'it is no longer approved',
        async (s: ReturnType<typeof setup>) => s.events.seed({ ...s.gitAction, status: 'pending' }),
        'Not run: This git action is pending: an ADMIN must approve it before it can run',
      ],
      [
        'its slot ended while it waited',
        async (s: ReturnType<typeof setup>) => s.clock.set(new Date('2026-03-10T10:30:00Z')),
        'Not run: This git action can run only between 2026-03-10T10:00:00.000Z and 2026-03-10T10:30:00.000Z',
      ],
    ])('VAL-08: a claimed run is not started when %s: failed and audited', async (_why, change, output) => {
      const s = setup();
      const run = await s.claimed();
      await change(s);
      await s.execution.execute(run);
      expect(s.executor.executions).toEqual([]);
      expect(await s.runs.findById(run.id)).toMatchObject({ status: 'failed', exitCode: null, output });
      expect(s.audit.entries.map((e) => [e.action, e.details?.status, e.details?.exit_code])).toEqual([
        ['git_run_finished', 'failed', null],
      ]);
    });

    it('GIT-04: a claimed run whose host is no longer allowed is not started', async () => {
      const s = setup();
      const run = await s.claimed();
      const strict = new GitRunExecution(
        s.runs,
        s.events,
        s.executor,
        s.credentials,
        s.eligibility,
        new FreezeGuard(s.freezes, s.audit),
        new GitSettings([], TIMEOUT_MS, 2),
        s.audit,
        s.clock,
        s.uow,
      );
      await strict.execute(run);
      expect(s.executor.executions).toEqual([]);
      expect(await s.runs.findById(run.id)).toMatchObject({
        status: 'failed',
        output: 'Not run: No repository host is allowed on this server (GIT_ALLOWED_HOSTS is empty)',
      });
    });

    it('VAL-05: a run meeting a freeze created after it was queued is not started', async () => {
      const { execution, executor, freezes, runs, claimed } = setup();
      const run = await claimed();
      await freezes.add(aFreeze({ environment: 'prod', reason: 'incident' }));
      await execution.execute(run);
      expect(executor.executions).toEqual([]);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'failed',
        output: 'Not run: prod is frozen until 2026-03-11T00:00:00.000Z: incident',
      });
    });

    it("VAL-05: an ADMIN's override given when asking lets the run past the freeze", async () => {
      const { execution, executor, freezes, runs, claimed } = setup();
      await freezes.add(aFreeze({ environment: 'prod', reason: 'incident' }));
      const run = await claimed(actorOf('ADMIN'), undefined, 'the fix for the incident');
      expect(run.freezeOverrideReason).toBe('the fix for the incident');
      await execution.execute(run);
      expect(executor.executions).toHaveLength(1);
      expect(await runs.findById(run.id)).toMatchObject({ status: 'succeeded' });
    });

    it('an outage while checking is thrown, not recorded as a failed run', async () => {
      const { execution, freezes, runs, audit, claimed } = setup();
      const run = await claimed();
      freezes.overlapping = () => Promise.reject(new DatabaseDown('database unavailable'));
      expect(await errorOf(execution.execute(run))).toBeInstanceOf(DatabaseDown);
      expect(await runs.findById(run.id)).toMatchObject({ status: 'running', finishedAt: null });
      expect(audit.entries).toEqual([]);
    });
  });

  describe('recovery', () => {
    it('a run still running a minute past its deadline is closed as failed, audited as abandoned', async () => {
      const { execution, runs, audit, clock, uow, claimed, gitAction } = setup();
      const run = await claimed();
      clock.advance(ABANDONED_AFTER_MS);
      await expect(execution.failAbandonedRuns()).resolves.toBe(0); // not before: started at exactly the limit
      expect(audit.entries).toEqual([]);
      clock.advance(1);
      const unitsBefore = uow.runs;
      await expect(execution.failAbandonedRuns()).resolves.toBe(1);
      expect(uow.runs).toBe(unitsBefore + 1);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'failed',
        finishedAt: clock.now(),
        output: 'The run was interrupted: the server running it stopped.',
      });
      expect(audit.entries).toEqual([
        {
          action: 'git_run_finished',
          targetType: 'git_run',
          targetId: run.id,
          details: { event_id: gitAction.id, status: 'failed', reason: 'abandoned' },
        },
      ]);
      await expect(execution.failAbandonedRuns()).resolves.toBe(0);
    });

    it('the outcome of an abandoned run that ends after all is not written over the failure', async () => {
      const { execution, runs, clock, claimed } = setup();
      const run = await claimed();
      clock.advance(ABANDONED_AFTER_MS + 1);
      await execution.failAbandonedRuns();
      await execution.execute(run);
      expect(await runs.findById(run.id)).toMatchObject({
        status: 'failed',
        output: 'The run was interrupted: the server running it stopped.',
      });
    });

    it('sweeps workspaces older than any run can last', async () => {
      const { execution, executor } = setup();
      executor.leftBehind = 3;
      await expect(execution.sweepWorkspaces()).resolves.toBe(3);
      expect(executor.sweeps).toEqual([ABANDONED_AFTER_MS]);
    });
  });
});
