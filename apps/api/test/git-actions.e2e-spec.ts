import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { enableTwoFactor, login, seedUser, type SeededUser, type Tokens } from '../../../test-support/auth';
import {
  createTestRepository,
  type GitDaemon,
  removeTestRepository,
  startGitDaemon,
  startSilentServer,
  type TestRepository,
} from '../../../test-support/git-server';

/** The module object the executor calls `spawn` on (an ES namespace import would be a copy a spy misses). */
const childProcess = createRequire(__filename)('node:child_process') as typeof import('node:child_process');

const REPO = 'https://git.example.test/demo.git';
const SLOW_REPO = 'https://slow.example.test/demo.git';
const MINUTE = 60_000;

interface Run {
  run_id: string;
  event_id: string;
  action: string;
  status: string;
  exit_code: number | null;
  output: string;
  started_at: string | null;
  finished_at: string | null;
  triggered_by: string | null;
}

/**
 * Git actions through the API against a real `git daemon` on loopback (the repository URL is mapped to
 * it by an operator mirror, GIT_MIRRORS): the contract's roles, the approval workflow (VAL-08),
 * freezes (VAL-05) and the runner's guarantees (GIT-01, 04, 06, 08).
 */
describe('git actions (e2e)', () => {
  let t: TestApp;
  let repo: TestRepository;
  let daemon: GitDaemon;
  let silent: { base: string; stop(): Promise<void> };
  const http = () => request(t.app.getHttpServer());
  const people = {} as Record<
    'admin' | 'approver' | 'dev' | 'dev2' | 'dev3' | 'ops' | 'projet',
    SeededUser & { tokens: Tokens }
  >;
  const as = (who: keyof typeof people) => ({ Authorization: `Bearer ${people[who].tokens.access}` });

  beforeAll(async () => {
    repo = createTestRepository();
    daemon = await startGitDaemon(repo);
    silent = await startSilentServer();
    t = await createTestApp({
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      GIT_ALLOWED_HOSTS: 'git.example.test,Slow.Example.Test',
      GIT_MIRRORS: `https://git.example.test/=${daemon.base},https://slow.example.test/=${silent.base}`,
      GIT_RUN_TIMEOUT_MS: '2000',
    });
    const roles = {
      admin: 'ADMIN',
      approver: 'ADMIN',
      dev: 'DEV',
      dev2: 'DEV',
      dev3: 'DEV',
      ops: 'OPS',
      projet: 'PROJET',
    } as const;
    for (const [who, role] of Object.entries(roles)) {
      const user = await seedUser(t.app, `git-${who}`, role);
      const tokens = await login(t.app, `git-${who}`);
      // Running a git action needs a session that passed a second factor (GIT-07); dev3 and projet have none.
      if (who !== 'dev3' && who !== 'projet') await enableTwoFactor(t.app, tokens);
      people[who as keyof typeof people] = { ...user, tokens };
    }
  });
  afterAll(async () => {
    await t?.close();
    await daemon?.stop();
    await silent?.stop();
    if (repo) removeTestRepository(repo);
  });

  /** DEV plans a git action starting now with these `extra` fields over a valid fetch; the raw answer. */
  const planGitAction = (extra: Record<string, unknown>) =>
    http()
      .post('/events')
      .set(as('dev'))
      .send({
        title: 'planned',
        start: new Date().toISOString(),
        end: new Date(Date.now() + MINUTE).toISOString(),
        type: 'git_action',
        extra: { repo_url: REPO, branch: 'main', action: 'fetch', ...extra },
      });

  /** A git action event of `who`, from a minute ago for half an hour unless told otherwise. */
  async function gitAction(
    who: keyof typeof people,
    extra: Record<string, unknown> = {},
    slot: { startIn?: number; minutes?: number } = {},
  ): Promise<string> {
    const start = new Date(Date.now() + (slot.startIn ?? -MINUTE));
    const end = new Date(start.getTime() + (slot.minutes ?? 30) * MINUTE);
    const res = await http()
      .post('/events')
      .set(as(who))
      .send({
        title: `git ${Object.values(extra).join(' ')}`,
        start: start.toISOString(),
        end: end.toISOString(),
        type: 'git_action',
        extra: { repo_url: REPO, branch: 'feature/login', action: 'clone', ...extra },
      });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('pending');
    return res.body.id as string;
  }

  async function approved(
    who: keyof typeof people,
    extra: Record<string, unknown> = {},
    slot = {},
  ): Promise<string> {
    const id = await gitAction(who, extra, slot);
    const ok = await http().post(`/events/${id}/approve`).set(as('approver')).send({ comment: 'fine' });
    expect(ok.status).toBe(200);
    return id;
  }

  async function finished(runId: string, who: keyof typeof people = 'admin'): Promise<Run> {
    for (let i = 0; i < 200; i += 1) {
      const res = await http().get(`/git_action/runs/${runId}`).set(as(who));
      expect(res.status).toBe(200);
      if (!['queued', 'running'].includes(res.body.status)) return res.body as Run;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  it('GIT-01/GIT-03: actions outside the list and bad branches are refused, and no process is spawned', async () => {
    const spawned = jest.spyOn(childProcess, 'spawn');
    try {
      for (const extra of [
        { action: 'push --force' },
        { action: 'config' },
        { action: 'clean -fdx' },
        { action: 'reset --hard' },
        { action: 'submodule update' },
        { branch: '--upload-pack=touch' },
        { branch: 'a..b' },
        { branch: 'main@{1}' },
        { branch: 'main.lock' },
        { branch: 'bad\u0007bell' },
      ]) {
        expect((await planGitAction(extra)).status).toBe(400);
      }
      // Even an approved event whose stored command is off the list (written before a rule existed,
      // or by hand) is refused by POST /git_action itself.
      const legacy = await approved('dev', { action: 'ls-remote' });
      await t.app
        .get(DataSource)
        .query(`UPDATE events SET extra = extra || '{"action": "push --force"}'::jsonb WHERE id = $1`, [
          legacy,
        ]);
      const refused = await http().post('/git_action').set(as('dev')).send({ event_id: legacy });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('extra.action must be one of');
      const pending = await gitAction('dev');
      expect((await http().post('/git_action').set(as('dev')).send({ event_id: pending })).status).toBe(409);
      await new Promise((r) => setTimeout(r, 1_500)); // a worker poll or more (nothing else is queued yet)
      const runs = (await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM git_runs WHERE event_id = ANY($1)`, [[legacy, pending]])) as [
        { n: number },
      ];
      expect(runs[0].n).toBe(0);
      expect(spawned).not.toHaveBeenCalled();
      // The control: a run that is allowed does reach the spy.
      const ok = await approved('dev', { action: 'ls-remote', branch: 'main' });
      await finished((await http().post('/git_action').set(as('dev')).send({ event_id: ok })).body.run_id);
      expect(spawned).toHaveBeenCalledWith(
        'git',
        expect.arrayContaining(['ls-remote']),
        expect.objectContaining({ shell: false }),
      );
    } finally {
      spawned.mockRestore();
    }
  });

  it('VAL-08: created → run is a 409; an ADMIN other than the creator approves; then it runs', async () => {
    const id = await gitAction('dev');
    const early = await http().post('/git_action').set(as('dev')).send({ event_id: id });
    expect(early.status).toBe(409);
    expect(early.body.message).toBe('This git action is pending: an ADMIN must approve it before it can run');
    expect((await http().post(`/events/${id}/approve`).set(as('dev')).send({})).status).toBe(403);
    const mine = await gitAction('admin');
    const selfApproval = await http().post(`/events/${mine}/approve`).set(as('admin')).send({});
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.message).toBe('Nobody approves their own git action');

    expect((await http().post(`/events/${id}/approve`).set(as('approver')).send({})).status).toBe(200);
    const queued = await http().post('/git_action').set(as('dev')).send({ event_id: id });
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({ run_id: expect.any(String), status: 'queued' });
  });

  it('VAL-08: rejected, not yet started, or over: a 409 that says why', async () => {
    const rejected = await gitAction('dev');
    await http().post(`/events/${rejected}/reject`).set(as('approver')).send({ comment: 'not now' });
    const r1 = await http().post('/git_action').set(as('dev')).send({ event_id: rejected });
    expect(r1.status).toBe(409);
    expect(r1.body.message).toBe('This git action is rejected: an ADMIN must approve it before it can run');

    const later = await approved('dev', {}, { startIn: 10 * MINUTE });
    const r2 = await http().post('/git_action').set(as('dev')).send({ event_id: later });
    expect(r2.status).toBe(409);
    expect(r2.body.message).toMatch(/^This git action can run only between \S+Z and \S+Z$/);

    const over = await approved('dev', {}, { startIn: -40 * MINUTE, minutes: 30 });
    expect((await http().post('/git_action').set(as('dev')).send({ event_id: over })).status).toBe(409);
  });

  it('VAL-08: changing the command of an approved git action sends it back for approval', async () => {
    const id = await approved('dev');
    const patched = await http()
      .patch(`/events/${id}`)
      .set(as('dev'))
      .send({ extra: { repo_url: REPO, branch: 'main', action: 'clone' } });
    expect(patched.status).toBe(200);
    expect(patched.body.status).toBe('pending');
    expect((await http().post('/git_action').set(as('dev')).send({ event_id: id })).status).toBe(409);
    const retitled = await approved('dev');
    const renamed = await http().patch(`/events/${retitled}`).set(as('dev')).send({ title: 'new name' });
    expect(renamed.body.status).toBe('approved'); // the title is not part of what was approved
  });

  it('contract: ADMIN runs any git action, DEV only its own, OPS and PROJET none', async () => {
    const id = await approved('dev');
    const other = await http().post('/git_action').set(as('dev2')).send({ event_id: id });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('DEV can only run git actions they created');
    for (const who of ['ops', 'projet'] as const)
      expect((await http().post('/git_action').set(as(who)).send({ event_id: id })).status).toBe(403);
    expect((await http().post('/git_action').send({ event_id: id })).status).toBe(401);
    expect((await http().post('/git_action').set(as('admin')).send({ event_id: id })).status).toBe(202);
    const missing = await http()
      .post('/git_action')
      .set(as('admin'))
      .send({ event_id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(404);
    for (const body of [{}, { event_id: 'nope' }, { event_id: id, branch: 'x' }])
      expect((await http().post('/git_action').set(as('admin')).send(body)).status).toBe(400);
  });

  it('GIT-07: running needs 2FA on the account; a role that may not run hears about its role', async () => {
    const id = await approved('dev3');
    const res = await http().post('/git_action').set(as('dev3')).send({ event_id: id });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'mfa_required',
      message: 'Two-factor authentication required: turn it on with POST /2fa/setup, then retry',
    });
    const projet = await http().post('/git_action').set(as('projet')).send({ event_id: id });
    expect(projet.status).toBe(403);
    expect(projet.body.message).not.toContain('Two-factor');
    expect((await http().get(`/git_action/runs?event_id=${id}`).set(as('dev3'))).status).toBe(200);
  });

  it('a run goes queued → succeeded with what git printed; runs are listed newest first', async () => {
    const id = await approved('dev', { action: 'clone' });
    const first = await http().post('/git_action').set(as('dev')).send({ event_id: id });
    const run = await finished(first.body.run_id as string, 'dev');
    expect(run).toMatchObject({
      run_id: first.body.run_id,
      event_id: id,
      action: 'clone',
      status: 'succeeded',
      exit_code: 0,
      triggered_by: people.dev.id,
    });
    expect(run.output).toContain(`${repo.heads['feature/login']} login form`);
    expect(Date.parse(run.finished_at!)).toBeGreaterThanOrEqual(Date.parse(run.started_at!));
    const second = await http().post('/git_action').set(as('admin')).send({ event_id: id });
    await finished(second.body.run_id as string);
    const metrics = await http().get('/metrics');
    expect(metrics.text).toMatch(/^uyoop_git_executions_total\{result="ok"\} [1-9]/m);
    expect(metrics.text).toContain('uyoop_git_execution_seconds_bucket');
    const list = await http().get(`/git_action/runs?event_id=${id}`).set(as('dev'));
    expect(list.status).toBe(200);
    expect(list.body.map((r: Run) => r.run_id)).toEqual([second.body.run_id, first.body.run_id]);
  });

  it('ls-remote shows the branch head; an unknown branch fails with exit code 128', async () => {
    const ls = await approved('dev', { action: 'ls-remote', branch: 'main' });
    const run = await finished(
      (await http().post('/git_action').set(as('dev')).send({ event_id: ls })).body.run_id,
    );
    expect(run.status).toBe('succeeded');
    expect(run.output).toBe(`${repo.heads.main}\trefs/heads/main\n`);
    const missing = await approved('dev', { action: 'fetch', branch: 'no-such-branch' });
    const failed = await finished(
      (await http().post('/git_action').set(as('dev')).send({ event_id: missing })).body.run_id,
    );
    expect(failed).toMatchObject({ status: 'failed', exit_code: 128 });
  });

  it('a DEV sees the runs of its own git actions only', async () => {
    const id = await approved('dev', { action: 'ls-remote' });
    const runId = (await http().post('/git_action').set(as('dev')).send({ event_id: id })).body
      .run_id as string;
    await finished(runId);
    const foreign = await http().get(`/git_action/runs/${runId}`).set(as('dev2'));
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toBe('Git run not found');
    expect((await http().get(`/git_action/runs?event_id=${id}`).set(as('dev2'))).body).toEqual([]);
    expect((await http().get(`/git_action/runs/${runId}`).set(as('ops'))).status).toBe(403);
    expect((await http().get('/git_action/runs').set(as('admin'))).status).toBe(400);
  });

  it('GIT-04: a repository host outside GIT_ALLOWED_HOSTS is a 400; bad URLs never become events', async () => {
    const elsewhere = await approved('dev', { repo_url: 'https://github.com/acme/app.git' });
    const res = await http().post('/git_action').set(as('dev')).send({ event_id: elsewhere });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'Repository host github.com is not allowed (allowed: git.example.test, slow.example.test)',
    );
    for (const repo_url of [
      'ext::sh -c touch% /tmp/pwned',
      'file:///etc/passwd',
      'ssh://-oProxyCommand=touch%20x/repo',
      '-upload-pack=touch',
      'https://127.0.0.1/repo.git',
      'https://[::1]/repo.git',
      'https://localhost/repo.git',
      'https://user:secret@git.example.test/demo.git',
      'http://git.example.test/demo.git',
    ]) {
      expect((await planGitAction({ repo_url })).status).toBe(400);
    }
  });

  it('GIT-06: a retry with the same Idempotency-Key gets the same run; a malformed key is a 400', async () => {
    const id = await approved('dev', { action: 'ls-remote' });
    const send = (key: string) =>
      http().post('/git_action').set(as('dev')).set('Idempotency-Key', key).send({ event_id: id });
    const a = await send('deploy-retry-0001');
    const b = await send('deploy-retry-0001');
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.run_id).toBe(a.body.run_id);
    expect((await send('deploy-retry-0002')).body.run_id).not.toBe(a.body.run_id);
    expect((await send('short')).status).toBe(400);
    expect((await send('has spaces in it')).status).toBe(400);
  });

  it('GIT-06: a server that never answers: the run ends timed_out at the deadline', async () => {
    const id = await approved('dev', { repo_url: SLOW_REPO });
    const runId = (await http().post('/git_action').set(as('dev')).send({ event_id: id })).body
      .run_id as string;
    const run = await finished(runId);
    expect(run).toMatchObject({ status: 'timed_out', exit_code: null });
    expect(run.output).toContain('[stopped after 2000 ms]');
    expect(Date.parse(run.finished_at!) - Date.parse(run.started_at!)).toBeLessThan(10_000);
  });

  it('VAL-05: inside a freeze the run is a 409 with the freeze; an ADMIN override runs it, audited', async () => {
    const id = await approved('dev', { action: 'ls-remote' });
    const freeze = await http()
      .post('/freezes')
      .set(as('admin'))
      .send({
        environment: 'prod',
        start: new Date(Date.now() - MINUTE).toISOString(),
        end: new Date(Date.now() + 2 * MINUTE).toISOString(),
        reason: 'incident 42',
      });
    expect(freeze.status).toBe(201);
    try {
      const refused = await http().post('/git_action').set(as('dev')).send({ event_id: id });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/^prod is frozen until \S+Z: incident 42$/);
      const devOverride = await http()
        .post('/git_action')
        .set(as('dev'))
        .send({ event_id: id, override_reason: 'please' });
      expect(devOverride.status).toBe(409);
      const override = await http()
        .post('/git_action')
        .set(as('admin'))
        .send({ event_id: id, override_reason: 'hotfix for incident 42' });
      expect(override.status).toBe(202);
      expect((await finished(override.body.run_id as string)).status).toBe('succeeded');
      const audit = (await t.app
        .get(DataSource)
        .query(`SELECT details FROM audit_log WHERE action = 'freeze_overridden' AND target_id = $1`, [
          id,
        ])) as {
        details: { reason: string };
      }[];
      expect(audit.map((a) => a.details.reason)).toEqual(['hotfix for incident 42']);
    } finally {
      await http()
        .delete(`/freezes/${freeze.body.id as string}`)
        .set(as('admin'));
    }
  });

  /** Waits until no run is queued or running, so that a spy sees only what the test itself starts. */
  async function idle(): Promise<void> {
    for (let i = 0; i < 200; i += 1) {
      const busy = (await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM git_runs WHERE status IN ('queued', 'running')`)) as [
        { n: number },
      ];
      if (busy[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('git runs still busy');
  }

  /** A run queued as if requested earlier, for the worker's last check before it starts one. */
  async function queuedDirectly(
    eventId: string,
    run: { branch?: string; override?: string } = {},
  ): Promise<Run> {
    const runId = randomUUID();
    await t.app.get(DataSource).query(
      `INSERT INTO git_runs (id, event_id, action, repo_url, branch, status, trigger, triggered_by,
                             freeze_override_reason, created_at)
       VALUES ($1, $2, 'ls-remote', $3, $4, 'queued', 'manual', $5, $6, now())`,
      [runId, eventId, REPO, run.branch ?? 'feature/login', people.dev.id, run.override ?? null],
    );
    return finished(runId);
  }

  it('VAL-08/VAL-05: a queued run is checked again before it starts: approval, command, freeze', async () => {
    await idle();
    const spawned = jest.spyOn(childProcess, 'spawn');
    try {
      const pending = await gitAction('dev', { action: 'ls-remote' });
      expect(await queuedDirectly(pending)).toMatchObject({
        status: 'failed',
        exit_code: null,
        output: 'Not run: This git action is pending: an ADMIN must approve it before it can run',
      });
      const edited = await approved('dev', { action: 'ls-remote', branch: 'main' });
      expect((await queuedDirectly(edited, { branch: 'feature/login' })).output).toBe(
        'Not run: its git action was changed after the run was requested',
      );
      const frozen = await approved('dev', { action: 'ls-remote' });
      const freeze = await http()
        .post('/freezes')
        .set(as('admin'))
        .send({
          environment: 'staging',
          start: new Date(Date.now() - MINUTE).toISOString(),
          end: new Date(Date.now() + 2 * MINUTE).toISOString(),
          reason: 'audit week',
        });
      try {
        expect((await queuedDirectly(frozen)).output).toMatch(
          /^Not run: staging is frozen until \S+Z: audit week$/,
        );
        expect(spawned).not.toHaveBeenCalled();
        // Requested with an ADMIN's override: the freeze was already overridden, and audited, then.
        expect((await queuedDirectly(frozen, { override: 'hotfix' })).status).toBe('succeeded');
      } finally {
        await http()
          .delete(`/freezes/${freeze.body.id as string}`)
          .set(as('admin'));
      }
    } finally {
      spawned.mockRestore();
    }
  });

  it('AC-03: a private meeting is a missing event for the git routes too', async () => {
    const meeting = await http()
      .post('/events')
      .set(as('admin'))
      .send({
        title: '1:1',
        start: new Date().toISOString(),
        end: new Date(Date.now() + 30 * MINUTE).toISOString(),
        type: 'meeting',
        extra: { private: true },
      });
    expect(meeting.status).toBe(201);
    const run = await http().post('/git_action').set(as('dev')).send({ event_id: meeting.body.id });
    expect(run.status).toBe(404);
    expect(run.body.message).toBe('Event not found');
    expect(
      (
        await http()
          .get(`/git_action/runs?event_id=${meeting.body.id as string}`)
          .set(as('dev'))
      ).status,
    ).toBe(404);
  });

  it('GIT-06: an Idempotency-Key reused for another git action is a 422 (REL-IDEM-01), and a retry is not audited again', async () => {
    const a = await approved('dev', { action: 'ls-remote' });
    const b = await approved('dev', { action: 'ls-remote' });
    const key = `reuse-${randomUUID()}`;
    const first = await http()
      .post('/git_action')
      .set(as('dev'))
      .set('Idempotency-Key', key)
      .send({ event_id: a });
    expect(first.status).toBe(202);
    const retry = await http()
      .post('/git_action')
      .set(as('dev'))
      .set('Idempotency-Key', key)
      .send({ event_id: a });
    expect(retry.body.run_id).toBe(first.body.run_id);
    const other = await http()
      .post('/git_action')
      .set(as('dev'))
      .set('Idempotency-Key', key)
      .send({ event_id: b });
    expect(other.status).toBe(422);
    expect(other.body.message).toBe(
      'This Idempotency-Key already started a run of another git action: use a new key',
    );
    const audited = (await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'git_run_requested' AND target_id = $1`,
        [first.body.run_id],
      )) as [{ n: number }];
    expect(audited[0].n).toBe(1);
  });

  it('GIT-08: every attempt is audited: refused, queued, and finished with exit code and duration', async () => {
    const pending = await gitAction('dev');
    await http().post('/git_action').set(as('dev')).send({ event_id: pending });
    const id = await approved('dev', { action: 'ls-remote', branch: 'main' });
    const runId = (
      await http()
        .post('/git_action')
        .set(as('dev'))
        .set('User-Agent', 'git08-agent/1.0')
        .send({ event_id: id })
    ).body.run_id as string;
    await finished(runId);
    // LOG-03: the request's client is on the request's row; the worker's own rows carry none of it.
    const clients = (await t.app
      .get(DataSource)
      .query(`SELECT action, user_agent, request_id FROM audit_log WHERE target_id = $1 ORDER BY id`, [
        runId,
      ])) as {
      action: string;
      user_agent: string | null;
      request_id: string | null;
    }[];
    expect(clients).toEqual([
      { action: 'git_run_requested', user_agent: 'git08-agent/1.0', request_id: expect.any(String) },
      { action: 'git_run_finished', user_agent: null, request_id: null },
    ]);
    const rows = (await t.app.get(DataSource).query(
      `SELECT action, actor_id, target_id, details FROM audit_log
          WHERE action LIKE 'git_run_%' AND (target_id = $1 OR target_id = $2 OR target_id = $3) ORDER BY id`,
      [pending, id, runId],
    )) as { action: string; actor_id: string; target_id: string; details: Record<string, unknown> }[];
    expect(rows).toEqual([
      {
        action: 'git_run_refused',
        actor_id: people.dev.id,
        target_id: pending,
        details: { reason: 'GIT.NOT_RUNNABLE', message: expect.stringContaining('pending') },
      },
      {
        action: 'git_run_requested',
        actor_id: people.dev.id,
        target_id: runId,
        details: { event_id: id, action: 'ls-remote', repo_url: REPO, branch: 'main' },
      },
      {
        action: 'git_run_finished',
        actor_id: people.dev.id,
        target_id: runId,
        details: {
          event_id: id,
          action: 'ls-remote',
          repo_url: REPO,
          branch: 'main',
          status: 'succeeded',
          exit_code: 0,
          duration_ms: expect.any(Number),
        },
      },
    ]);
  });

  it('auto_trigger: an approved git action runs once when its slot starts, with two instances polling', async () => {
    const second = await createTestApp(
      {
        GIT_ALLOWED_HOSTS: 'git.example.test',
        GIT_MIRRORS: `https://git.example.test/=${daemon.base}`,
      },
      { db: t.db },
    );
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1)
        ids.push(await approved('dev', { action: 'ls-remote', auto_trigger: true }));
      const ds = t.app.get(DataSource);
      const runsOf = async () =>
        (await ds.query(
          `SELECT event_id, status, trigger, triggered_by FROM git_runs WHERE event_id = ANY($1) ORDER BY event_id`,
          [ids],
        )) as { event_id: string; status: string; trigger: string; triggered_by: string | null }[];
      for (let i = 0; i < 100; i += 1) {
        const runs = await runsOf();
        if (runs.length === 3 && runs.every((r) => r.status === 'succeeded')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 2_500)); // more polls of both instances
      const runs = await runsOf();
      expect(runs).toHaveLength(3);
      for (const run of runs)
        expect(run).toMatchObject({ status: 'succeeded', trigger: 'auto', triggered_by: null });
    } finally {
      await second.close();
    }
  });
});
