import { newId, type Role } from '@uyoop/shared';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser, type Tokens } from '../../../test-support/auth';
import { nestRoutes, PUBLIC_ROUTES } from '../../../test-support/routes';
import { Authenticator } from '../../../test-support/totp';

/**
 * AC-02: the role × endpoint × method matrix. Every route of the app (enumerated from the Nest module
 * graph at test time, as in the AC-01 route inventory) has a row here giving the expected status for
 * each of the four roles, with a valid bearer token. A route without a row fails the test by name.
 *
 * Each row builds its own request for the calling role: real ids, and fresh fixtures where the call
 * mutates state (the role deletes its *own* fixture owned by someone else), so the only thing that
 * varies between the cells of a row is the caller's role. Expected values are 2xx vs 403, and 404
 * for another user's private meeting, which exists only for its creator and ADMINs (AC-03).
 */

const ROLES = ['ADMIN', 'PROJET', 'DEV', 'OPS'] as const satisfies readonly Role[];
type R = (typeof ROLES)[number];

/** Every "METHOD /path" of every controller of the app, with whether it is @Public(). */
function routesOf(t: TestApp): { key: string; isPublic: boolean }[] {
  return nestRoutes(t.app).map((r) => ({ key: r.key, isPublic: r.isPublic }));
}

const FROM = '2026-03-01T00:00:00Z';
const TO = '2026-03-31T00:00:00Z';
const meeting = {
  title: 'Matrix daily',
  start: '2026-03-02T09:00:00Z',
  end: '2026-03-02T09:15:00Z',
  type: 'meeting',
  extra: { subtype: 'daily', link: 'https://meet.example.org/daily', notes: 'standup' },
};
const deployment = {
  title: 'Matrix release',
  start: '2026-03-03T20:00:00Z',
  end: '2026-03-03T22:00:00Z',
  type: 'deployment_window',
  extra: { environment: 'staging', services: ['api'] },
};
const prodWindow = {
  ...deployment,
  title: 'Matrix prod release',
  start: '2026-03-10T20:00:00Z',
  end: '2026-03-10T22:00:00Z',
  extra: { environment: 'prod', services: ['api'] },
};
const gitAction = {
  title: 'Matrix fetch',
  start: '2026-03-02T12:00:00Z',
  end: '2026-03-02T12:05:00Z',
  type: 'git_action',
  extra: { repo_url: 'https://git.example.org/team/app.git', branch: 'main', action: 'fetch' },
};
const privateMeeting = { ...meeting, title: 'Matrix 1:1', extra: { subtype: 'other', private: true } };
const hiddenFromNonAdmins = (ok: number): Record<R, number> => ({
  ADMIN: ok,
  PROJET: 404,
  DEV: 404,
  OPS: 404,
});
/** An event type each role may create (its "own" fixture). */
const OWN_TYPE: Record<R, object> = { ADMIN: meeting, PROJET: meeting, DEV: gitAction, OPS: deployment };
const freeze = {
  environment: 'dev',
  start: '2027-12-20T00:00:00Z',
  end: '2028-01-04T00:00:00Z',
  reason: 'matrix freeze',
};

const all = (status: number): Record<R, number> => ({
  ADMIN: status,
  PROJET: status,
  DEV: status,
  OPS: status,
});
const adminOnly = (ok: number): Record<R, number> => ({ ADMIN: ok, PROJET: 403, DEV: 403, OPS: 403 });

interface Row {
  /** "METHOD /route/:pattern" exactly as the app declares it. */
  route: string;
  /** What the row's request exercises, when a route has several rows. */
  variant?: string;
  expect: Record<R, number>;
  call: (role: R) => Promise<request.Response>;
}

