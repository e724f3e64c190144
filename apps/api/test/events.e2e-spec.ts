import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser, type Tokens } from '../../../test-support/auth';

const meeting = {
  title: 'Daily',
  start: '2026-03-02T09:00:00Z',
  end: '2026-03-02T09:15:00Z',
  type: 'meeting',
  extra: { subtype: 'daily', link: 'https://meet.example.org/daily', notes: 'standup' },
};
const deployment = {
  title: 'Release 4.2',
  start: '2026-03-03T20:00:00Z',
  end: '2026-03-03T22:00:00Z',
  type: 'deployment_window',
  extra: { environment: 'staging', services: ['api'] },
};
const gitAction = {
  title: 'Fetch main',
  start: '2026-03-02T12:00:00Z',
  end: '2026-03-02T12:05:00Z',
  type: 'git_action',
  extra: { repo_url: 'https://git.example.org/team/app.git', branch: 'main', action: 'fetch' },
};

describe('events (e2e)', () => {
  let t: TestApp;
  const tokens: Record<string, Tokens> = {};
  const ids: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]!.access}` });

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    for (const [name, role] of [
      ['admin', 'ADMIN'],
      ['projet', 'PROJET'],
      ['dev', 'DEV'],
      ['ops', 'OPS'],
    ] as const) {
      ids[name] = (await seedUser(t.app, name, role)).id;
      tokens[name] = await login(t.app, name);
    }
  });
  afterAll(() => t.close());

  describe("the original's RBAC suite, against our API", () => {
    const created: Record<string, string> = {};

    it('ADMIN creates all three types and deletes two', async () => {
      for (const body of [meeting, deployment, gitAction]) {
        const res = await http().post('/events').set(as('admin')).send(body);
        expect(res.status).toBe(201);
        expect(res.body.created_by).toBe(ids.admin);
        created[`admin-${body.type}`] = res.body.id;
      }
      expect((await http().delete(`/events/${created['admin-meeting']}`).set(as('admin'))).status).toBe(204);
      expect((await http().delete(`/events/${created['admin-git_action']}`).set(as('admin'))).status).toBe(
        204,
      );
    });

    it('PROJET creates all three types', async () => {
      for (const body of [meeting, deployment, gitAction]) {
        const res = await http().post('/events').set(as('projet')).send(body);
        expect(res.status).toBe(201);
        created[`projet-${body.type}`] = res.body.id;
      }
    });

    it("PROJET cannot delete an ADMIN's event", async () => {
      expect(
        (await http().delete(`/events/${created['admin-deployment_window']}`).set(as('projet'))).status,
      ).toBe(403);
    });

    it('DEV: meeting 403, deployment 403, git_action 201', async () => {
      const m = await http().post('/events').set(as('dev')).send(meeting);
      expect(m.status).toBe(403);
      expect(m.body.message).toBe('DEV role can only create git_action events');
      expect((await http().post('/events').set(as('dev')).send(deployment)).status).toBe(403);
      const g = await http().post('/events').set(as('dev')).send(gitAction);
      expect(g.status).toBe(201);
      created['dev-git_action'] = g.body.id;
    });

    it('OPS: meeting 403, deployment 201, git_action 403', async () => {
      const m = await http().post('/events').set(as('ops')).send(meeting);
      expect(m.status).toBe(403);
      expect(m.body.message).toBe('OPS role can only create deployment_window events');
      const d = await http().post('/events').set(as('ops')).send(deployment);
      expect(d.status).toBe(201);
      created['ops-deployment_window'] = d.body.id;
      expect((await http().post('/events').set(as('ops')).send(gitAction)).status).toBe(403);
    });

    it("DEV cannot edit PROJET's meeting; ADMIN can", async () => {
      const id = created['projet-meeting'];
      expect((await http().patch(`/events/${id}`).set(as('dev')).send({ title: 'hijacked' })).status).toBe(
        403,
      );
      const res = await http().patch(`/events/${id}`).set(as('admin')).send({ title: 'Daily (moved)' });
      expect(res.status).toBe(200);
      expect(res.body.title).toBe('Daily (moved)');
    });

    it("the meeting's extra (subtype, link, notes) survives a round trip", async () => {
      const res = await http().get(`/events/${created['projet-meeting']}`).set(as('dev'));
      expect(res.status).toBe(200);
      expect(res.body.extra).toEqual(meeting.extra);
    });

    it('OPS deletes its own event; ADMIN deletes DEV’s event', async () => {
      expect((await http().delete(`/events/${created['ops-deployment_window']}`).set(as('ops'))).status).toBe(
        204,
      );
      expect((await http().delete(`/events/${created['dev-git_action']}`).set(as('admin'))).status).toBe(204);
      expect((await http().get(`/events/${created['dev-git_action']}`).set(as('admin'))).status).toBe(404);
    });

    it('ADMIN changes a role, DEV cannot', async () => {
      const extra = await seedUser(t.app, 'promo', 'DEV');
      expect((await http().patch(`/users/${extra.id}`).set(as('dev')).send({ role: 'OPS' })).status).toBe(
        403,
      );
      const res = await http().patch(`/users/${extra.id}`).set(as('admin')).send({ role: 'OPS' });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('OPS');
    });

    it('OPS cannot delete a user, ADMIN can', async () => {
      const victim = await seedUser(t.app, 'leaver', 'DEV');
      expect((await http().delete(`/users/${victim.id}`).set(as('ops'))).status).toBe(403);
      expect((await http().delete(`/users/${victim.id}`).set(as('admin'))).status).toBe(204);
    });

    it('bad login → 401; /users without a token → 401', async () => {
      expect(
        (await http().post('/login').send({ username: 'admin', password: 'wrong password here' })).status,
      ).toBe(401);
      expect((await http().get('/users')).status).toBe(401);
    });
  });

  describe('validation (VAL-*)', () => {
    it.each([
      ['no offset', { start: '2026-03-02T09:00:00' }, 'start must be an RFC 3339 date-time'],
      ['impossible date', { start: '2025-02-30T10:00:00Z' }, 'start must be an RFC 3339 date-time'],
      ['year out of range', { start: '2200-01-01T10:00:00Z' }, 'start must be an RFC 3339 date-time'],
      ['end before start', { end: '2026-03-02T08:00:00Z' }, 'end must be after start'],
      ['zero length', { end: meeting.start }, 'end must be after start'],
      ['meeting over 24 h', { end: '2026-03-04T09:00:00Z' }, 'a meeting may last at most 24 hours'],
      [
        'window over 7 days',
        { ...deployment, end: '2026-03-11T20:00:01Z' },
        'a deployment_window may last at most 7 days',
      ],
      [
        'git action over 1 hour',
        { ...gitAction, end: '2026-03-02T13:00:01Z' },
        'a git_action may last at most 1 hour',
      ],
    ])('VAL-01/VAL-02: %s → 400', async (_label, change, message) => {
      const res = await http()
        .post('/events')
        .set(as('admin'))
        .send({ ...meeting, ...change });
      expect(res.status).toBe(400);
      expect(String(res.body.message)).toContain(message);
    });

    it.each([
      [
        'unknown extra key',
        { type: 'meeting', extra: { subtype: 'daily', room: 'B' } },
        'extra.room is not allowed for meeting events',
      ],
      [
        'http meeting link',
        { type: 'meeting', extra: { link: 'http://meet.example.org' } },
        'extra.link must be an https URL',
      ],
      [
        'unknown environment',
        { ...deployment, extra: { environment: 'moon' } },
        'extra.environment must be one of: dev, test, staging, prod',
      ],
      [
        'git action not on the list',
        { ...gitAction, extra: { ...gitAction.extra, action: 'push --force' } },
        'extra.action must be one of',
      ],
      [
        'ext:: transport',
        { ...gitAction, extra: { ...gitAction.extra, repo_url: 'ext::sh -c touch% /tmp/pwned' } },
        'extra.repo_url must be an https URL',
      ],
      [
        'credentials in URL',
        { ...gitAction, extra: { ...gitAction.extra, repo_url: 'https://user:pw@git.example.org/r.git' } },
        'without credentials',
      ],
      [
        'loopback host',
        { ...gitAction, extra: { ...gitAction.extra, repo_url: 'https://127.0.0.1/r.git' } },
        'public host',
      ],
      [
        'option-looking branch',
        { ...gitAction, extra: { ...gitAction.extra, branch: '--upload-pack=touch' } },
        'extra.branch must be a valid git branch name',
      ],
      [
        '.. in branch',
        { ...gitAction, extra: { ...gitAction.extra, branch: 'a..b' } },
        'extra.branch must be a valid git branch name',
      ],
    ])('typed extra: %s → 400', async (_label, body, message) => {
      const res = await http()
        .post('/events')
        .set(as('admin'))
        .send({ ...meeting, ...body });
      expect(res.status).toBe(400);
      expect(String(res.body.message)).toContain(message);
    });

    it('VAL-07: control characters and lone surrogates are refused; text is stored as given', async () => {
      for (const title of ['nul\u0000byte', 'bell\u0007', 'line\nbreak']) {
        expect(
          (
            await http()
              .post('/events')
              .set(as('admin'))
              .send({ ...meeting, title })
          ).status,
        ).toBe(400);
      }
      const lone = await http()
        .post('/events')
        .set(as('admin'))
        .set('Content-Type', 'application/json')
        .send(
          '{"title":"ok","start":"2026-03-02T09:00:00Z","end":"2026-03-02T09:15:00Z","type":"meeting","extra":{"notes":"\\ud800 alone"}}',
        );
      expect(lone.status).toBe(400);
      const html = await http()
        .post('/events')
        .set(as('admin'))
        .send({ ...meeting, title: '<b>plan</b> & "ship"' });
      expect(html.status).toBe(201);
      expect(html.body.title).toBe('<b>plan</b> & "ship"');
      expect(html.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it('VAL-10: a 50 KB pathological string is refused quickly', async () => {
      const started = Date.now();
      const res = await http()
        .post('/events')
        .set(as('admin'))
        .send({ ...meeting, title: 'a'.repeat(50_000) + '!' });
      expect(res.status).toBe(400);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('VAL-11: repeated or nested query parameters are a 400, not a widened query', async () => {
      const range = 'from=2026-03-01T00:00:00Z&to=2026-03-05T00:00:00Z';
      expect((await http().get(`/events?${range}&type=meeting&type=git_action`).set(as('dev'))).status).toBe(
        400,
      );
      expect((await http().get(`/events?${range}&type[$ne]=meeting`).set(as('dev'))).status).toBe(400);
      expect((await http().get(`/events?${range}&from=2020-01-01T00:00:00Z`).set(as('dev'))).status).toBe(
        400,
      );
    });

    it('AC-04: created_by, status and other server fields cannot be sent', async () => {
      const res = await http()
        .post('/events')
        .set(as('admin'))
        .send({ ...meeting, created_by: ids.dev, status: 'approved' });
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining(['property created_by should not exist', 'property status should not exist']),
      );
    });
  });

  describe('range queries and approvals', () => {
    it('GET /events needs from/to at most 366 days apart and returns overlapping events by start', async () => {
      expect((await http().get('/events').set(as('dev'))).status).toBe(400);
      expect(
        (await http().get('/events?from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z').set(as('dev'))).status,
      ).toBe(400);
      const res = await http()
        .get('/events?from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z')
        .set(as('dev'));
      expect(res.status).toBe(200);
      const starts = (res.body as { start: string }[]).map((e) => e.start);
      expect(starts).toEqual([...starts].sort());
      expect(res.body.length).toBeGreaterThan(0);
      const onlyWindows = await http()
        .get('/events?from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z&type=deployment_window')
        .set(as('dev'));
      expect((onlyWindows.body as { type: string }[]).every((e) => e.type === 'deployment_window')).toBe(
        true,
      );
    });

    it('VAL-06: a prod window starts pending; nobody approves their own; ADMIN approves; moving it resets to pending', async () => {
      const prod = {
        ...deployment,
        title: 'Prod release',
        start: '2026-05-01T20:00:00Z',
        end: '2026-05-01T21:00:00Z',
        extra: { environment: 'prod' },
      };
      const mine = await http().post('/events').set(as('admin')).send(prod);
      expect(mine.body.status).toBe('pending');
      expect(mine.body.extra.needs_approval).toBe(true);
      expect((await http().post(`/events/${mine.body.id}/approve`).set(as('admin')).send({})).status).toBe(
        403,
      );
      const theirs = await http().post('/events').set(as('ops')).send(prod);
      expect(theirs.body.conflicts).toEqual([mine.body.id]);
      expect((await http().post(`/events/${theirs.body.id}/approve`).set(as('projet')).send({})).status).toBe(
        403,
      );
      const approved = await http()
        .post(`/events/${theirs.body.id}/approve`)
        .set(as('admin'))
        .send({ comment: 'go' });
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('approved');
      const moved = await http()
        .patch(`/events/${theirs.body.id}`)
        .set(as('ops'))
        .send({ end: '2026-05-01T22:00:00Z' });
      expect(moved.body.status).toBe('pending');
    });

    it('GET /events/conflicts lists overlapping windows on one environment, pairwise', async () => {
      const base = {
        ...deployment,
        start: '2026-06-01T20:00:00Z',
        end: '2026-06-01T22:00:00Z',
        extra: { environment: 'test' },
      };
      const first = await http().post('/events').set(as('ops')).send(base);
      const second = await http()
        .post('/events')
        .set(as('ops'))
        .send({ ...base, start: '2026-06-01T21:00:00Z', end: '2026-06-01T23:00:00Z' });
      expect(second.body.conflicts).toEqual([first.body.id]);
      const other = await http()
        .post('/events')
        .set(as('ops'))
        .send({ ...base, extra: { environment: 'dev' } });
      expect(other.body.conflicts).toEqual([]);
      const res = await http()
        .get('/events/conflicts?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z')
        .set(as('dev'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ a: expect.any(String), b: expect.any(String), environment: 'test' }]);
      expect([res.body[0].a, res.body[0].b].sort()).toEqual([first.body.id, second.body.id].sort());
    });

    it('GET /audit: ADMIN only, filtered by action and actor, event changes included', async () => {
      expect((await http().get('/audit').set(as('dev'))).status).toBe(403);
      const res = await http().get(`/audit?action=event_created&actor=${ids.ops}`).set(as('admin'));
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
      for (const row of res.body) {
        expect(row).toMatchObject({ action: 'event_created', actor_id: ids.ops, target_type: 'event' });
        expect(Object.keys(row).sort()).toEqual([
          'action',
          'actor_id',
          'at',
          'details',
          'id',
          'ip',
          'request_id',
          'target_id',
          'target_type',
          'user_agent',
        ]);
        expect(row.request_id).toEqual(expect.any(String)); // LOG-03
      }
      expect((await http().get('/audit?action=drop_tables').set(as('admin'))).status).toBe(400);
      expect((await http().get('/audit?from=yesterday').set(as('admin'))).status).toBe(400);
    });

    it('VAL-05: freezes: ADMIN defines them; windows and git actions inside are refused unless an ADMIN overrides (audited)', async () => {
      const freeze = {
        environment: 'prod',
        start: '2026-12-20T00:00:00Z',
        end: '2027-01-04T00:00:00Z',
        reason: 'Year-end freeze',
      };
      expect((await http().post('/freezes').set(as('ops')).send(freeze)).status).toBe(403);
      const created = await http().post('/freezes').set(as('admin')).send(freeze);
      expect(created.status).toBe(201);
      expect(
        (await http().get('/freezes?environment=prod').set(as('dev'))).body.map((f: { id: string }) => f.id),
      ).toContain(created.body.id);
      const window = {
        ...deployment,
        start: '2026-12-24T20:00:00Z',
        end: '2026-12-24T21:00:00Z',
        extra: { environment: 'prod' },
      };
      const refused = await http().post('/events').set(as('ops')).send(window);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe('prod is frozen until 2027-01-04T00:00:00.000Z: Year-end freeze');
      expect(
        (
          await http()
            .post('/events')
            .set(as('ops'))
            .send({ ...window, extra: { environment: 'staging' } })
        ).status,
      ).toBe(201);
      const git = await http()
        .post('/events')
        .set(as('dev'))
        .send({ ...gitAction, start: '2026-12-24T12:00:00Z', end: '2026-12-24T12:05:00Z' });
      expect(git.status).toBe(409);
      expect(
        (
          await http()
            .post('/events')
            .set(as('ops'))
            .send({ ...window, override_reason: 'I say so' })
        ).status,
      ).toBe(409);
      const forced = await http()
        .post('/events')
        .set(as('admin'))
        .send({ ...window, override_reason: 'hotfix for outage #42' });
      expect(forced.status).toBe(201);
      const audit = await http().get('/audit?action=freeze_overridden').set(as('admin'));
      expect(audit.body[0]).toMatchObject({
        actor_id: ids.admin,
        target_id: forced.body.id,
        details: { reason: 'hotfix for outage #42' },
      });
      expect((await http().delete(`/freezes/${created.body.id}`).set(as('admin'))).status).toBe(204);
      expect((await http().post('/events').set(as('ops')).send(window)).status).toBe(201);
    });

    it('the database itself refuses an event longer than 7 days (the range query relies on it)', async () => {
      await expect(
        t.app.get(DataSource).query(
          `INSERT INTO events (id, title, starts_at, ends_at, type, created_by, created_at, updated_at)
             VALUES (gen_random_uuid(), 'too long', now(), now() + interval '8 days', 'deployment_window', $1, now(), now())`,
          [ids.admin],
        ),
      ).rejects.toThrow(/events_max_span_check/);
    });

    it('VAL-04: two overlapping windows created at the same moment: the later one reports the earlier', async () => {
      const body = {
        ...deployment,
        start: '2026-07-01T20:00:00Z',
        end: '2026-07-01T22:00:00Z',
        extra: { environment: 'dev' },
      };
      const [a, b] = await Promise.all([
        http().post('/events').set(as('ops')).send(body),
        http().post('/events').set(as('admin')).send(body),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      const reported = [...a.body.conflicts, ...b.body.conflicts];
      expect(reported).toHaveLength(1);
      expect([a.body.id, b.body.id]).toContain(reported[0]);
    });

    it('VAL-06: an ADMIN rejects a pending window with a comment (audited); not their own', async () => {
      const prod = {
        ...deployment,
        start: '2026-08-01T20:00:00Z',
        end: '2026-08-01T21:00:00Z',
        extra: { environment: 'prod' },
      };
      const window = await http().post('/events').set(as('ops')).send(prod);
      expect(
        (await http().post(`/events/${window.body.id}/reject`).set(as('projet')).send({ comment: 'no' }))
          .status,
      ).toBe(403);
      const res = await http()
        .post(`/events/${window.body.id}/reject`)
        .set(as('admin'))
        .send({ comment: 'not during the sale' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('rejected');
      const audit = await http().get('/audit?action=event_rejected').set(as('admin'));
      expect(audit.body[0]).toMatchObject({
        target_id: window.body.id,
        details: { comment: 'not during the sale' },
      });
    });

    it('a PATCH that changes type is checked against the role again', async () => {
      const own = await http().post('/events').set(as('dev')).send(gitAction);
      const res = await http()
        .patch(`/events/${own.body.id}`)
        .set(as('dev'))
        .send({ type: 'meeting', extra: { subtype: 'daily' } });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('DEV role can only create git_action events');
    });
  });
});
