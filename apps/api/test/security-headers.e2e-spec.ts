import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { type Server, STATUS_CODES } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, PASSWORD, type SeededUser, seedUser, type Tokens } from '../../../test-support/auth';

/**
 * Security headers and transport (security-requirements L, HDR-01..HDR-07). 429 responses are
 * covered by the rate-limit suite.
 */

const ALLOWED_ORIGIN = 'https://cal.example.org';
const EVIL_ORIGIN = 'https://evil.example';
const STRONG_PASSWORD = 'plum-orbit-cactus-lantern-42';

/** Every HDR-01 problem of one response, as readable strings (empty when all is well). */
function securityHeaderProblems(res: { headers: object }): string[] {
  const h = res.headers as Record<string, string | undefined>;
  const problems: string[] = [];
  const sts = h['strict-transport-security'] ?? '';
  const maxAge = Number(/max-age=(\d+)/i.exec(sts)?.[1] ?? 0);
  if (maxAge < 31_536_000) problems.push(`Strict-Transport-Security max-age < 1 year: "${sts}"`);
  if (!/(^|;)\s*includeSubDomains\s*(;|$)/i.test(sts))
    problems.push(`Strict-Transport-Security without includeSubDomains: "${sts}"`);

  const csp = h['content-security-policy'] ?? '';
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name.toLowerCase(), values.join(' ')] as const;
      }),
  );
  for (const name of ['default-src', 'frame-ancestors', 'base-uri', 'object-src']) {
    if (directives.get(name) !== "'none'") problems.push(`CSP ${name} is not 'none': "${csp}"`);
  }
  if (/unsafe-inline|unsafe-eval/i.test(csp)) problems.push(`CSP allows unsafe-inline/unsafe-eval: "${csp}"`);

  if ((h['x-frame-options'] ?? '').toUpperCase() !== 'DENY')
    problems.push(`X-Frame-Options: "${h['x-frame-options']}"`);
  if ((h['x-content-type-options'] ?? '').toLowerCase() !== 'nosniff')
    problems.push(`X-Content-Type-Options: "${h['x-content-type-options']}"`);
  if ((h['referrer-policy'] ?? '').toLowerCase() !== 'no-referrer')
    problems.push(`Referrer-Policy: "${h['referrer-policy']}"`);
  const permissions = h['permissions-policy'];
  if (!permissions) problems.push('no Permissions-Policy');
  else {
    const features = permissions.split(',').map((f) => f.trim());
    for (const f of features) if (!/^[a-z-]+=\(\)$/.test(f)) problems.push(`Permissions-Policy allows ${f}`);
    for (const f of ['camera', 'microphone', 'geolocation', 'payment', 'usb'])
      if (!features.includes(`${f}=()`)) problems.push(`Permissions-Policy does not deny ${f}`);
  }
  if ((h['cross-origin-resource-policy'] ?? '').toLowerCase() !== 'same-origin')
    problems.push(`Cross-Origin-Resource-Policy: "${h['cross-origin-resource-policy']}"`);
  if (h['x-powered-by'] !== undefined) problems.push(`X-Powered-By: "${h['x-powered-by']}"`);
  if (!h['x-request-id']) problems.push('no X-Request-Id');
  return problems;
}