describe('AC-02: role × endpoint × method matrix (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const users = {} as Record<R, { id: string; tokens: Tokens }>;
  /** A PROJET who owns the "someone else's" fixtures; never one of the callers. */
  let owner: { id: string; tokens: Tokens };
  const ownEvents = {} as Record<R, string>;
  let othersEvent: string;
  let othersPrivateMeeting: string;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}`;
  const bearer = (tokens: Tokens) => ({ Authorization: `Bearer ${tokens.access}` });
  const as = (role: R) => bearer(users[role].tokens);

  async function person(role: Role, prefix = 'mx-user'): Promise<{ id: string; tokens: Tokens }> {
    const name = unique(prefix);
    const { id } = await seedUser(t.app, name, role);
    return { id, tokens: await login(t.app, name) };
  }

  async function eventOf(who: { tokens: Tokens }, body: object): Promise<string> {
    const res = await http().post('/events').set(bearer(who.tokens)).send(body);
    if (res.status !== 201) throw new Error(`fixture event: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  /** A fresh user of `role` with 2FA enabled through the API. */
  async function enrolled(role: R) {
    const user = await person(role, 'mx-tfa');
    const setup = await http().post('/2fa/setup').set(bearer(user.tokens));
    if (setup.status !== 200) throw new Error(`2fa setup: ${setup.status}`);
    const app = Authenticator.fromUrl(setup.body.otpauth_url as string);
    const enable = await http().post('/2fa/enable').set(bearer(user.tokens)).send({ code: app.next() });
    if (enable.status !== 200) throw new Error(`2fa enable: ${enable.status}`);
    return { ...user, app, backupCodes: enable.body.backup_codes as string[] };
  }

  const rows: Row[] = [
    // --- users ---
    { route: 'GET /users/me', expect: all(200), call: (r) => http().get('/users/me').set(as(r)) },
    { route: 'GET /users', expect: all(200), call: (r) => http().get('/users').set(as(r)) },
    {
      route: 'POST /users',
      expect: adminOnly(201),
      call: (r) =>
        http()
          .post('/users')
          .set(as(r))
          .send({
            username: unique(`mx-new-${r.toLowerCase()}`),
            password: 'correct horse battery staple',
            role: 'DEV',
          }),
    },
    {
      route: 'PATCH /users/:id',
      variant: 'own account, email',
      expect: all(200),
      call: (r) =>
        http()
          .patch(`/users/${users[r].id}`)
          .set(as(r))
          .send({ email: `${unique('own')}@example.org` }),
    },
    {
      route: 'PATCH /users/:id',
      variant: "another user's email",
      expect: adminOnly(200),
      call: (r) =>
        http()
          .patch(`/users/${owner.id}`)
          .set(as(r))
          .send({ email: `${unique('other')}@example.org` }),
    },
    {
      route: 'DELETE /users/:id',
      variant: 'a fresh victim per role',
      expect: adminOnly(204),
      call: async (r) => {
        const victim = await person('DEV', 'mx-victim');
        return http().delete(`/users/${victim.id}`).set(as(r));
      },
    },
    {
      route: 'GET /users/:id/sessions',
      variant: 'own id',
      expect: all(200),
      call: (r) => http().get(`/users/${users[r].id}/sessions`).set(as(r)),
    },
    {
      route: 'GET /users/:id/sessions',
      variant: "another user's id",
      expect: adminOnly(200),
      call: (r) => http().get(`/users/${owner.id}/sessions`).set(as(r)),
    },
    {
      route: 'DELETE /users/:id/sessions/:sessionId',
      variant: "a fresh victim's session",
      expect: adminOnly(204),
      call: async (r) => {
        const victim = await person('DEV', 'mx-victim');
        const list = await http().get(`/users/${victim.id}/sessions`).set(bearer(victim.tokens));
        const sid = (list.body as { id: string }[])[0]!.id;
        return http().delete(`/users/${victim.id}/sessions/${sid}`).set(as(r));
      },
    },
    {
      route: 'DELETE /users/:id/sessions',
      variant: "a fresh victim's sessions",
      expect: adminOnly(204),
      call: async (r) => {
        const victim = await person('DEV', 'mx-victim');
        return http().delete(`/users/${victim.id}/sessions`).set(as(r));
      },
    },
    {
      route: 'POST /users/:id/unlock',
      expect: adminOnly(204),
      call: (r) => http().post(`/users/${owner.id}/unlock`).set(as(r)),
    },
    // --- two-factor (own account: every role may manage its own 2FA; fresh users per cell) ---
    {
      route: 'POST /2fa/setup',
      expect: all(200),
      call: async (r) => {
        const u = await person(r, 'mx-tfa');
        return http().post('/2fa/setup').set(bearer(u.tokens));
      },
    },
    {
      route: 'POST /2fa/enable',
      expect: all(200),
      call: async (r) => {
        const u = await person(r, 'mx-tfa');
        const setup = await http().post('/2fa/setup').set(bearer(u.tokens));
        const app = Authenticator.fromUrl(setup.body.otpauth_url as string);
        return http().post('/2fa/enable').set(bearer(u.tokens)).send({ code: app.next() });
      },
    },
    {
      route: 'DELETE /2fa/disable',
      expect: all(200),
      call: async (r) => {
        const u = await enrolled(r);
        return http().delete('/2fa/disable').set(bearer(u.tokens)).send({ code: u.app.next() });
      },
    },
    {
      route: 'POST /2fa/backup-codes',
      expect: all(200),
      call: async (r) => {
        const u = await enrolled(r);
        return http().post('/2fa/backup-codes').set(bearer(u.tokens)).send({ code: u.app.next() });
      },
    },
    { route: 'GET /2fa/status', expect: all(200), call: (r) => http().get('/2fa/status').set(as(r)) },
    {
      route: 'GET /2fa/status/:user_id',
      variant: 'own id',
      expect: all(200),
      call: (r) => http().get(`/2fa/status/${users[r].id}`).set(as(r)),
    },
    {
      route: 'GET /2fa/status/:user_id',
      variant: "another user's id",
      expect: adminOnly(200),
      call: (r) => http().get(`/2fa/status/${owner.id}`).set(as(r)),
    },
    {
      route: 'DELETE /users/:user_id/2fa',
      variant: 'a fresh enrolled victim',
      expect: adminOnly(204),
      call: async (r) => {
        const victim = await enrolled('DEV');
        return http().delete(`/users/${victim.id}/2fa`).set(as(r));
      },
    },
    // --- events ---
    {
      route: 'GET /events',
      expect: all(200),
      call: (r) => http().get('/events').query({ from: FROM, to: TO }).set(as(r)),
    },
    {
      route: 'GET /events/conflicts',
      expect: all(200),
      call: (r) => http().get('/events/conflicts').query({ from: FROM, to: TO }).set(as(r)),
    },
    {
      route: 'GET /events/:id',
      variant: "another user's event",
      expect: all(200),
      call: (r) => http().get(`/events/${othersEvent}`).set(as(r)),
    },
    {
      route: 'GET /events/:id',
      variant: "another user's private meeting",
      expect: hiddenFromNonAdmins(200),
      call: (r) => http().get(`/events/${othersPrivateMeeting}`).set(as(r)),
    },
    {
      route: 'POST /events',
      variant: 'deployment_window',
      expect: { ADMIN: 201, PROJET: 201, DEV: 403, OPS: 201 },
      call: (r) => http().post('/events').set(as(r)).send(deployment),
    },
    {
      route: 'POST /events',
      variant: 'meeting',
      expect: { ADMIN: 201, PROJET: 201, DEV: 403, OPS: 403 },
      call: (r) => http().post('/events').set(as(r)).send(meeting),
    },
    {
      route: 'POST /events',
      variant: 'git_action',
      expect: { ADMIN: 201, PROJET: 201, DEV: 201, OPS: 403 },
      call: (r) => http().post('/events').set(as(r)).send(gitAction),
    },
    {
      route: 'PATCH /events/:id',
      variant: 'own event',
      expect: all(200),
      call: (r) =>
        http()
          .patch(`/events/${ownEvents[r]}`)
          .set(as(r))
          .send({ title: unique('renamed') }),
    },
    {
      route: 'PATCH /events/:id',
      variant: "another user's event",
      expect: adminOnly(200),
      call: (r) =>
        http()
          .patch(`/events/${othersEvent}`)
          .set(as(r))
          .send({ title: unique('renamed') }),
    },
    {
      route: 'PATCH /events/:id',
      variant: "another user's private meeting",
      expect: hiddenFromNonAdmins(200),
      call: (r) =>
        http()
          .patch(`/events/${othersPrivateMeeting}`)
          .set(as(r))
          .send({ title: unique('renamed') }),
    },
    {
      route: 'DELETE /events/:id',
      variant: 'a fresh own event',
      expect: all(204),
      call: async (r) =>
        http()
          .delete(`/events/${await eventOf(users[r], OWN_TYPE[r])}`)
          .set(as(r)),
    },
    {
      route: 'DELETE /events/:id',
      variant: 'a fresh event of another user',
      expect: adminOnly(204),
      call: async (r) =>
        http()
          .delete(`/events/${await eventOf(owner, meeting)}`)
          .set(as(r)),
    },
    {
      route: 'DELETE /events/:id',
      variant: 'a fresh private meeting of another user',
      expect: hiddenFromNonAdmins(204),
      call: async (r) =>
        http()
          .delete(`/events/${await eventOf(owner, privateMeeting)}`)
          .set(as(r)),
    },
    {
      route: 'POST /events/:id/approve',
      variant: 'a fresh pending prod window of another user',
      expect: adminOnly(200),
      call: async (r) =>
        http()
          .post(`/events/${await eventOf(owner, prodWindow)}/approve`)
          .set(as(r))
          .send({ comment: 'ok' }),
    },
    {
      // DEV may not create deployment windows, so DEV's cell uses another user's window (still 403).
      route: 'POST /events/:id/approve',
      variant: 'own pending prod window',
      expect: all(403),
      call: async (r) => {
        const creator = r === 'DEV' ? owner : users[r];
        return http()
          .post(`/events/${await eventOf(creator, prodWindow)}/approve`)
          .set(as(r))
          .send({ comment: 'ok' });
      },
    },
    {
      route: 'POST /events/:id/reject',
      variant: 'a fresh pending prod window of another user',
      expect: adminOnly(200),
      call: async (r) =>
        http()
          .post(`/events/${await eventOf(owner, prodWindow)}/reject`)
          .set(as(r))
          .send({ comment: 'not now' }),
    },
    {
      // As for approve: DEV's cell uses another user's window (DEV cannot create one).
      route: 'POST /events/:id/reject',
      variant: 'own pending prod window',
      expect: all(403),
      call: async (r) => {
        const creator = r === 'DEV' ? owner : users[r];
        return http()
          .post(`/events/${await eventOf(creator, prodWindow)}/reject`)
          .set(as(r))
          .send({ comment: 'not now' });
      },
    },
    // --- freezes ---
    {
      route: 'GET /freezes',
      expect: all(200),
      call: (r) => http().get('/freezes').set(as(r)),
    },
    {
      route: 'POST /freezes',
      expect: adminOnly(201),
      call: (r) => http().post('/freezes').set(as(r)).send(freeze),
    },
    {
      route: 'DELETE /freezes/:id',
      variant: 'a fresh freeze',
      expect: adminOnly(204),
      call: async (r) => {
        const created = await http().post('/freezes').set(as('ADMIN')).send(freeze);
        if (created.status !== 201) throw new Error(`fixture freeze: ${created.status}`);
        return http()
          .delete(`/freezes/${created.body.id as string}`)
          .set(as(r));
      },
    },
    // --- calendar feed tokens (own) ---
    {
      route: 'POST /calendar/feed-token',
      expect: all(201),
      call: (r) => http().post('/calendar/feed-token').set(as(r)),
    },
    {
      route: 'DELETE /calendar/feed-token',
      expect: all(204),
      call: (r) => http().delete('/calendar/feed-token').set(as(r)),
    },
    // --- git actions (contract: ADMIN and DEV; DEV only their own) ---
    {
      route: 'POST /git_action',
      variant: 'callers without 2FA: ADMIN and DEV need it (GIT-07), others may not run at all',
      expect: all(403),
      call: (r) => http().post('/git_action').set(as(r)).send({ event_id: ownEvents.DEV }),
    },
    {
      route: 'GET /git_action/runs',
      expect: { ADMIN: 200, PROJET: 403, DEV: 200, OPS: 403 },
      call: (r) => http().get(`/git_action/runs?event_id=${ownEvents.DEV}`).set(as(r)),
    },
    {
      route: 'GET /git_action/runs/:runId',
      variant: 'no such run',
      expect: { ADMIN: 404, PROJET: 403, DEV: 404, OPS: 403 },
      call: (r) => http().get(`/git_action/runs/${newId()}`).set(as(r)),
    },
    // --- notifications (own) ---
    {
      route: 'GET /notifications',
      expect: all(200),
      call: (r) => http().get('/notifications').set(as(r)),
    },
    {
      route: 'POST /notifications/read',
      expect: all(200),
      call: (r) => http().post('/notifications/read').set(as(r)),
    },
    {
      route: 'POST /notifications/:id/read',
      variant: 'not theirs or missing',
      expect: all(404),
      call: (r) => http().post(`/notifications/${newId()}/read`).set(as(r)),
    },
    // --- audit ---
    {
      route: 'GET /audit',
      expect: adminOnly(200),
      call: (r) => http().get('/audit').set(as(r)),
    },
  ];

  const cells = rows.flatMap((row) =>
    ROLES.map((role) => ({
      name: `${role} ${row.route}${row.variant ? ` (${row.variant})` : ''} → ${row.expect[role]}`,
      role,
      row,
    })),
  );

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
      GIT_ALLOWED_HOSTS: 'git.example.org',
    });
    for (const role of ROLES) users[role] = await person(role, `mx-${role.toLowerCase()}`);
    owner = await person('PROJET', 'mx-owner');
    for (const role of ROLES) ownEvents[role] = await eventOf(users[role], OWN_TYPE[role]);
    othersEvent = await eventOf(owner, meeting);
    othersPrivateMeeting = await eventOf(owner, privateMeeting);
  });
  afterAll(() => t.close());

  it('AC-02: every route of the app has a row in the matrix (or is listed as public)', () => {
    const routes = routesOf(t);
    const covered = new Set(rows.map((r) => r.route));
    const missing = routes
      .filter((r) => !PUBLIC_ROUTES.has(r.key) && !covered.has(r.key))
      .map((r) => `${r.key} has no row in the AC-02 role matrix`);
    const wronglyPublic = routes
      .filter((r) => PUBLIC_ROUTES.has(r.key) !== r.isPublic)
      .map((r) => `${r.key}: @Public() is ${r.isPublic}, the matrix says ${PUBLIC_ROUTES.has(r.key)}`);
    const keys = new Set(routes.map((r) => r.key));
    const stale = [...covered, ...PUBLIC_ROUTES]
      .filter((k) => !keys.has(k))
      .map((k) => `${k} is in the matrix but not served`);
    expect([...missing, ...wronglyPublic, ...stale]).toEqual([]);
  });

  it.each(cells)('AC-02: $name', async ({ role, row }) => {
    const res = await row.call(role);
    if (res.status !== row.expect[role])
      throw new Error(
        `${role} ${row.route}${row.variant ? ` (${row.variant})` : ''}: expected ${row.expect[role]}, got ${res.status} ${JSON.stringify(res.body)}`,
      );
    expect(res.status).toBe(row.expect[role]);
  });
});
