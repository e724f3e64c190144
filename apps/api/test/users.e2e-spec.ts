import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, PASSWORD, type SeededUser, seedUser, type Tokens } from '../../../test-support/auth';

/**
 * Users endpoints of the API contract, plus AC-04 (mass assignment, no secrets in responses),
 * AC-05 (self-escalation, last ADMIN), AC-06 / LOG-03 (denials and logins are audited).
 */

const NO_RATE_LIMITS = {
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
  RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
  RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
};

const STRONG_PASSWORD = 'plum-orbit-cactus-lantern-42';
const NEW_PASSWORD = 'violet-harbor-engine-quartz-7';

const USER_KEYS = ['created_at', 'email', 'id', 'is_active', 'role', 'totp_enabled', 'username'];
const SUMMARY_KEYS = ['id', 'role', 'username'];

/** Keys no response may carry (AC-04); `refresh_token` only where the contract returns one. */
const FORBIDDEN_KEYS = [
  'password',
  'passwordHash',
  'password_hash',
  'current_password',
  'totpSecret',
  'totp_secret',
  'backupCodes',
  'backup_codes',
  'refreshToken',
  'refresh_token',
  'refreshTokenHash',
  'refresh_token_hash',
  'vault_path',
  'vaultPath',
];
const REFRESH_ROUTES = new Set(['POST /login', 'POST /2fa/verify', 'POST /token/refresh']);

interface Seen {
  route: string;
  status: number;
  text: string;
}

