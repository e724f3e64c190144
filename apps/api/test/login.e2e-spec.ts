import * as bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { PASSWORD, seedUser } from '../../../test-support/auth';
import { nestRoutes } from '../../../test-support/routes';

const RELAXED = { RATE_LIMIT_LOGIN_PER_MINUTE: '1000', LOCKOUT_THRESHOLD: '100' };

function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _ignored, ...rest } = body;
  return rest;
}

/** Header names that may legitimately differ between two responses. */
const VOLATILE = new Set(['x-request-id', 'date', 'etag', 'content-length']);

describe('POST /login (e2e)', () => {
  let t: TestApp;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED, LOG_LEVEL: 'trace' }, { logDestination: sink });
    await seedUser(t.app, 'alice', 'DEV');
    await seedUser(t.app, 'frozen', 'OPS', { active: false });
    await seedUser(t.app, 'guarded', 'PROJET', { totpEnabled: true });
  });
  afterAll(() => t.close());
  const http = () => request(t.app.getHttpServer());

  it('answers the contract body, with no-store (HDR-02)', async () => {
    const res = await http().post('/login').send({ username: 'Alice', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'requires_totp',
      'token_type',
      'user',
    ]);
    expect(res.body).toMatchObject({ requires_totp: false, token_type: 'bearer', expires_in: 900 });
    expect(res.body.user).toEqual({
      id: expect.any(String),
      username: 'alice',
      email: 'alice@example.org',
      role: 'DEV',
      totp_enabled: false,
    });
    expect(res.body.access_token.split('.')).toHaveLength(3);
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('AUTH-03: unknown user, wrong password, inactive and locked users get the same 401', async () => {
    const locked = await seedUser(t.app, 'locked', 'DEV');
    await t.app
      .get(DataSource)
      .query(
        `INSERT INTO account_lockouts (user_id, locked_until, lock_count) VALUES ($1, now() + interval '10 minutes', 1)`,
        [locked.id],
      );
    const answers = await Promise.all([
      http().post('/login').send({ username: 'nobody', password: PASSWORD }),
      http().post('/login').send({ username: 'alice', password: 'not the password' }),
      http().post('/login').send({ username: 'frozen', password: PASSWORD }),
      http().post('/login').send({ username: 'locked', password: PASSWORD }),
    ]);
    const [first, ...rest] = answers;
    expect(first!.status).toBe(401);
    expect(withoutRequestId(first!.body)).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Incorrect username or password',
      code: 'AUTH.INVALID_CREDENTIALS',
    });
    const names = (r: request.Response) =>
      Object.keys(r.headers)
        .filter((h) => !VOLATILE.has(h))
        .sort();
    for (const other of rest) {
      expect(other.status).toBe(401);
      expect(withoutRequestId(other.body)).toEqual(withoutRequestId(first!.body));
      expect(names(other)).toEqual(names(first!));
      expect(other.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('AUTH-04: an unknown user costs about as much time as a wrong password (medians within 20 %)', async () => {
    const sample = async (username: string): Promise<number> => {
      const started = process.hrtime.bigint();
      const res = await http().post('/login').send({ username, password: 'definitely wrong' });
      expect(res.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      unknown.push(await sample(`ghost${i}`));
      known.push(await sample('alice'));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [a, b] = [median(unknown), median(known)];
    expect(Math.abs(a - b) / Math.max(a, b)).toBeLessThan(0.2);
    await t.app.get(DataSource).query(`DELETE FROM account_lockouts`);
  }, 120_000);

  it('AUTH-01: a bcrypt hash from the original logs in and is upgraded to argon2id', async () => {
    const legacy = await seedUser(t.app, 'oldtimer', 'OPS');
    const ds = t.app.get(DataSource);
    await ds.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
      legacy.id,
      bcrypt.hashSync('secure_password_123', 10),
    ]);
    const res = await http().post('/login').send({ username: 'oldtimer', password: 'secure_password_123' });
    expect(res.status).toBe(200);
    const [{ password_hash }] = (await ds.query(`SELECT password_hash FROM users WHERE id = $1`, [
      legacy.id,
    ])) as [{ password_hash: string }];
    expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(
      (await http().post('/login').send({ username: 'oldtimer', password: 'secure_password_123' })).status,
    ).toBe(200);
  });

  it('AUTH-02: a password over 1024 bytes is a 400 before any hashing; 64+ characters work', async () => {
    const huge = await http()
      .post('/login')
      .send({ username: 'alice', password: 'é'.repeat(513) });
    expect(huge.status).toBe(400);
    expect(huge.body.message).toEqual(['password must not exceed 1024 bytes']);
    const long = 'a long pass phrase that keeps on going and going, far past seventy-two bytes';
    await seedUser(t.app, 'longpass', 'DEV', { password: long });
    expect((await http().post('/login').send({ username: 'longpass', password: long })).status).toBe(200);
    expect(
      (
        await http()
          .post('/login')
          .send({ username: 'longpass', password: long.slice(0, 72) })
      ).status,
    ).toBe(401);
  });

  it('a user with 2FA gets an mfa_token and nothing about the user', async () => {
    const res = await http().post('/login').send({ username: 'guarded', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: null,
      requires_totp: true,
      mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      access_token: null,
      refresh_token: null,
      token_type: null,
    });
  });

  it('TOTP-07: a user flagged for 2FA without a usable enrolment never gets in (fail closed)', async () => {
    const direct = await http()
      .post('/login')
      .send({ username: 'guarded', password: PASSWORD, totp_code: '123456' });
    expect(direct.status).toBe(401);
    expect(direct.body.message).toBe('Invalid 2FA code');
    const { body } = await http().post('/login').send({ username: 'guarded', password: PASSWORD });
    const verify = await http().post('/2fa/verify').send({ mfa_token: body.mfa_token, code: '123456' });
    expect(verify.status).toBe(401);
    expect(verify.body.message).toBe('Invalid 2FA code');
  });

  it('MFA-04: a pending mfa_token opens no route; only /2fa/verify takes it', async () => {
    const pending = await http().post('/login').send({ username: 'guarded', password: PASSWORD });
    const token = pending.body.mfa_token as string;
    expect(token).toEqual(expect.any(String));
    const routes = nestRoutes(t.app).filter((r) => !r.isPublic);
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) {
      const path = route.path.replace(/:[A-Za-z0-9_]+/g, () => randomUUID());
      const res = await request(t.app.getHttpServer())
        [route.method.toLowerCase() as 'get'](path)
        .set('Authorization', `Bearer ${token}`);
      expect({ route: route.key, status: res.status }).toEqual({ route: route.key, status: 401 });
    }
  });

  it('MFA-03: an mfa_token allows a few attempts only, then is dead', async () => {
    const { body } = await http().post('/login').send({ username: 'guarded', password: PASSWORD });
    for (let i = 0; i < 5; i += 1)
      await http().post('/2fa/verify').send({ mfa_token: body.mfa_token, code: '000000' });
    const after = await http().post('/2fa/verify').send({ mfa_token: body.mfa_token, code: '000000' });
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('Invalid or expired mfa_token');
  });

  it('LOG-03: successes and failures are in the audit log with the client address', async () => {
    const rows = (await t.app
      .get(DataSource)
      .query(
        `SELECT action, ip, details FROM audit_log WHERE action IN ('login_succeeded', 'login_failed')`,
      )) as {
      action: string;
      ip: string | null;
      details: { reason?: string };
    }[];
    expect(rows.some((r) => r.action === 'login_succeeded' && r.ip)).toBe(true);
    expect(rows.filter((r) => r.action === 'login_failed').map((r) => r.details.reason)).toEqual(
      expect.arrayContaining(['unknown_user', 'wrong_password', 'inactive', 'locked']),
    );
  });

  it('LOG-03: each audit row names the user agent and the request id of its request', async () => {
    const requestId = 'trace-log03-0123456789';
    const res = await http()
      .post('/login')
      .set('User-Agent', 'log03-agent/1.0 (test)')
      .set('X-Request-Id', requestId)
      .send({ username: 'alice', password: 'not the password' });
    expect(res.status).toBe(401);
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT action, actor_id, ip, user_agent FROM audit_log WHERE request_id = $1`, [
        requestId,
      ])) as {
      action: string;
      actor_id: string | null;
      ip: string | null;
      user_agent: string | null;
    }[];
    expect(rows).toEqual([
      expect.objectContaining({ action: 'login_failed', user_agent: 'log03-agent/1.0 (test)' }),
    ]);
    expect(rows[0]!.actor_id).not.toBeNull();
    expect(rows[0]!.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('LOG-02: no password, token or mfa_token reaches the logs', async () => {
    const res = await http()
      .post('/login')
      .set('Authorization', 'Bearer should-not-be-logged')
      .send({ username: 'alice', password: PASSWORD });
    await http().get('/users/me').set('Authorization', `Bearer ${res.body.access_token}`);
    await http().post('/token/refresh').send({ refresh_token: res.body.refresh_token });
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).toContain('"url":"/login"');
    for (const secret of [PASSWORD, res.body.access_token, res.body.refresh_token, 'should-not-be-logged']) {
      expect(text).not.toContain(secret);
    }
  });
});
