import { createHash, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { PASSWORD, randomClientIp, seedUser } from '../../../test-support/auth';
import { startRedis } from '../../../test-support/services';

/**
 * Rate limits of the auth endpoints (security-requirements.md section B, RL-01..RL-04, RL-07, RL-10)
 * over real HTTP, and the fail-closed behaviour when the shared counter store (Redis) goes away.
 * Apps without REDIS_URL keep their counters in memory, so each such app starts with a fresh budget;
 * tests against the shared Redis use random client addresses and usernames and never delete keys.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TRUSTED = { TRUSTED_PROXIES: '127.0.0.1' };

type Res = request.Response;

const uniq = (): string => randomBytes(4).toString('hex');

/** Distinct documentation addresses (TEST-NET-2) for apps with in-memory counters. */
let ipSeq = 0;
const nextIp = (): string => `198.51.100.${(ipSeq++ % 254) + 1}`;

function post(t: TestApp, path: string, body: Record<string, unknown>, forwardedFor?: string) {
  const req = request(t.app.getHttpServer()).post(path);
  if (forwardedFor !== undefined) req.set('X-Forwarded-For', forwardedFor);
  return req.send(body);
}

const postLogin = (t: TestApp, username: string, password: string, forwardedFor?: string) =>
  post(t, '/login', { username, password }, forwardedFor);

async function withApp(env: Record<string, string>, fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await createTestApp(env);
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

/** HDR-01: the security headers every response carries, 429 and 503 included. */
function expectSecurityHeaders(res: Res): void {
  expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  const csp = String(res.headers['content-security-policy']);
  for (const directive of [
    "default-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ]) {
    expect(csp).toContain(directive);
  }
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  const permissions = String(res.headers['permissions-policy'] ?? '');
  expect(permissions).not.toBe('');
  for (const feature of permissions.split(',')) expect(feature.trim()).toMatch(/^[a-z-]+=\(\)$/);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
  expect(res.headers['x-powered-by']).toBeUndefined();
}

/** RL-02: only a literal `Retry-After`, never `Retry-After-<throttler name>`. */
function expectNoNamedRetryAfter(res: Res): void {
  expect(Object.keys(res.headers).filter((name) => /^retry-after-/i.test(name))).toEqual([]);
}

/** RL-01: a 429 as the contract and the requirement describe it. */
function expectTooManyRequests(res: Res): void {
  expect(res.status).toBe(429);
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  expect(res.headers['cache-control']).toMatch(/\bno-store\b/);
  expect(res.headers['content-type']).toMatch(/^application\/json;\s*charset=utf-8$/i);
  expect(res.body).toEqual(expect.objectContaining({ statusCode: 429, message: expect.any(String) }));
  for (const key of Object.keys(res.body as object)) {
    expect(['statusCode', 'error', 'message', 'code', 'requestId']).toContain(key);
  }
  expect(res.text).not.toMatch(/stack|throttler|auth-ip|auth-account|redis|198\.51|203\.0|127\.0/i);
  expectNoNamedRetryAfter(res);
  expectSecurityHeaders(res);
}

function expectNotLimited(res: Res, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['retry-after']).toBeUndefined();
  expectNoNamedRetryAfter(res);
}

async function auditIps(t: TestApp, action: string): Promise<string[]> {
  const rows = (await t.app
    .get(DataSource)
    .query(`SELECT ip FROM audit_log WHERE action = $1 ORDER BY id`, [action])) as { ip: string | null }[];
  return rows.map((r) => String(r.ip));
}

describe('RL-01/RL-02: auth endpoints answer 429 after their per-address budget', () => {
  it('RL-01: the 6th POST /login from one client address within 60 s is 429 with Retry-After, no-store, generic body and HDR-01 headers', () =>
    withApp({}, async (t) => {
      const user = await seedUser(t.app, `rl01-${uniq()}`, 'DEV');
      // Different (unknown) usernames, so only the per-address limit can fire.
      for (let i = 0; i < 5; i++) {
        expectNotLimited(await postLogin(t, `nobody-${i}-${uniq()}`, 'wrong password here'), 401);
      }
      // Even the right password of an existing user is refused once the address is over budget.
      const sixth = await postLogin(t, user.username, PASSWORD);
      expectTooManyRequests(sixth);
      expect(sixth.body.access_token).toBeUndefined();
    }));

  it('RL-01: the 6th POST /2fa/verify from one client address within 60 s is 429 with the same answer', () =>
    withApp({}, async (t) => {
      for (let i = 0; i < 5; i++) {
        const res = await post(t, '/2fa/verify', { mfa_token: `unknown-${uniq()}`, code: '123456' });
        expectNotLimited(res, 401);
      }
      expectTooManyRequests(await post(t, '/2fa/verify', { mfa_token: `unknown-${uniq()}`, code: '123456' }));
    }));

  it('RL-01: POST /token/refresh allows 10 per minute per client address; the 11th is 429 with the same answer', () =>
    withApp({}, async (t) => {
      for (let i = 0; i < 10; i++) {
        expectNotLimited(await post(t, '/token/refresh', { refresh_token: `unknown-${uniq()}` }), 401);
      }
      expectTooManyRequests(await post(t, '/token/refresh', { refresh_token: `unknown-${uniq()}` }));
    }));

  it('RL-02: the per-address (auth-ip) and per-account (auth-account) throttlers both answer a literal Retry-After only', () =>
    withApp(TRUSTED, async (t) => {
      // Per address: one client, five unknown usernames, then a sixth.
      const ip = nextIp();
      for (let i = 0; i < 5; i++) await postLogin(t, `rl02-ip-${i}-${uniq()}`, 'wrong password here', ip);
      const byAddress = await postLogin(t, `rl02-ip-x-${uniq()}`, 'wrong password here', ip);
      expectTooManyRequests(byAddress);
      expect(Object.keys(byAddress.headers).filter((h) => /^retry-after/i.test(h))).toEqual(['retry-after']);

      // Per account: one username, six client addresses.
      const name = `rl02-acct-${uniq()}`;
      for (let i = 0; i < 5; i++) await postLogin(t, name, 'wrong password here', nextIp());
      const byAccount = await postLogin(t, name, 'wrong password here', nextIp());
      expectTooManyRequests(byAccount);
      expect(Object.keys(byAccount.headers).filter((h) => /^retry-after/i.test(h))).toEqual(['retry-after']);
      // No named rate-limit headers on allowed requests either.
      const allowed = await postLogin(t, `rl02-ok-${uniq()}`, 'wrong password here', nextIp());
      expect(allowed.status).toBe(401);
      expect(Object.keys(allowed.headers).filter((h) => /auth-ip|auth-account/i.test(h))).toEqual([]);
    }));
});

describe('RL-03: the limiting address comes only from trusted proxy hops', () => {
  it('RL-03: with TRUSTED_PROXIES unset, rotating X-Forwarded-For does not reset the limit and is not logged', () =>
    withApp({}, async (t) => {
      const forged: string[] = [];
      for (let i = 0; i < 5; i++) {
        const spoof = nextIp();
        forged.push(spoof);
        expectNotLimited(await postLogin(t, `rl03a-${i}-${uniq()}`, 'wrong password here', spoof), 401);
      }
      const spoof = nextIp();
      expectTooManyRequests(await postLogin(t, `rl03a-x-${uniq()}`, 'wrong password here', spoof));
      const logged = await auditIps(t, 'login_failed');
      expect(logged).toHaveLength(5);
      for (const ip of logged) {
        expect(ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
        expect(forged).not.toContain(ip);
      }
    }));

  it('RL-03: with TRUSTED_PROXIES=127.0.0.1 the forwarded address is the client: limited per forwarded address, and logged', () =>
    withApp(TRUSTED, async (t) => {
      const a = nextIp();
      const b = nextIp();
      for (let i = 0; i < 5; i++) {
        expectNotLimited(await postLogin(t, `rl03b-${i}-${uniq()}`, 'wrong password here', a), 401);
      }
      expectTooManyRequests(await postLogin(t, `rl03b-x-${uniq()}`, 'wrong password here', a));
      // Another client behind the same proxy has its own budget.
      expectNotLimited(await postLogin(t, `rl03b-y-${uniq()}`, 'wrong password here', b), 401);
      expect(await auditIps(t, 'login_failed')).toEqual([a, a, a, a, a, b]);
    }));

  it('RL-03: behind a trusted proxy, a client-chosen left-most X-Forwarded-For entry does not reset the limit', () =>
    withApp(TRUSTED, async (t) => {
      const real = nextIp(); // what the trusted proxy appends: the peer it saw
      for (let i = 0; i < 5; i++) {
        const res = await postLogin(t, `rl03c-${i}-${uniq()}`, 'wrong password here', `${nextIp()}, ${real}`);
        expectNotLimited(res, 401);
      }
      expectTooManyRequests(
        await postLogin(t, `rl03c-x-${uniq()}`, 'wrong password here', `${nextIp()}, ${real}`),
      );
      expect(await auditIps(t, 'login_failed')).toEqual([real, real, real, real, real]);
    }));
});

describe('RL-04/RL-07: per-account login limit, in addition to the per-address one', () => {
  it('RL-04: the 6th login for one username from 6 different client addresses within a minute is 429', () =>
    withApp(TRUSTED, async (t) => {
      const user = await seedUser(t.app, `rl04-${uniq()}`, 'DEV');
      // Correct passwords, so the account lockout (which also starts at 5) plays no part.
      for (let i = 0; i < 5; i++) {
        const ok = await postLogin(t, user.username, PASSWORD, nextIp());
        expectNotLimited(ok, 200);
        expect(ok.body.access_token).toEqual(expect.any(String));
      }
      const sixthIp = nextIp();
      expectTooManyRequests(await postLogin(t, user.username, PASSWORD, sixthIp));
      // The limit is the account's, not the address's: another username from that address goes through.
      expectNotLimited(await postLogin(t, `rl04-other-${uniq()}`, 'wrong password here', sixthIp), 401);
    }));

  it('RL-07: Alice, ALICE and full-width ＡＬＩＣＥ share one per-account rate-limit budget', () =>
    withApp(TRUSTED, async (t) => {
      await seedUser(t.app, 'alice', 'DEV');
      for (const name of ['alice', 'Alice', 'ALICE', 'ＡＬＩＣＥ', 'aLiCe']) {
        expectNotLimited(await postLogin(t, name, PASSWORD, nextIp()), 200);
      }
      expectTooManyRequests(await postLogin(t, 'ａｌｉｃｅ', PASSWORD, nextIp()));
    }));
});

/** The key RedisThrottlerStorage writes for the per-address login bucket (read only, to pick a free address). */
function loginIpKey(ip: string): string {
  const hash = createHash('sha256').update(`AuthController-signIn-auth-ip-${ip}`).digest('hex');
  return `uyoop:rl:auth-ip:${hash}:hits`;
}

describe('RL-10: limiter state is shared across app instances (Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  const used = new Set<string>();

  /** A random client address no bucket of this run or a concurrent one is using right now. */
  async function freshIp(): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const ip = randomClientIp();
      if (used.has(ip)) continue;
      if ((await redis.exists(loginIpKey(ip))) === 0) {
        used.add(ip);
        return ip;
      }
    }
    throw new Error('no free client address in 203.0.113.0/24');
  }

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    a = await createTestApp({ REDIS_URL, ...TRUSTED });
    b = await createTestApp({ REDIS_URL, ...TRUSTED });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.quit();
  });

  it('RL-10: 3 logins on instance A and 2 on B from one client address use one budget; the 6th is 429 on both', async () => {
    const ip = await freshIp();
    for (const t of [a, a, a, b, b]) {
      expectNotLimited(await postLogin(t, `rl10-${uniq()}`, 'wrong password here', ip), 401);
    }
    expectTooManyRequests(await postLogin(b, `rl10-${uniq()}`, 'wrong password here', ip));
    expectTooManyRequests(await postLogin(a, `rl10-${uniq()}`, 'wrong password here', ip));
  });

  it('RL-10: the per-account budget is shared too: 5 logins for one username spread over A and B, the 6th is 429', async () => {
    const name = `rl10-acct-${uniq()}`;
    for (const t of [a, b, a, b, a]) {
      expectNotLimited(await postLogin(t, name, 'wrong password here', await freshIp()), 401);
    }
    expectTooManyRequests(await postLogin(b, name, 'wrong password here', await freshIp()));
  });

  it('RL-10: with Redis the per-address limit still answers a literal Retry-After (RL-02) and is keyed on the trusted address (RL-03)', async () => {
    const ip = await freshIp();
    for (let i = 0; i < 5; i++) {
      await postLogin(
        i % 2 === 0 ? a : b,
        `rl10-${uniq()}`,
        'wrong password here',
        `${randomClientIp()}, ${ip}`,
      );
    }
    const limited = await postLogin(a, `rl10-${uniq()}`, 'wrong password here', `${randomClientIp()}, ${ip}`);
    expectTooManyRequests(limited);
    expect(Object.keys(limited.headers).filter((h) => /^retry-after/i.test(h))).toEqual(['retry-after']);
  });
});

