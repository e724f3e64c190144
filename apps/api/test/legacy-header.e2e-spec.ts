import { randomBytes, randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConfigError, loadEnv } from '../src/config/env';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../../../test-support/app';
import { login, type SeededUser, seedUser } from '../../../test-support/auth';

/**
 * Legacy `X-User-Id` header (security-requirements H, LEG-01..LEG-06; api-contract "Legacy X-User-Id").
 * Supertest connects from 127.0.0.1 (seen by the server as 127.0.0.1 or ::ffff:127.0.0.1).
 */

const PROXY_SECRET = randomBytes(24).toString('hex'); // 48 characters
const SUNSET = '2030-06-30';
const SUNSET_HTTP_DATE = 'Sun, 30 Jun 2030 00:00:00 GMT';

const NO_RATE_LIMITS = {
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
  RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
  RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
};

const LEGACY_ON = {
  ...NO_RATE_LIMITS,
  AUTH_LEGACY_X_USER_ID: 'true',
  AUTH_LEGACY_TRUSTED_PROXIES: '127.0.0.1/32',
  AUTH_LEGACY_PROXY_SECRET: PROXY_SECRET,
  AUTH_LEGACY_SUNSET: SUNSET,
};

interface AuditRow {
  id: string;
  action: string;
  actor_id: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

async function auditMark(t: TestApp): Promise<number> {
  const rows = (await t.app.get(DataSource).query('SELECT coalesce(max(id), 0) AS max FROM audit_log')) as {
    max: string;
  }[];
  return Number(rows[0]?.max ?? 0);
}

async function auditSince(t: TestApp, mark: number, action?: string): Promise<AuditRow[]> {
  const params: unknown[] = [mark];
  let sql = 'SELECT id, action, actor_id, target_id, ip, details FROM audit_log WHERE id > $1';
  if (action) {
    sql += ' AND action = $2';
    params.push(action);
  }
  return (await t.app.get(DataSource).query(`${sql} ORDER BY id`, params)) as AuditRow[];
}

async function userEmail(t: TestApp, id: string): Promise<string | null> {
  const rows = (await t.app.get(DataSource).query('SELECT email FROM users WHERE id = $1', [id])) as {
    email: string | null;
  }[];
  return rows[0]?.email ?? null;
}

async function legacyCounter(outcome: 'accepted' | 'rejected'): Promise<number> {
  const metric = register.getSingleMetric('auth_legacy_header_total');
  if (!metric) return 0;
  const data = await metric.get();
  return data.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

function expectUnauthenticated(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  expect(res.headers['deprecation']).toBeUndefined();
  expect(JSON.stringify(res.body)).not.toMatch(/"username"/);
}

describe('Legacy X-User-Id header (e2e)', () => {
  describe('flag off (default)', () => {
    let t: TestApp;
    let dev: SeededUser;
    let admin: SeededUser;
    let other: SeededUser;
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      t = await createTestApp(NO_RATE_LIMITS);
      dev = await seedUser(t.app, 'legacy-off-dev', 'DEV');
      admin = await seedUser(t.app, 'legacy-off-admin', 'ADMIN');
      other = await seedUser(t.app, 'legacy-off-other', 'OPS');
    });
    afterAll(() => t.close());

    it('LEG-01: only X-User-Id of a valid user → 401, even with the proxy secret', async () => {
      const mark = await auditMark(t);
      for (const user of [dev, admin]) {
        for (const path of ['/users/me', '/users']) {
          expectUnauthenticated(await http().get(path).set('X-User-Id', user.id));
          expectUnauthenticated(
            await http().get(path).set('X-User-Id', user.id).set('X-Legacy-Proxy-Secret', PROXY_SECRET),
          );
        }
      }
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
    });

    it('LEG-03 (flag off): bearer + X-User-Id of the same user → 200; of another user → 401 + identity_mismatch', async () => {
      const tokens = await login(t.app, dev.username);
      const same = await http()
        .get('/users/me')
        .set('Authorization', `Bearer ${tokens.access}`)
        .set('X-User-Id', dev.id);
      expect(same.status).toBe(200);
      expect(same.body.id).toBe(dev.id);

      const mark = await auditMark(t);
      const mismatch = await http()
        .get('/users/me')
        .set('Authorization', `Bearer ${tokens.access}`)
        .set('X-User-Id', other.id);
      expectUnauthenticated(mismatch);
      const rows = await auditSince(t, mark, 'identity_mismatch');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor_id).toBe(dev.id);
    });
  });