function hasBody(res: request.Response): boolean {
  return typeof res.text === 'string' && res.text.length > 0;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `text` as is on one TCP connection to `server` (listening for the occasion) and reads the
 * answer until the server closes: for requests no HTTP client sends (unknown methods, 20 kB of
 * headers, malformed escapes in the path).
 */
async function rawAnswer(server: Server, text: string): Promise<RawAnswer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let data = '';
      socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      socket.on('close', () => resolve(data));
      socket.on('error', (error) => (data ? resolve(data) : reject(error)));
    });
    const end = raw.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = raw.slice(0, end < 0 ? raw.length : end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    return { status, headers, body: end < 0 ? '' : raw.slice(end + 4) };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('Security headers and transport (e2e)', () => {
  let t: TestApp;
  let admin: SeededUser;
  let dev: SeededUser;
  let adminTokens: Tokens;
  let devTokens: Tokens;
  const http = () => request(t.app.getHttpServer());
  const bearer = (tokens: Tokens) => `Bearer ${tokens.access}`;

  beforeAll(async () => {
    t = await createTestApp({
      CORS_ORIGINS: ALLOWED_ORIGIN,
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
    });
    admin = await seedUser(t.app, 'hdr-admin', 'ADMIN');
    dev = await seedUser(t.app, 'hdr-dev', 'DEV');
    adminTokens = await login(t.app, admin.username);
    devTokens = await login(t.app, dev.username);
  });
  afterAll(() => t.close());

  /** One request per status the requirement lists (429 is covered elsewhere). */
  const cases: [number, string, () => Promise<request.Response>][] = [
    [200, 'GET /health/live', () => http().get('/health/live')],
    [200, 'GET /users/me', () => http().get('/users/me').set('Authorization', bearer(adminTokens))],
    [200, 'POST /login', () => http().post('/login').send({ username: dev.username, password: PASSWORD })],
    [
      201,
      'POST /users',
      () =>
        http()
          .post('/users')
          .set('Authorization', bearer(adminTokens))
          .send({ username: `hdr-${randomUUID().slice(0, 8)}`, password: STRONG_PASSWORD, role: 'DEV' }),
    ],
    [
      204,
      'POST /logout',
      async () => {
        const tokens = await login(t.app, dev.username);
        return http().post('/logout').send({ refresh_token: tokens.refresh });
      },
    ],
    [
      204,
      'DELETE /users/:id',
      async () => {
        const user = await seedUser(t.app, `hdr-del-${randomUUID().slice(0, 8)}`, 'DEV');
        return http().delete(`/users/${user.id}`).set('Authorization', bearer(adminTokens));
      },
    ],
    [400, 'POST /login with {}', () => http().post('/login').send({})],
    [
      400,
      'DELETE /users/not-a-uuid',
      () => http().delete('/users/not-a-uuid').set('Authorization', bearer(adminTokens)),
    ],
    [401, 'GET /users/me without credentials', () => http().get('/users/me')],
    [
      401,
      'POST /login with a wrong password',
      () => http().post('/login').send({ username: dev.username, password: 'wrong password here' }),
    ],
    [
      403,
      'POST /users by a DEV',
      () =>
        http()
          .post('/users')
          .set('Authorization', bearer(devTokens))
          .send({ username: 'hdr-denied', password: STRONG_PASSWORD, role: 'DEV' }),
    ],
    [404, 'GET /no/such/route', () => http().get('/no/such/route')],
    [
      404,
      'PATCH /users/<unknown>',
      () =>
        http()
          .patch(`/users/${randomUUID()}`)
          .set('Authorization', bearer(adminTokens))
          .send({ email: 'x@example.org' }),
    ],
    [
      409,
      'POST /users with a taken username',
      () =>
        http()
          .post('/users')
          .set('Authorization', bearer(adminTokens))
          .send({ username: 'HDR-DEV', password: STRONG_PASSWORD, role: 'DEV' }),
    ],
    [
      413,
      'POST /login with a 101 kB body',
      () =>
        http()
          .post('/login')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ username: 'x', password: 'p'.repeat(101 * 1024) })),
    ],
    [
      415,
      'POST /login as text/plain',
      () => http().post('/login').set('Content-Type', 'text/plain').send('{"username":"a","password":"b"}'),
    ],
  ];

  describe('HDR-01: security headers on every response', () => {
    it.each(cases)('HDR-01: %i (%s) carries every security header', async (status, _label, send) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(securityHeaderProblems(res)).toEqual([]);
    });

    it('HDR-01: 204 (CORS preflight) carries every security header', async () => {
      const res = await http()
        .options('/users')
        .set('Origin', ALLOWED_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(res.status).toBe(204);
      expect(securityHeaderProblems(res)).toEqual([]);
    });

    /** Answered before any route or middleware runs: by Node's HTTP parser, or on a path Express cannot decode. */
    const rawCases: [number, string, string][] = [
      [
        431,
        '20 kB of request headers',
        `GET /users/me HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      ],
      [400, 'an unknown method (TRACK)', 'TRACK /users/me HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      [
        400,
        'a Content-Length that is not a number',
        'POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: ten\r\n\r\n',
      ],
      [
        400,
        'a malformed percent-escape in the path',
        'GET /events/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      ],
    ];

    it.each(rawCases)(
      'HDR-01: %i (%s) carries every security header and the JSON error body',
      async (status, _label, text) => {
        const res = await rawAnswer(t.app.getHttpServer() as Server, text);
        expect(res.status).toBe(status);
        expect(securityHeaderProblems(res)).toEqual([]);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(JSON.parse(res.body)).toEqual({
          statusCode: status,
          error: STATUS_CODES[status],
          message: expect.any(String),
          requestId: res.headers['x-request-id'],
        });
        expect(res.body).not.toMatch(/HPE_|llhttp|\bexpress\b|node\.js|at \w+ \(/i);
      },
    );
  });

  describe('HDR-02: no caching of credentials', () => {
    it('HDR-02: login and refresh responses carry Cache-Control: no-store', async () => {
      const signIn = await http().post('/login').send({ username: dev.username, password: PASSWORD });
      expect(signIn.status).toBe(200);
      expect(signIn.body.refresh_token).toEqual(expect.any(String));
      const refresh = await http().post('/token/refresh').send({ refresh_token: signIn.body.refresh_token });
      expect(refresh.status).toBe(200);
      const failed = await http()
        .post('/login')
        .send({ username: dev.username, password: 'wrong password here' });
      expect(failed.status).toBe(401);
      const me = await http().get('/users/me').set('Authorization', bearer(devTokens));
      expect(me.status).toBe(200);
      for (const res of [signIn, refresh, failed, me]) {
        const cacheControl = String(res.headers['cache-control'] ?? '');
        expect(cacheControl.split(',').map((d) => d.trim().toLowerCase())).toContain('no-store');
      }
    });

    it('HDR-02: login and refresh responses carry Pragma: no-cache', async () => {
      const signIn = await http().post('/login').send({ username: dev.username, password: PASSWORD });
      expect(signIn.status).toBe(200);
      const refresh = await http().post('/token/refresh').send({ refresh_token: signIn.body.refresh_token });
      expect(refresh.status).toBe(200);
      expect(signIn.headers['pragma']).toBe('no-cache');
      expect(refresh.headers['pragma']).toBe('no-cache');
    });
  });

  describe('HDR-03: no banners', () => {
    it('HDR-03: no X-Powered-By or Server banner on success and error responses', async () => {
      const responses = [
        await http().get('/health/live'),
        await http().get('/users/me').set('Authorization', bearer(devTokens)),
        await http().get('/users/me'),
        await http().get('/no/such/route'),
        await http().post('/login').send({}),
        await http().post('/login').set('Content-Type', 'text/plain').send('x'),
      ];
      for (const res of responses) {
        expect(res.headers['x-powered-by']).toBeUndefined();
        expect(res.headers['server']).toBeUndefined();
        expect(res.headers['x-aspnet-version']).toBeUndefined();
        expect(res.text).not.toMatch(/\bexpress\b|node\.js|\/node_modules\/|at \w+ \(/i);
      }
    });
  });

  describe('HDR-04: CORS', () => {
    it('HDR-04: a foreign Origin gets no Access-Control-Allow-Origin', async () => {
      for (const origin of [
        EVIL_ORIGIN,
        'null',
        'http://cal.example.org',
        'https://cal.example.org.evil.example',
        'https://evil.cal.example.org',
      ]) {
        const simple = await http().get('/health/live').set('Origin', origin);
        expect(simple.status).toBe(200);
        expect(simple.headers['access-control-allow-origin']).toBeUndefined();
        expect(simple.headers['access-control-allow-credentials']).toBeUndefined();
        const withToken = await http()
          .get('/users/me')
          .set('Origin', origin)
          .set('Authorization', bearer(devTokens));
        expect(withToken.headers['access-control-allow-origin']).toBeUndefined();
        expect(withToken.headers['access-control-allow-credentials']).toBeUndefined();
      }
    });

    it('HDR-04: the allowed Origin is echoed (never *)', async () => {
      const res = await http()
        .get('/users/me')
        .set('Origin', ALLOWED_ORIGIN)
        .set('Authorization', bearer(devTokens));
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(String(res.headers['vary'] ?? '')).toMatch(/origin/i);
      // A browser client can read the next-page link of GET /events (VAL-03).
      const exposed = String(res.headers['access-control-expose-headers'] ?? '').toLowerCase();
      expect(exposed.split(/,\s*/)).toEqual(expect.arrayContaining(['link', 'x-request-id']));
    });

    it('HDR-04: preflight from the allowed Origin is answered; from a foreign Origin it is not', async () => {
      const ok = await http()
        .options('/users')
        .set('Origin', ALLOWED_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect([200, 204]).toContain(ok.status);
      expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      const methods = String(ok.headers['access-control-allow-methods'] ?? '').toUpperCase();
      expect(methods.split(',').map((m) => m.trim())).toEqual(expect.arrayContaining(['POST']));
      expect(methods).not.toContain('*');
      const allowedHeaders = String(ok.headers['access-control-allow-headers'] ?? '').toLowerCase();
      expect(allowedHeaders).toContain('authorization');
      expect(allowedHeaders).toContain('content-type');
      expect(allowedHeaders).not.toContain('*');

      const evil = await http()
        .options('/users')
        .set('Origin', EVIL_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      expect(evil.headers['access-control-allow-methods']).toBeUndefined();
      expect(evil.headers['access-control-allow-headers']).toBeUndefined();
      expect(evil.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });

  describe('HDR-05: JSON-only bodies', () => {
    it('HDR-05: POST /login with a text/plain, form or multipart body → 415', async () => {
      const text = await http()
        .post('/login')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ username: dev.username, password: PASSWORD }));
      expect(text.status).toBe(415);
      const form = await http()
        .post('/login')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`username=${dev.username}&password=${encodeURIComponent(PASSWORD)}`);
      expect(form.status).toBe(415);
      const multipart = await http()
        .post('/login')
        .field('username', dev.username)
        .field('password', PASSWORD);
      expect(multipart.status).toBe(415);
      for (const res of [text, form, multipart]) {
        expect(res.body).toMatchObject({ statusCode: 415 });
        expect(res.body.access_token).toBeUndefined();
      }
    });

    it('HDR-05: a form or text/plain request with an empty body → 415 (an empty body does not make it JSON)', async () => {
      const tokens = await login(t.app, dev.username);
      for (const [path, type] of [
        ['/login', 'application/x-www-form-urlencoded'],
        ['/logout', 'text/plain'],
        ['/2fa/setup', 'application/x-www-form-urlencoded'],
      ] as const) {
        const res = await http()
          .post(path)
          .set('Authorization', bearer(tokens))
          .set('Content-Type', type)
          .set('Content-Length', '0');
        expect({ path, status: res.status }).toEqual({ path, status: 415 });
        expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
        expect(securityHeaderProblems(res)).toEqual([]);
      }
      // Nothing happened: the session is still alive.
      const refresh = await http().post('/token/refresh').send({ refresh_token: tokens.refresh });
      expect(refresh.status).toBe(200);
    });

    it('HDR-05: other state-changing requests with a non-JSON body → 415 and nothing changes', async () => {
      const create = await http()
        .post('/users')
        .set('Authorization', bearer(adminTokens))
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ username: 'hdr-plain', password: STRONG_PASSWORD, role: 'DEV' }));
      expect(create.status).toBe(415);
      const patch = await http()
        .patch(`/users/${dev.id}`)
        .set('Authorization', bearer(adminTokens))
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('role=ADMIN');
      expect(patch.status).toBe(415);
      const refresh = await http().post('/token/refresh').set('Content-Type', 'text/plain').send('x');
      expect(refresh.status).toBe(415);
      const rows = (await t.app
        .get(DataSource)
        .query(
          "SELECT role, (SELECT count(*)::int FROM users WHERE username = 'hdr-plain') AS made FROM users WHERE id = $1",
          [dev.id],
        )) as { role: string; made: number }[];
      expect(rows[0]).toEqual({ role: 'DEV', made: 0 });
    });
  });

  describe('HDR-06: methods', () => {
    it('HDR-06: TRACE and undefined methods → 404/405', async () => {
      for (const path of ['/', '/health/live', '/users/me', '/login']) {
        const res = await http().trace(path).set('Authorization', bearer(adminTokens));
        expect([404, 405]).toContain(res.status);
        expect(res.text).not.toMatch(/authorization|bearer/i);
      }
      const put = await http()
        .put(`/users/${dev.id}`)
        .set('Authorization', bearer(adminTokens))
        .send({ role: 'ADMIN' });
      expect([404, 405]).toContain(put.status);
    });

    it('HDR-06: TRACK is not served', async () => {
      const res = await rawAnswer(
        t.app.getHttpServer() as Server,
        'TRACK /users/me HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      );
      expect([400, 404, 405, 501]).toContain(res.status);
    });

    it('HDR-06: X-HTTP-Method-Override (and its variants) is ignored', async () => {
      const victim = await seedUser(t.app, 'hdr-victim', 'DEV');
      for (const header of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) {
        const post = await http()
          .post(`/users/${victim.id}`)
          .set('Authorization', bearer(adminTokens))
          .set(header, 'DELETE')
          .send({});
        expect(post.status).toBe(404);
        const get = await http()
          .get(`/users/${victim.id}`)
          .set('Authorization', bearer(adminTokens))
          .set(header, 'DELETE');
        expect(get.status).toBe(404);
        const patch = await http()
          .post(`/users/${victim.id}`)
          .set('Authorization', bearer(adminTokens))
          .set(header, 'PATCH')
          .send({ role: 'ADMIN' });
        expect(patch.status).toBe(404);
        const me = await http()
          .get('/users/me')
          .set('Authorization', bearer(devTokens))
          .set(header, 'DELETE');
        expect(me.status).toBe(200);
        expect(me.body.id).toBe(dev.id);
      }
      const rows = (await t.app
        .get(DataSource)
        .query('SELECT role, is_active FROM users WHERE id = $1', [victim.id])) as {
        role: string;
        is_active: boolean;
      }[];
      expect(rows[0]).toEqual({ role: 'DEV', is_active: true });
    });
  });

  describe('HDR-07: charset', () => {
    it.each(cases)(
      'HDR-07: %i (%s) has a Content-Type with charset when it has a body',
      async (status, _label, send) => {
        const res = await send();
        expect(res.status).toBe(status);
        if (hasBody(res)) {
          expect(res.headers['content-type']).toMatch(/;\s*charset=utf-8/i);
          if (res.headers['content-type']?.startsWith('application/json'))
            expect(() => JSON.parse(res.text)).not.toThrow();
        } else {
          expect([204]).toContain(res.status);
        }
      },
    );

    it('HDR-07: GET /openapi.json and GET /health have a Content-Type with charset', async () => {
      for (const path of ['/openapi.json', '/health']) {
        const res = await http().get(path);
        expect(hasBody(res)).toBe(true);
        expect(res.headers['content-type']).toMatch(/^application\/json;\s*charset=utf-8/i);
      }
    });
  });
});