// --- Redis failure --------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pollUntil(timeoutMs: number, probe: () => Promise<boolean>, what: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

describe('Redis failure: auth routes fail closed, the rest carries on, recovery without restart', () => {
  it('RL-10: with its Redis stopped, POST /login is 503 while /health/live is 200 and /health reports redis down; after a restart of redis-server /login works again', async () => {
    const redis = await startRedis();
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ REDIS_URL: redis.url, ...TRUSTED });
      const app = t;
      const http = () => request(app.app.getHttpServer());
      const user = await seedUser(app.app, `rl-redis-${uniq()}`, 'DEV');

      expectNotLimited(await postLogin(app, user.username, PASSWORD, nextIp()), 200);
      const healthy = await http().get('/health');
      expect(healthy.status).toBe(200);
      expect(healthy.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });

      await redis.stop();
      await pollUntil(
        5_000,
        async () => (await http().get('/health')).body?.info?.redis?.status === 'down',
        '/health reporting redis down',
      );

      // Fail closed: no login is answered on its merits while the shared counters are unreachable.
      for (let i = 0; i < 3; i++) {
        const res = await postLogin(app, user.username, PASSWORD, nextIp());
        expect(res.status).toBe(503);
        expect(res.body).toEqual(expect.objectContaining({ statusCode: 503, message: expect.any(String) }));
        expect(res.body.access_token).toBeUndefined();
        expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|redis/i);
        expectSecurityHeaders(res);
      }
      expect(
        (await post(app, '/token/refresh', { refresh_token: `unknown-${uniq()}` }, nextIp())).status,
      ).toBe(503);
      expect(
        (await post(app, '/2fa/verify', { mfa_token: `unknown-${uniq()}`, code: '123456' }, nextIp())).status,
      ).toBe(503);

      const live = await http().get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const health = await http().get('/health');
      expect(health.status).toBe(503);
      expect(health.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'down' } });

      // Same port, no app restart: ioredis reconnects by itself.
      await redis.start();
      let last: Res | undefined;
      await pollUntil(
        10_000,
        async () => {
          last = await postLogin(app, user.username, PASSWORD, nextIp());
          return last.status !== 503;
        },
        'POST /login answering again after redis-server restarted',
      );
      expect(last?.status).toBe(200);
      expect(last?.body.access_token).toEqual(expect.any(String));
      expect((await http().get('/health')).status).toBe(200);
    } finally {
      await t?.close();
      await redis.dispose();
    }
  }, 60_000);
});