  describe('flag on, trusted proxy 127.0.0.1/32 with the shared secret', () => {
    let t: TestApp;
    let dev: SeededUser;
    let ops: SeededUser;
    let admin: SeededUser;
    let totpUser: SeededUser;
    let inactive: SeededUser;
    const http = () => request(t.app.getHttpServer());
    const legacyGet = (path: string, userId: string) =>
      http().get(path).set('X-User-Id', userId).set('X-Legacy-Proxy-Secret', PROXY_SECRET);

    beforeAll(async () => {
      t = await createTestApp(LEGACY_ON);
      dev = await seedUser(t.app, 'legacy-dev', 'DEV');
      ops = await seedUser(t.app, 'legacy-ops', 'OPS');
      admin = await seedUser(t.app, 'legacy-admin', 'ADMIN');
      totpUser = await seedUser(t.app, 'legacy-totp', 'DEV', { totpEnabled: true });
      inactive = await seedUser(t.app, 'legacy-inactive', 'DEV', { active: false });
    });
    afterAll(() => t.close());

    it('LEG-02: accepted on GET /users/me with the right X-Legacy-Proxy-Secret', async () => {
      const res = await legacyGet('/users/me', dev.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: dev.id, username: dev.username, role: 'DEV' });
    });

    it('LEG-02: without the proxy secret → 401 and audit legacy_header_rejected', async () => {
      const mark = await auditMark(t);
      expectUnauthenticated(await http().get('/users/me').set('X-User-Id', dev.id));
      const rows = await auditSince(t, mark);
      expect(rows.map((r) => r.action)).toEqual(['legacy_header_rejected']);
      expect(rows[0]?.ip).toMatch(/127\.0\.0\.1/);
    });

    it('LEG-02: with a wrong proxy secret (same or other length) → 401 and audit legacy_header_rejected', async () => {
      const wrongSameLength = PROXY_SECRET.slice(0, -1) + (PROXY_SECRET.endsWith('a') ? 'b' : 'a');
      for (const secret of [wrongSameLength, 'short', `${PROXY_SECRET}x`, '']) {
        const mark = await auditMark(t);
        const res = await http()
          .get('/users/me')
          .set('X-User-Id', dev.id)
          .set('X-Legacy-Proxy-Secret', secret);
        expectUnauthenticated(res);
        expect((await auditSince(t, mark)).map((r) => r.action)).toEqual(['legacy_header_rejected']);
      }
    });

    it('LEG-03: bearer + X-User-Id of the same user → 200, authenticated by the bearer', async () => {
      const tokens = await login(t.app, dev.username);
      const mark = await auditMark(t);
      const res = await http()
        .get('/users/me')
        .set('Authorization', `Bearer ${tokens.access}`)
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(dev.id);
      // Bearer-authenticated: not a legacy use.
      expect(res.headers['deprecation']).toBeUndefined();
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
    });

    it('LEG-03: bearer + X-User-Id of another user → 401 + audit identity_mismatch', async () => {
      const tokens = await login(t.app, dev.username);
      const mark = await auditMark(t);
      const res = await http()
        .get('/users/me')
        .set('Authorization', `Bearer ${tokens.access}`)
        .set('X-User-Id', ops.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET);
      expectUnauthenticated(res);
      const rows = await auditSince(t, mark, 'identity_mismatch');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor_id).toBe(dev.id);
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
    });

    it('LEG-03: a bearer always wins — an invalid bearer is not rescued by a valid legacy header', async () => {
      for (const authorization of ['Bearer not.a.token', 'Bearer ', 'Basic Zm9vOmJhcg==']) {
        const res = await http()
          .get('/users/me')
          .set('Authorization', authorization)
          .set('X-User-Id', dev.id)
          .set('X-Legacy-Proxy-Secret', PROXY_SECRET);
        expectUnauthenticated(res);
      }
    });

    it('LEG-04: refused for ADMIN users and for users with totp_enabled (401, audited)', async () => {
      for (const user of [admin, totpUser]) {
        const mark = await auditMark(t);
        expectUnauthenticated(await legacyGet('/users/me', user.id));
        expectUnauthenticated(await legacyGet('/users', user.id));
        const rows = await auditSince(t, mark);
        expect(rows.map((r) => r.action)).toEqual(['legacy_header_rejected', 'legacy_header_rejected']);
      }
    });