interface AuditRow {
  id: string;
  action: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

function keysOf(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sortedKeys(value: unknown): string[] {
  return Object.keys(value as Record<string, unknown>).sort();
}

function bearer(tokens: Tokens): string {
  return `Bearer ${tokens.access}`;
}

async function auditMark(t: TestApp): Promise<number> {
  const rows = (await t.app.get(DataSource).query('SELECT coalesce(max(id), 0) AS max FROM audit_log')) as {
    max: string;
  }[];
  return Number(rows[0]?.max ?? 0);
}

async function auditSince(t: TestApp, mark: number, action: string): Promise<AuditRow[]> {
  return (await t.app
    .get(DataSource)
    .query(
      'SELECT id, action, actor_id, target_type, target_id, ip, details FROM audit_log WHERE id > $1 AND action = $2 ORDER BY id',
      [mark, action],
    )) as AuditRow[];
}

interface UserRow {
  username: string;
  email: string | null;
  role: string;
  is_active: boolean;
  password_hash: string;
}

async function userRow(t: TestApp, id: string): Promise<UserRow | undefined> {
  const rows = (await t.app
    .get(DataSource)
    .query('SELECT username, email, role, is_active, password_hash FROM users WHERE id = $1', [
      id,
    ])) as UserRow[];
  return rows[0];
}

async function countUsersNamed(t: TestApp, username: string): Promise<number> {
  const rows = (await t.app
    .get(DataSource)
    .query('SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1)', [username])) as {
    n: number;
  }[];
  return rows[0]?.n ?? 0;
}

/** Supertest against the app, recording every response for the AC-04 scan. */
function tracked(t: () => TestApp, seen: Seen[]) {
  const wrap =
    (method: 'get' | 'post' | 'patch' | 'delete' | 'put') =>
    (url: string): request.Test => {
      const test = request(t().app.getHttpServer())[method](url);
      test.on('response', (res: request.Response) => {
        const path = url.split('?')[0] ?? url;
        seen.push({ route: `${method.toUpperCase()} ${path}`, status: res.status, text: res.text ?? '' });
      });
      return test;
    };
  return {
    get: wrap('get'),
    post: wrap('post'),
    patch: wrap('patch'),
    delete: wrap('delete'),
    put: wrap('put'),
  };
}

function expectNoSecrets(seen: Seen[], refreshTokens: Set<string>, plaintext: string[]): void {
  expect(seen.length).toBeGreaterThan(10);
  const problems: string[] = [];
  for (const r of seen) {
    const keys = keysOf(parse(r.text));
    for (const key of FORBIDDEN_KEYS) {
      if (key === 'refresh_token' && REFRESH_ROUTES.has(r.route) && r.status === 200) continue;
      if (keys.has(key)) problems.push(`${r.route} (${r.status}) has key ${key}`);
    }
    if (/\$argon2|\$2[aby]\$/.test(r.text)) problems.push(`${r.route} (${r.status}) carries a password hash`);
    for (const token of refreshTokens) {
      if (!REFRESH_ROUTES.has(r.route) && r.text.includes(token))
        problems.push(`${r.route} (${r.status}) carries a refresh token`);
    }
    for (const secret of plaintext) {
      if (r.text.includes(secret)) problems.push(`${r.route} (${r.status}) echoes a password`);
    }
  }
  expect(problems).toEqual([]);
}

describe('Users (e2e)', () => {
  let t: TestApp;
  let admin: SeededUser;
  let dev: SeededUser;
  let ops: SeededUser;
  let projet: SeededUser;
  let adminTokens: Tokens;
  let devTokens: Tokens;
  let opsTokens: Tokens;
  let projetTokens: Tokens;
  const seen: Seen[] = [];
  const refreshTokens = new Set<string>();
  const http = tracked(() => t, seen);

  async function signIn(username: string, password = PASSWORD): Promise<Tokens> {
    const tokens = await login(t.app, username, password);
    refreshTokens.add(tokens.refresh);
    return tokens;
  }

  beforeAll(async () => {
    t = await createTestApp(NO_RATE_LIMITS);
    admin = await seedUser(t.app, 'root-admin', 'ADMIN');
    dev = await seedUser(t.app, 'dana', 'DEV');
    ops = await seedUser(t.app, 'otto', 'OPS');
    projet = await seedUser(t.app, 'pia', 'PROJET');
    adminTokens = await signIn(admin.username);
    devTokens = await signIn(dev.username);
    opsTokens = await signIn(ops.username);
    projetTokens = await signIn(projet.username);
  });
  afterAll(() => t.close());

  describe('GET /users', () => {
    it('Users: GET /users as a non-ADMIN returns only id, username and role', async () => {
      for (const tokens of [devTokens, opsTokens, projetTokens]) {
        const res = await http.get('/users').set('Authorization', bearer(tokens));
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body)).toBe(true);
        const list = res.body as Record<string, unknown>[];
        expect(list.map((u) => u.id)).toEqual(expect.arrayContaining([admin.id, dev.id, ops.id, projet.id]));
        for (const u of list) expect(sortedKeys(u)).toEqual(SUMMARY_KEYS);
        expect(list.find((u) => u.id === admin.id)).toEqual({
          id: admin.id,
          username: admin.username,
          role: 'ADMIN',
        });
      }
    });

    it('Users: GET /users as ADMIN also returns email, totp_enabled, is_active, created_at', async () => {
      const res = await http.get('/users').set('Authorization', bearer(adminTokens));
      expect(res.status).toBe(200);
      const list = res.body as Record<string, unknown>[];
      for (const u of list) expect(sortedKeys(u)).toEqual(USER_KEYS);
      const dana = list.find((u) => u.id === dev.id);
      expect(dana).toMatchObject({
        id: dev.id,
        username: 'dana',
        email: 'dana@example.org',
        role: 'DEV',
        totp_enabled: false,
        is_active: true,
      });
      expect(dana?.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    });

    it('Users: GET /users and GET /users/me without credentials → 401', async () => {
      expect((await http.get('/users')).status).toBe(401);
      expect((await http.get('/users/me')).status).toBe(401);
    });

    it('Users: GET /users/me returns the caller as a User', async () => {
      const res = await http.get('/users/me').set('Authorization', bearer(devTokens));
      expect(res.status).toBe(200);
      expect(sortedKeys(res.body)).toEqual(USER_KEYS);
      expect(res.body).toMatchObject({ id: dev.id, username: 'dana', role: 'DEV' });
    });
  });

  describe('POST /users', () => {
    it('Users: POST /users by ADMIN → 201 User, and the new user can log in', async () => {
      const res = await http
        .post('/users')
        .set('Authorization', bearer(adminTokens))
        .send({ username: 'new-dev', email: 'new-dev@example.org', password: STRONG_PASSWORD, role: 'DEV' });
      expect(res.status).toBe(201);
      expect(sortedKeys(res.body)).toEqual(USER_KEYS);
      expect(res.body).toMatchObject({
        username: 'new-dev',
        email: 'new-dev@example.org',
        role: 'DEV',
        totp_enabled: false,
        is_active: true,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      const row = await userRow(t, res.body.id as string);
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      expect(row?.password_hash).not.toContain(STRONG_PASSWORD);
      await signIn('new-dev', STRONG_PASSWORD);
    });

    it('Users: POST /users without email → 201 with email null', async () => {
      const res = await http
        .post('/users')
        .set('Authorization', bearer(adminTokens))
        .send({ username: 'no-mail', password: STRONG_PASSWORD, role: 'OPS' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ username: 'no-mail', email: null, role: 'OPS' });
    });

    it('Users: POST /users by a non-ADMIN → 403 and nothing is created', async () => {
      for (const [i, tokens] of [devTokens, opsTokens, projetTokens].entries()) {
        const username = `sneaky-${i}`;
        const res = await http
          .post('/users')
          .set('Authorization', bearer(tokens))
          .send({ username, password: STRONG_PASSWORD, role: 'ADMIN' });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        expect(String(res.body.message)).toMatch(/ADMIN/);
        expect(await countUsersNamed(t, username)).toBe(0);
      }
    });

    it('AC-06: a DEV calling POST /users is audited as access_denied (actor, route, decision, ip)', async () => {
      const mark = await auditMark(t);
      const res = await http
        .post('/users')
        .set('Authorization', bearer(devTokens))
        .send({ username: 'sneaky-audit', password: STRONG_PASSWORD, role: 'DEV' });
      expect(res.status).toBe(403);
      const rows = await auditSince(t, mark, 'access_denied');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor_id).toBe(dev.id);
      expect(rows[0]?.ip).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(rows[0]?.details)).toMatch(/POST \/users/);
    });

    it('Users: POST /users with a taken username (in another case) → 409', async () => {
      for (const username of ['dana', 'DANA', 'Dana', 'Root-Admin']) {
        const res = await http
          .post('/users')
          .set('Authorization', bearer(adminTokens))
          .send({ username, password: STRONG_PASSWORD, role: 'DEV' });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
      expect(await countUsersNamed(t, 'dana')).toBe(1);
    });

    it('Users: POST /users with a weak password → 400 (< 12 characters, common password)', async () => {
      const weak = [
        'short-pw-11', // 11 characters
        'Abc1!',
        'leavemealone', // 12 characters, in the common-password list
        'password1234',
        'qwerty123456',
      ];
      for (const password of weak) {
        const res = await http
          .post('/users')
          .set('Authorization', bearer(adminTokens))
          .send({ username: 'weakling-user', password, role: 'DEV' });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      expect(await countUsersNamed(t, 'weakling-user')).toBe(0);
    });

    it('Users: POST /users with an invalid body → 400', async () => {
      const bodies: Record<string, unknown>[] = [
        {},
        { username: 'bad-role', password: STRONG_PASSWORD, role: 'ROOT' },
        { username: 'bad-role', password: STRONG_PASSWORD, role: 'admin' },
        { username: 'no-pass', role: 'DEV' },
        { username: 'bad-mail', email: 'not-an-email', password: STRONG_PASSWORD, role: 'DEV' },
        { username: 'x', password: STRONG_PASSWORD, role: 'DEV' },
        { username: 'bad name; drop', password: STRONG_PASSWORD, role: 'DEV' },
        { username: 'long-pass', password: 'p'.repeat(2000), role: 'DEV' },
      ];
      for (const body of bodies) {
        const res = await http.post('/users').set('Authorization', bearer(adminTokens)).send(body);
        expect(res.status).toBe(400);
      }
    });

    it('AC-04: POST /users with mass-assignment fields (ownerId, totpEnabled, is_active, …) → 400', async () => {
      const extras: Record<string, unknown>[] = [
        { ownerId: admin.id },
        { totpEnabled: true },
        { totp_enabled: true },
        { is_active: false },
        { isActive: false },
        { id: randomUUID() },
        { created_at: '2020-01-01T00:00:00Z' },
        { createdAt: '2020-01-01T00:00:00Z' },
        { password_hash: '$argon2id$v=19$m=65536,t=3,p=4$abc$def' },
        { passwordHash: 'x' },
        { approvedBy: admin.id },
        { status: 'approved' },
      ];
      for (const [i, extra] of extras.entries()) {
        const username = `mass-${i}`;
        const res = await http
          .post('/users')
          .set('Authorization', bearer(adminTokens))
          .send({ username, password: STRONG_PASSWORD, role: 'DEV', ...extra });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toContain(
          `property ${Object.keys(extra)[0]} should not exist`,
        );
        expect(await countUsersNamed(t, username)).toBe(0);
      }
    });
  });

  describe('PATCH /users/:id', () => {
    it('Users: PATCH of one’s own email → 200 User', async () => {
      const user = await seedUser(t.app, 'mail-changer', 'DEV');
      const tokens = await signIn(user.username);
      const res = await http
        .patch(`/users/${user.id}`)
        .set('Authorization', bearer(tokens))
        .send({ email: 'new-address@example.org' });
      expect(res.status).toBe(200);
      expect(sortedKeys(res.body)).toEqual(USER_KEYS);
      expect(res.body).toMatchObject({ id: user.id, email: 'new-address@example.org', role: 'DEV' });
      expect((await userRow(t, user.id))?.email).toBe('new-address@example.org');
    });

    it('AC-05: PATCH of one’s own role (or is_active) → 403, nothing changes', async () => {
      const user = await seedUser(t.app, 'climber', 'DEV');
      const tokens = await signIn(user.username);
      for (const body of [
        { role: 'ADMIN' },
        { role: 'ADMIN', email: 'climber2@example.org' },
        { is_active: true },
      ]) {
        const res = await http.patch(`/users/${user.id}`).set('Authorization', bearer(tokens)).send(body);
        expect(res.status).toBe(403);
      }
      const row = await userRow(t, user.id);
      expect(row?.role).toBe('DEV');
      expect(row?.email).toBe('climber@example.org');
      // The `/users/me` form of the requirement: not a UUID, so refused too.
      const me = await http.patch('/users/me').set('Authorization', bearer(tokens)).send({ role: 'ADMIN' });
      expect([400, 403, 404]).toContain(me.status);
      expect((await userRow(t, user.id))?.role).toBe('DEV');
    });

    it('AC-04: PATCH with mass-assignment fields (totpEnabled, ownerId, username, …) → 400', async () => {
      const user = await seedUser(t.app, 'assigner', 'DEV');
      const tokens = await signIn(user.username);
      const extras: Record<string, unknown>[] = [
        { totpEnabled: true },
        { totp_enabled: true },
        { ownerId: admin.id },
        { username: 'renamed' },
        { id: randomUUID() },
        { created_at: '2020-01-01T00:00:00Z' },
        { password_hash: 'x' },
        { role: 'DEV', isAdmin: true },
      ];
      for (const extra of extras) {
        const res = await http
          .patch(`/users/${user.id}`)
          .set('Authorization', bearer(tokens))
          .send({ email: 'assigner2@example.org', ...extra });
        expect(res.status).toBe(400);
      }
      const row = await userRow(t, user.id);
      expect(row).toMatchObject({ username: 'assigner', email: 'assigner@example.org', role: 'DEV' });
    });

    it('Users: ADMIN PATCH of role, is_active and email → 200', async () => {
      const user = await seedUser(t.app, 'promoted', 'DEV');
      const role = await http
        .patch(`/users/${user.id}`)
        .set('Authorization', bearer(adminTokens))
        .send({ role: 'OPS' });
      expect(role.status).toBe(200);
      expect(role.body).toMatchObject({ id: user.id, role: 'OPS' });
      const email = await http
        .patch(`/users/${user.id}`)
        .set('Authorization', bearer(adminTokens))
        .send({ email: 'promoted-new@example.org' });
      expect(email.status).toBe(200);
      expect(email.body.email).toBe('promoted-new@example.org');
      const inactive = await http
        .patch(`/users/${user.id}`)
        .set('Authorization', bearer(adminTokens))
        .send({ is_active: false });
      expect(inactive.status).toBe(200);
      expect(inactive.body.is_active).toBe(false);
      expect(await userRow(t, user.id)).toMatchObject({
        role: 'OPS',
        email: 'promoted-new@example.org',
        is_active: false,
      });
      // Deactivated: no more login.
      const signInRes = await http.post('/login').send({ username: user.username, password: PASSWORD });
      expect(signInRes.status).toBe(401);
      const back = await http
        .patch(`/users/${user.id}`)
        .set('Authorization', bearer(adminTokens))
        .send({ is_active: true });
      expect(back.status).toBe(200);
      expect(back.body.is_active).toBe(true);
    });

    it('Users: PATCH of another user by a non-ADMIN → 403, nothing changes', async () => {
      const target = await seedUser(t.app, 'victim', 'OPS');
      for (const body of [{ email: 'owned@example.org' }, { role: 'DEV' }, { is_active: false }]) {
        for (const tokens of [devTokens, opsTokens, projetTokens]) {
          const res = await http.patch(`/users/${target.id}`).set('Authorization', bearer(tokens)).send(body);
          expect(res.status).toBe(403);
        }
      }
      expect(await userRow(t, target.id)).toMatchObject({
        email: 'victim@example.org',
        role: 'OPS',
        is_active: true,
      });
    });

    it('AC-06: an object-level denial (a DEV patching another user) is audited as access_denied with the target id', async () => {
      const target = await seedUser(t.app, 'victim-audit', 'OPS');
      const mark = await auditMark(t);
      const res = await http
        .patch(`/users/${target.id}`)
        .set('Authorization', bearer(devTokens))
        .send({ email: 'owned@example.org' });
      expect(res.status).toBe(403);
      const rows = await auditSince(t, mark, 'access_denied');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor_id).toBe(dev.id);
      expect(JSON.stringify(rows[0])).toContain(target.id);
    });

    it('LOG-06: an ADMIN changing a role and deactivating a user leaves typed audit events with actor and target', async () => {
      const target = await seedUser(t.app, 'promoted-audit', 'DEV');
      const mark = await auditMark(t);
      const auth = { Authorization: bearer(adminTokens) };
      expect((await http.patch(`/users/${target.id}`).set(auth).send({ role: 'OPS' })).status).toBe(200);
      expect((await http.delete(`/users/${target.id}`).set(auth)).status).toBe(204);
      for (const [action, details] of [
        ['user_role_changed', { role: 'OPS' }],
        ['user_deactivated', {}],
      ] as const) {
        const rows = await auditSince(t, mark, action);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          actor_id: admin.id,
          target_type: 'user',
          target_id: target.id,
          details,
        });
      }
    });

    it('Users: a password change needs the right current_password; it revokes the user’s refresh tokens', async () => {
      const user = await seedUser(t.app, 'rotator', 'DEV');
      const tokens = await signIn(user.username);
      const url = `/users/${user.id}`;
      const missing = await http
        .patch(url)
        .set('Authorization', bearer(tokens))
        .send({ password: NEW_PASSWORD });
      expect(missing.status).toBe(400);
      const wrong = await http
        .patch(url)
        .set('Authorization', bearer(tokens))
        .send({ password: NEW_PASSWORD, current_password: 'not-my-current-password' });
      expect(wrong.status).toBe(400);
      const weak = await http
        .patch(url)
        .set('Authorization', bearer(tokens))
        .send({ password: 'short', current_password: PASSWORD });
      expect(weak.status).toBe(400);
      // Still the old password.
      await signIn(user.username, PASSWORD);

      const ok = await http
        .patch(url)
        .set('Authorization', bearer(tokens))
        .send({ password: NEW_PASSWORD, current_password: PASSWORD });
      expect(ok.status).toBe(200);
      expect(sortedKeys(ok.body)).toEqual(USER_KEYS);

      const oldLogin = await http.post('/login').send({ username: user.username, password: PASSWORD });
      expect(oldLogin.status).toBe(401);
      await signIn(user.username, NEW_PASSWORD);
      const refresh = await http.post('/token/refresh').send({ refresh_token: tokens.refresh });
      expect(refresh.status).toBe(401);
    });

    it('Users: ADMIN cannot set another user’s password → 403', async () => {
      const user = await seedUser(t.app, 'pw-target', 'DEV');
      const res = await http
        .patch(`/users/${user.id}`)
        .set('Authorization', bearer(adminTokens))
        .send({ password: NEW_PASSWORD, current_password: PASSWORD });
      expect(res.status).toBe(403);
      await signIn(user.username, PASSWORD);
    });

    it('Users: PATCH with a non-UUID id → 400; an unknown id → 404', async () => {
      for (const id of ['not-a-uuid', '1', "1' OR '1'='1", '123e4567-e89b-12d3-a456-42661417400']) {
        const res = await http
          .patch(`/users/${encodeURIComponent(id)}`)
          .set('Authorization', bearer(adminTokens))
          .send({ email: 'x@example.org' });
        expect(res.status).toBe(400);
      }
      const unknown = await http
        .patch(`/users/${randomUUID()}`)
        .set('Authorization', bearer(adminTokens))
        .send({ email: 'x@example.org' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('DELETE /users/:id', () => {
    it('Users: DELETE by ADMIN → 204; the user is deactivated and can no longer log in', async () => {
      const user = await seedUser(t.app, 'leaver', 'DEV');
      const tokens = await signIn(user.username);
      const res = await http.delete(`/users/${user.id}`).set('Authorization', bearer(adminTokens));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const row = await userRow(t, user.id);
      expect(row?.is_active).toBe(false);
      const again = await http.post('/login').send({ username: user.username, password: PASSWORD });
      expect(again.status).toBe(401);
      expect(again.body.message).toBe('Incorrect username or password');
      expect((await http.get('/users/me').set('Authorization', bearer(tokens))).status).toBe(401);
      expect((await http.post('/token/refresh').send({ refresh_token: tokens.refresh })).status).toBe(401);
    });

    it('Users: DELETE of oneself → 403; by a non-ADMIN → 403', async () => {
      const self = await http.delete(`/users/${admin.id}`).set('Authorization', bearer(adminTokens));
      expect(self.status).toBe(403);
      expect((await userRow(t, admin.id))?.is_active).toBe(true);
      const target = await seedUser(t.app, 'stayer', 'DEV');
      for (const tokens of [devTokens, opsTokens, projetTokens]) {
        const res = await http.delete(`/users/${target.id}`).set('Authorization', bearer(tokens));
        expect(res.status).toBe(403);
      }
      const own = await http.delete(`/users/${dev.id}`).set('Authorization', bearer(devTokens));
      expect(own.status).toBe(403);
      expect((await userRow(t, target.id))?.is_active).toBe(true);
      expect((await userRow(t, dev.id))?.is_active).toBe(true);
    });

    it('Users: DELETE with a non-UUID id → 400; an unknown id → 404', async () => {
      for (const id of ['not-a-uuid', '42', '..%2Fadmin']) {
        const res = await http.delete(`/users/${id}`).set('Authorization', bearer(adminTokens));
        expect(res.status).toBe(400);
      }
      const unknown = await http.delete(`/users/${randomUUID()}`).set('Authorization', bearer(adminTokens));
      expect(unknown.status).toBe(404);
    });

    it('Users: DELETE without credentials → 401', async () => {
      expect((await http.delete(`/users/${dev.id}`)).status).toBe(401);
    });
  });

  describe('login audit', () => {
    it('LOG-03: a successful login is audited as login_succeeded with actor and ip', async () => {
      const mark = await auditMark(t);
      const res = await http
        .post('/login')
        .set('User-Agent', 'users-e2e/1.0')
        .send({ username: ops.username, password: PASSWORD });
      expect(res.status).toBe(200);
      refreshTokens.add(res.body.refresh_token as string);
      const rows = await auditSince(t, mark, 'login_succeeded');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor_id).toBe(ops.id);
      expect(rows[0]?.ip).toMatch(/127\.0\.0\.1/);
    });

    it('LOG-03: failed logins (wrong password, unknown user) are audited as login_failed with ip', async () => {
      const mark = await auditMark(t);
      const wrong = await http
        .post('/login')
        .send({ username: ops.username, password: 'wrong password here' });
      expect(wrong.status).toBe(401);
      const unknown = await http.post('/login').send({ username: 'nobody-here', password: 'whatever it is' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.message).toBe(wrong.body.message);
      const rows = await auditSince(t, mark, 'login_failed');
      expect(rows).toHaveLength(2);
      expect(rows[0]?.actor_id).toBe(ops.id);
      expect(JSON.stringify(rows[1]?.details)).toContain('nobody-here');
      for (const row of rows) expect(row.ip).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(rows)).not.toContain('wrong password here');
      expect(JSON.stringify(rows)).not.toContain('whatever it is');
    });
  });

  it('AC-04: no response body of this suite carries password hashes, secrets or refresh tokens', () => {
    expectNoSecrets(seen, refreshTokens, [PASSWORD, STRONG_PASSWORD, NEW_PASSWORD]);
  });
});

describe('Users: the last active ADMIN (e2e)', () => {
  let t: TestApp;
  let solo: SeededUser;
  let soloTokens: Tokens;
  const seen: Seen[] = [];
  const http = tracked(() => t, seen);

  beforeAll(async () => {
    t = await createTestApp(NO_RATE_LIMITS);
    solo = await seedUser(t.app, 'solo-admin', 'ADMIN');
    await seedUser(t.app, 'ghost-admin', 'ADMIN', { active: false });
    await seedUser(t.app, 'some-dev', 'DEV');
    soloTokens = await login(t.app, solo.username);
  });
  afterAll(() => t.close());

  it('AC-05: the last active ADMIN cannot be demoted or deactivated → 409', async () => {
    for (const body of [
      { role: 'DEV' },
      { role: 'OPS' },
      { is_active: false },
      { role: 'PROJET', is_active: false },
    ]) {
      const res = await http.patch(`/users/${solo.id}`).set('Authorization', bearer(soloTokens)).send(body);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    }
    expect(await userRow(t, solo.id)).toMatchObject({ role: 'ADMIN', is_active: true });
    // Still an ADMIN with a working session.
    expect((await http.get('/users').set('Authorization', bearer(soloTokens))).status).toBe(200);
  });

  it('AC-05: with a second active ADMIN, one can be demoted; the remaining one is protected again', async () => {
    const created = await http
      .post('/users')
      .set('Authorization', bearer(soloTokens))
      .send({ username: 'second-admin', password: STRONG_PASSWORD, role: 'ADMIN' });
    expect(created.status).toBe(201);
    const secondId = created.body.id as string;
    const demote = await http
      .patch(`/users/${secondId}`)
      .set('Authorization', bearer(soloTokens))
      .send({ role: 'DEV' });
    expect(demote.status).toBe(200);
    expect(demote.body.role).toBe('DEV');
    const self = await http
      .patch(`/users/${solo.id}`)
      .set('Authorization', bearer(soloTokens))
      .send({ role: 'DEV' });
    expect(self.status).toBe(409);
    expect((await userRow(t, solo.id))?.role).toBe('ADMIN');
  });

  it('AC-04: no response body of this suite carries password hashes or secrets', () => {
    expect(seen.length).toBeGreaterThan(0);
    for (const r of seen) {
      const keys = keysOf(parse(r.text));
      for (const key of FORBIDDEN_KEYS)
        expect({ route: r.route, key, present: keys.has(key) }).toMatchObject({ present: false });
      expect(r.text).not.toMatch(/\$argon2/);
      expect(r.text).not.toContain(STRONG_PASSWORD);
    }
  });
});
