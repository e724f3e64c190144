import { createHash, randomBytes } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request, { type Response } from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, PASSWORD, seedUser } from '../../../test-support/auth';

/**
 * Refresh tokens and sessions (security-requirements.md G: RT-01..RT-05, RT-08; A: AUTH-07, AUTH-08)
 * against the whole API on a real PostgreSQL database.
 */

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

function sidOf(accessToken: string): string {
  const payload = jwt.decode(accessToken) as JwtPayload | null;
  if (!payload || typeof payload.sid !== 'string') throw new Error('access token without sid');
  return payload.sid;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  device_label: string | null;
}

describe('refresh tokens and sessions (RT-01..RT-05, RT-08, AUTH-07, AUTH-08)', () => {
  let t: TestApp;
  let db: DataSource;
  const http = () => request(t.app.getHttpServer());
  const refresh = (token: string) => http().post('/token/refresh').send({ refresh_token: token });
  const me = (access: string) => http().get('/users/me').set('Authorization', `Bearer ${access}`);
  const session = async (id: string): Promise<SessionRow> => {
    const rows = (await db.query(`SELECT * FROM sessions WHERE id = $1`, [id])) as SessionRow[];
    if (!rows[0]) throw new Error(`no session ${id}`);
    return rows[0];
  };

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('RT-01: refresh tokens are 43 base64url chars (256 bits); the database holds only their SHA-256', async () => {
    const user = await seedUser(t.app, 'rt01-user', 'DEV');
    const res = await http()
      .post('/login')
      .set('User-Agent', 'rt01-device/1.0')
      .send({ username: user.username, password: PASSWORD });
    expect(res.status).toBe(200);
    const token = res.body.refresh_token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(token).not.toBe(res.body.access_token);

    const rotated = await refresh(token);
    expect(rotated.status).toBe(200);
    const next = rotated.body.refresh_token as string;
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tokens = (await db.query(`SELECT * FROM refresh_tokens`)) as Record<string, unknown>[];
    const sessions = (await db.query(`SELECT * FROM sessions`)) as Record<string, unknown>[];
    const stored = JSON.stringify([tokens, sessions]);
    for (const secret of [token, next]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
    }
    const hashes = tokens.map((r) => r.token_hash);
    expect(hashes).toEqual(expect.arrayContaining([sha256Hex(token), sha256Hex(next)]));
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);

    // Bound to the user, the family (session) and the device label.
    const sid = sidOf(res.body.access_token as string);
    const family = (await db.query(`SELECT token_hash FROM refresh_tokens WHERE session_id = $1`, [sid])) as {
      token_hash: string;
    }[];
    expect(family.map((r) => r.token_hash).sort()).toEqual([sha256Hex(token), sha256Hex(next)].sort());
    const row = await session(sid);
    expect(row.user_id).toBe(user.id);
    expect(row.device_label).toBe('rt01-device/1.0');

    // Two tokens are never the same.
    const other = await login(t.app, user.username);
    expect(other.refresh).not.toBe(token);
    expect(other.refresh).not.toBe(next);
  });

  it('RT-02: rotation returns a new token; replaying the old one → 401, the family is revoked and audited', async () => {
    const user = await seedUser(t.app, 'rt02-user', 'DEV');
    const first = await login(t.app, user.username);
    const sid = sidOf(first.access);

    const rotated = await refresh(first.refresh);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
    });
    const second = rotated.body.refresh_token as string;
    const secondAccess = rotated.body.access_token as string;
    expect(second).not.toBe(first.refresh);
    expect(sidOf(secondAccess)).toBe(sid);
    expect((await me(secondAccess)).status).toBe(200);

    const replay = await refresh(first.refresh);
    expect(replay.status).toBe(401);
    expect(replay.headers['www-authenticate']).toBe('Bearer');
    expect(replay.body.access_token).toBeUndefined();

    // The newest token of the family, and its access token, fail too.
    expect((await refresh(second)).status).toBe(401);
    expect((await me(secondAccess)).status).toBe(401);
    expect((await me(first.access)).status).toBe(401);
    expect((await session(sid)).revoked_at).not.toBeNull();

    const audit = (await db.query(
      `SELECT actor_id, target_type, target_id FROM audit_log WHERE action = 'refresh_token_reuse_detected' AND target_id = $1`,
      [sid],
    )) as { actor_id: string; target_type: string; target_id: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toEqual({ actor_id: user.id, target_type: 'session', target_id: sid });

    // Other sessions of the same user are untouched.
    const elsewhere = await login(t.app, user.username);
    expect((await refresh(elsewhere.refresh)).status).toBe(200);
  });

  it('RT-03: two parallel refreshes with one token → exactly one 200; the other is reuse and revokes the family', async () => {
    const user = await seedUser(t.app, 'rt03-user', 'DEV');
    for (let round = 0; round < 5; round++) {
      const tokens = await login(t.app, user.username);
      const sid = sidOf(tokens.access);
      const results = await Promise.all([refresh(tokens.refresh), refresh(tokens.refresh)]);
      const statuses = results.map((r) => r.status).sort();
      expect({ round, statuses }).toEqual({ round, statuses: [200, 401] });
      const winner = results.find((r) => r.status === 200)!;
      // Strict policy: the loser was a reuse, so the winner's successor is already dead too.
      expect((await refresh(winner.body.refresh_token as string)).status).toBe(401);
      expect((await me(winner.body.access_token as string)).status).toBe(401);
      expect((await session(sid)).revoked_reason).toBe('refresh_token_reuse');
      const audit = (await db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'refresh_token_reuse_detected' AND target_id = $1`,
        [sid],
      )) as { n: number }[];
      expect(audit[0]!.n).toBe(1);
    }
  });

  describe('RT-04 — lifetimes', () => {
    it('RT-04: past its absolute lifetime (sessions.expires_at) a session cannot be refreshed', async () => {
      const user = await seedUser(t.app, 'rt04-absolute', 'DEV');
      const tokens = await login(t.app, user.username);
      const sid = sidOf(tokens.access);
      const row = await session(sid);
      // Default REFRESH_TOKEN_TTL_DAYS = 30.
      const days = (row.expires_at.getTime() - row.created_at.getTime()) / 86_400_000;
      expect(days).toBeCloseTo(30, 3);
      await db.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [sid]);
      const res = await refresh(tokens.refresh);
      expect(res.status).toBe(401);
      expect((await me(tokens.access)).status).toBe(401);
    });

    it('RT-04: after 8 idle days (last_used_at) → 401; 6 idle days still refresh', async () => {
      const user = await seedUser(t.app, 'rt04-idle', 'DEV');
      const tokens = await login(t.app, user.username);
      const sid = sidOf(tokens.access);
      await db.query(`UPDATE sessions SET last_used_at = now() - interval '6 days' WHERE id = $1`, [sid]);
      const ok = await refresh(tokens.refresh);
      expect(ok.status).toBe(200);
      await db.query(`UPDATE sessions SET last_used_at = now() - interval '8 days' WHERE id = $1`, [sid]);
      const idle = await refresh(ok.body.refresh_token as string);
      expect(idle.status).toBe(401);
      expect((await session(sid)).revoked_at).not.toBeNull();
    });

    it('RT-04: rotation does not extend expires_at (it only moves last_used_at)', async () => {
      const user = await seedUser(t.app, 'rt04-rotate', 'DEV');
      const tokens = await login(t.app, user.username);
      const sid = sidOf(tokens.access);
      await db.query(`UPDATE sessions SET last_used_at = now() - interval '1 day' WHERE id = $1`, [sid]);
      const before = await session(sid);
      let current = tokens.refresh;
      for (let i = 0; i < 3; i++) {
        const res = await refresh(current);
        expect(res.status).toBe(200);
        current = res.body.refresh_token as string;
      }
      const after = await session(sid);
      expect(after.expires_at.getTime()).toBe(before.expires_at.getTime());
      expect(after.last_used_at.getTime()).toBeGreaterThan(before.last_used_at.getTime());
    });
  });

  it('RT-05: logout → 204 and the refresh token then gets 401; unknown tokens still get 204', async () => {
    const user = await seedUser(t.app, 'rt05-user', 'DEV');
    const tokens = await login(t.app, user.username);
    const sid = sidOf(tokens.access);
    const rotated = await refresh(tokens.refresh);
    expect(rotated.status).toBe(200);
    const current = rotated.body.refresh_token as string;

    const out = await http().post('/logout').send({ refresh_token: current });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect((await refresh(current)).status).toBe(401);
    const row = await session(sid);
    expect(row.revoked_at).not.toBeNull();
    expect(row.revoked_reason).toBe('logout');

    // Logging out again, or with a token nobody issued, is still 204 and changes nothing.
    expect((await http().post('/logout').send({ refresh_token: current })).status).toBe(204);
    const unknown = randomBytes(32).toString('base64url');
    expect((await http().post('/logout').send({ refresh_token: unknown })).status).toBe(204);
    expect((await http().post('/logout').send({ refresh_token: 'not-a-token' })).status).toBe(204);

    // Logout with an older token of the family revokes the whole family as well.
    const again = await login(t.app, user.username);
    const next = await refresh(again.refresh);
    expect(next.status).toBe(200);
    expect((await http().post('/logout').send({ refresh_token: again.refresh })).status).toBe(204);
    expect((await refresh(next.body.refresh_token as string)).status).toBe(401);
  });

  describe('RT-08 — type separation', () => {
    it('RT-08: an access token presented at /token/refresh → 401', async () => {
      const user = await seedUser(t.app, 'rt08-access', 'DEV');
      const tokens = await login(t.app, user.username);
      const res = await refresh(tokens.access);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.access_token).toBeUndefined();
      // The session itself is not harmed: its refresh token still rotates.
      expect((await refresh(tokens.refresh)).status).toBe(200);
    });

    it('RT-08: a refresh token presented as Bearer → 401', async () => {
      const user = await seedUser(t.app, 'rt08-refresh', 'DEV');
      const tokens = await login(t.app, user.username);
      const res = await me(tokens.refresh);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect((await me(tokens.access)).status).toBe(200);
    });
  });

  it('AUTH-07: every login opens a new session (sid) whose family rotates independently', async () => {
    const user = await seedUser(t.app, 'auth07-user', 'DEV');
    const a = await login(t.app, user.username);
    const b = await login(t.app, user.username);
    const sidA = sidOf(a.access);
    const sidB = sidOf(b.access);
    expect(sidA).not.toBe(sidB);
    expect(a.refresh).not.toBe(b.refresh);

    const a2 = await refresh(a.refresh);
    expect(a2.status).toBe(200);
    expect(sidOf(a2.body.access_token as string)).toBe(sidA);
    const b2 = await refresh(b.refresh);
    expect(b2.status).toBe(200);
    expect(sidOf(b2.body.access_token as string)).toBe(sidB);

    // Reuse in family A revokes A only.
    expect((await refresh(a.refresh)).status).toBe(401);
    expect((await refresh(a2.body.refresh_token as string)).status).toBe(401);
    const b3 = await refresh(b2.body.refresh_token as string);
    expect(b3.status).toBe(200);
    expect((await me(b3.body.access_token as string)).status).toBe(200);
    expect((await session(sidA)).revoked_at).not.toBeNull();
    expect((await session(sidB)).revoked_at).toBeNull();

    // A login while holding a live token family still opens a new one.
    const c = await http()
      .post('/login')
      .set('Authorization', `Bearer ${b3.body.access_token as string}`)
      .send({ username: user.username, password: PASSWORD });
    expect(c.status).toBe(200);
    expect([sidA, sidB]).not.toContain(sidOf(c.body.access_token as string));
  });

  describe('AUTH-08 — credentials and tokens stay out of URLs', () => {
    const password = 'url-leak-check passphrase 77';
    const username = 'auth08-user';
    const query = `username=${username}&password=${encodeURIComponent(password)}`;

    beforeAll(async () => {
      await seedUser(t.app, username, 'DEV', { password });
    });

    it('AUTH-08: GET /login?username=..&password=.. → 404/405, and the answer does not echo the password', async () => {
      const res = await http().get(`/login?${query}`);
      expect([404, 405]).toContain(res.status);
      expect(res.body.access_token).toBeUndefined();
      expect(res.text).not.toContain(password);
      expect(res.text).not.toContain(encodeURIComponent(password));
      expect(JSON.stringify(res.headers)).not.toContain(encodeURIComponent(password));
    });

    it('AUTH-08: POST /login with the credentials only in the query string does not sign in', async () => {
      const res = await http().post(`/login?${query}`);
      expect([400, 401]).toContain(res.status);
      expect(res.body.access_token).toBeUndefined();
      expect(res.text).not.toContain(password);
      expect(res.text).not.toContain(encodeURIComponent(password));
    });

    it('AUTH-08: no response of the login → me → refresh → logout flow carries a secret in a URL or header', async () => {
      const responses: [string, Response][] = [];
      const signedIn = await http().post('/login').send({ username, password });
      expect(signedIn.status).toBe(200);
      responses.push(['POST /login', signedIn]);
      const access = signedIn.body.access_token as string;
      const refreshToken = signedIn.body.refresh_token as string;
      responses.push(['GET /users/me', await me(access)]);
      const rotated = await refresh(refreshToken);
      expect(rotated.status).toBe(200);
      responses.push(['POST /token/refresh', rotated]);
      const newest = rotated.body.refresh_token as string;
      responses.push(['replayed refresh', await refresh(refreshToken)]);
      responses.push(['POST /logout', await http().post('/logout').send({ refresh_token: newest })]);
      responses.push([
        'failed login',
        await http()
          .post('/login')
          .send({ username, password: `${password}-wrong` }),
      ]);

      const secrets = [password, encodeURIComponent(password), refreshToken, newest, access];
      for (const [name, res] of responses) {
        const headers = JSON.stringify(res.headers);
        for (const secret of secrets) {
          expect({ name, leaks: headers.includes(secret) }).toEqual({ name, leaks: false });
        }
        for (const h of ['location', 'content-location', 'link', 'refresh']) {
          expect({ name, header: h, value: res.headers[h] }).toEqual({ name, header: h, value: undefined });
        }
        // No body mentions the password, or a URL carrying a token or password.
        expect({ name, leaks: res.text.includes(password) }).toEqual({ name, leaks: false });
        expect({ name, urls: res.text.match(/https?:\/\/[^"\s]*(token|password)=/gi) }).toEqual({
          name,
          urls: null,
        });
      }
    });
  });
});