    it('LEG-04: refused on routes that do not allow it (POST /users, PATCH/DELETE /users/:id)', async () => {
      const before = await userEmail(t, dev.id);
      const mark = await auditMark(t);
      const create = await http()
        .post('/users')
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET)
        .send({ username: 'legacy-made', password: 'a sufficiently long passphrase', role: 'DEV' });
      expectUnauthenticated(create);
      const patch = await http()
        .patch(`/users/${dev.id}`)
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET)
        .send({ email: 'changed-by-legacy@example.org' });
      expectUnauthenticated(patch);
      const remove = await http()
        .delete(`/users/${ops.id}`)
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET);
      expectUnauthenticated(remove);

      expect(await userEmail(t, dev.id)).toBe(before);
      const made = (await t.app
        .get(DataSource)
        .query("SELECT count(*)::int AS n FROM users WHERE username = 'legacy-made'")) as { n: number }[];
      expect(made[0]?.n).toBe(0);
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
      expect((await auditSince(t, mark, 'legacy_header_rejected')).length).toBe(3);
    });

    it('LEG-04: the legacy header never yields tokens or sessions (/token/refresh, /logout, /login)', async () => {
      const mark = await auditMark(t);
      const refresh = await http()
        .post('/token/refresh')
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET)
        .send({ refresh_token: randomBytes(32).toString('base64url') });
      expect(refresh.status).toBe(401);
      expect(refresh.body.access_token).toBeUndefined();
      expect(refresh.headers['deprecation']).toBeUndefined();

      const refreshEmpty = await http()
        .post('/token/refresh')
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET)
        .send({});
      expect(refreshEmpty.status).toBe(400);
      expect(refreshEmpty.body.access_token).toBeUndefined();

      const signIn = await http()
        .post('/login')
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET)
        .send({ username: dev.username, password: 'not the password at all' });
      expect(signIn.status).toBe(401);
      expect(signIn.body.access_token).toBeUndefined();

      const sessions = (await t.app
        .get(DataSource)
        .query('SELECT count(*)::int AS n FROM audit_log WHERE id > $1 AND action = $2', [
          mark,
          'login_succeeded',
        ])) as { n: number }[];
      expect(sessions[0]?.n).toBe(0);
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
    });

    it('LEG-05: malformed, oversized, unknown or inactive X-User-Id values → 401', async () => {
      const countUsers = async () =>
        (
          (await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM users')) as {
            n: number;
          }[]
        )[0]?.n;
      const usersBefore = await countUsers();
      const values = [
        '1 OR 1=1',
        "' OR '1'='1",
        '../admin',
        '../../users/me',
        `${dev.id} `.repeat(2).trim(),
        `${dev.id}x`,
        dev.id.replace(/-/g, ''),
        'x'.repeat(10 * 1024),
        `${dev.id}${'0'.repeat(10 * 1024)}`,
        randomUUID(), // unknown user
        inactive.id, // inactive user
        '00000000-0000-0000-0000-000000000000',
      ];
      for (const value of values) {
        const res = await legacyGet('/users/me', value);
        expectUnauthenticated(res);
      }
      expect(await countUsers()).toBe(usersBefore);
    });

    it('LEG-05: multiple X-User-Id headers → 401', async () => {
      for (const pair of [
        [dev.id, ops.id],
        [dev.id, dev.id],
      ]) {
        const res = await http()
          .get('/users/me')
          // Two header lines (superagent passes the array to Node, which sends each value).
          .set('X-User-Id', pair as unknown as string)
          .set('X-Legacy-Proxy-Secret', PROXY_SECRET);
        expectUnauthenticated(res);
      }
    });

    it('LEG-06: accepted responses carry Deprecation: true and Sunset = AUTH_LEGACY_SUNSET as an HTTP-date', async () => {
      for (const path of ['/users/me', '/users']) {
        const res = await legacyGet(path, dev.id);
        expect(res.status).toBe(200);
        expect(res.headers['deprecation']).toBe('true');
        expect(res.headers['sunset']).toBe(SUNSET_HTTP_DATE);
        expect(Date.parse(res.headers['sunset'] as string)).toBe(Date.parse(`${SUNSET}T00:00:00Z`));
      }
    });

    it('LEG-06: each legacy use writes a legacy_header_used audit record and counts in auth_legacy_header_total', async () => {
      const mark = await auditMark(t);
      const countedBefore = await legacyCounter('accepted');
      for (let i = 0; i < 3; i += 1) expect((await legacyGet('/users/me', ops.id)).status).toBe(200);
      const rows = await auditSince(t, mark, 'legacy_header_used');
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.actor_id).toBe(ops.id);
        expect(row.ip).toMatch(/127\.0\.0\.1/);
      }
      expect(await legacyCounter('accepted')).toBe(countedBefore + 3);
    });
  });

  describe('flag on, request from an untrusted peer (AUTH_LEGACY_TRUSTED_PROXIES=10.0.0.0/8)', () => {
    let t: TestApp;
    let dev: SeededUser;
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      t = await createTestApp({ ...LEGACY_ON, AUTH_LEGACY_TRUSTED_PROXIES: '10.0.0.0/8' });
      dev = await seedUser(t.app, 'untrusted-dev', 'DEV');
    });
    afterAll(() => t.close());

    it('LEG-02: from an untrusted peer → 401 even with the right secret, audit legacy_header_rejected', async () => {
      const mark = await auditMark(t);
      expectUnauthenticated(
        await http().get('/users/me').set('X-User-Id', dev.id).set('X-Legacy-Proxy-Secret', PROXY_SECRET),
      );
      // A forged X-Forwarded-For inside the trusted range changes nothing.
      expectUnauthenticated(
        await http()
          .get('/users/me')
          .set('X-User-Id', dev.id)
          .set('X-Legacy-Proxy-Secret', PROXY_SECRET)
          .set('X-Forwarded-For', '10.1.2.3'),
      );
      const rows = await auditSince(t, mark);
      expect(rows.map((r) => r.action)).toEqual(['legacy_header_rejected', 'legacy_header_rejected']);
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
    });
  });

  describe('flag on, past AUTH_LEGACY_SUNSET', () => {
    let t: TestApp;
    let dev: SeededUser;
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      t = await createTestApp({ ...LEGACY_ON, AUTH_LEGACY_SUNSET: '2020-01-01' });
      dev = await seedUser(t.app, 'sunset-dev', 'DEV');
    });
    afterAll(() => t.close());

    it('LEG-06: after the sunset date the header is refused even with the flag on', async () => {
      const mark = await auditMark(t);
      const res = await http()
        .get('/users/me')
        .set('X-User-Id', dev.id)
        .set('X-Legacy-Proxy-Secret', PROXY_SECRET);
      expectUnauthenticated(res);
      expect(await auditSince(t, mark, 'legacy_header_used')).toEqual([]);
      expect((await auditSince(t, mark, 'legacy_header_rejected')).length).toBe(1);
    });
  });

  describe('configuration', () => {
    const base = {
      DATABASE_URL: 'postgres://user@127.0.0.1:5432/uyoop',
      JWT_SECRET: TEST_JWT_SECRET,
      AUTH_LEGACY_TRUSTED_PROXIES: '127.0.0.1/32',
      AUTH_LEGACY_PROXY_SECRET: PROXY_SECRET,
    };

    it('LEG-06: loadEnv refuses AUTH_LEGACY_X_USER_ID=true in NODE_ENV=production', () => {
      // Control: the same production configuration without the flag loads.
      expect(loadEnv({ ...base, NODE_ENV: 'production' }).AUTH_LEGACY_X_USER_ID).toBe(false);
      for (const flag of ['true', '1', 'yes', 'on', 'TRUE']) {
        let error: unknown;
        try {
          loadEnv({ ...base, NODE_ENV: 'production', AUTH_LEGACY_X_USER_ID: flag });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.join('\n')).toMatch(/AUTH_LEGACY_X_USER_ID/);
        expect((error as ConfigError).message).not.toContain(PROXY_SECRET);
      }
    });

    it('LEG-01: the flag is off by default and in a default production configuration', () => {
      expect(loadEnv({ ...base, NODE_ENV: 'test' }).AUTH_LEGACY_X_USER_ID).toBe(false);
      expect(loadEnv({ ...base, NODE_ENV: 'production' }).AUTH_LEGACY_X_USER_ID).toBe(false);
    });

    it('LEG-02: loadEnv refuses the flag without trusted proxies or without a 32+ character proxy secret', () => {
      const on = { ...base, NODE_ENV: 'test', AUTH_LEGACY_X_USER_ID: 'true' };
      expect(loadEnv(on).AUTH_LEGACY_X_USER_ID).toBe(true);
      expect(() => loadEnv({ ...on, AUTH_LEGACY_TRUSTED_PROXIES: '' })).toThrow(ConfigError);
      expect(() => loadEnv({ ...on, AUTH_LEGACY_PROXY_SECRET: '' })).toThrow(ConfigError);
      expect(() => loadEnv({ ...on, AUTH_LEGACY_PROXY_SECRET: 'x'.repeat(31) })).toThrow(ConfigError);
    });
  });
});
