import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../../../test-support/app';
import { login, PASSWORD, seedUser, type SeededUser } from '../../../test-support/auth';
import { loadEnv } from '../src/config/env';

/**
 * Access tokens (security-requirements.md F, JWT-01..JWT-07) against the whole API on a real
 * PostgreSQL database. Hand-built tokens use the test app's own signing key and `kid`, so that in
 * every negative case exactly one property is wrong; a positive control shows such a token IS
 * accepted, so the negatives can fail.
 */

const KEY = Buffer.from(TEST_JWT_SECRET, 'base64');
/** The `kid` the server derives from its key (apps/api/src/auth/signing-keys.ts). */
const KID = createHash('sha256').update(KEY).digest('hex').slice(0, 16);
const ISSUER = 'uyoop-cal';
const AUDIENCE = 'uyoop-cal-api';

type Claims = Record<string, unknown>;
type Header = Record<string, unknown>;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const hs256 = (input: string, key: Buffer): string =>
  createHmac('sha256', key).update(input).digest('base64url');

/** Claims exactly like the server's, for the given user and session. */
function claimsFor(sub: string, sid: string, overrides: Claims = {}): Claims {
  const iat = nowSeconds();
  return {
    type: 'access',
    sid,
    sub,
    jti: randomUUID(),
    iss: ISSUER,
    aud: AUDIENCE,
    iat,
    exp: iat + 600,
    ...overrides,
  };
}

/** Signs with jsonwebtoken: HS256, the test key and its kid unless told otherwise. */
function sign(claims: Claims, opts: { key?: Buffer; kid?: string; header?: Header } = {}): string {
  const present = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return jwt.sign(present, opts.key ?? KEY, {
    algorithm: 'HS256',
    keyid: opts.kid ?? KID,
    header: { alg: 'HS256', ...(opts.header ?? {}) } as jwt.JwtHeader,
  });
}

/** A token assembled by hand, for headers jsonwebtoken refuses to produce. */
function handMade(header: Header, claims: Claims, signature: (signingInput: string) => string): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${signature(input)}`;
}

function withoutRequestId(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const { requestId: _requestId, ...rest } = body as Record<string, unknown>;
  return rest;
}

function decoded(token: string): JwtPayload {
  const payload = jwt.decode(token);
  if (payload === null || typeof payload === 'string') throw new Error('not a JWT');
  return payload;
}

describe('access tokens (JWT-01..JWT-07)', () => {
  let t: TestApp;
  let db: DataSource;
  let alice: SeededUser;
  let aliceSid: string;
  let other: SeededUser;
  const http = () => request(t.app.getHttpServer());
  // An array sends the header once per value (superagent passes it to Node's setHeader); the
  // typings only allow that for Cookie.
  const me = (authorization: string | string[]) =>
    http()
      .get('/users/me')
      .set('Authorization', authorization as string);

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
    });
    db = t.app.get(DataSource);
    alice = await seedUser(t.app, 'jwt-alice', 'DEV');
    other = await seedUser(t.app, 'jwt-other', 'DEV');
    const tokens = await login(t.app, alice.username);
    aliceSid = decoded(tokens.access).sid as string;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('JWT-01 — forged, malformed or stale access tokens', () => {
    const bodies = new Map<string, unknown>();

    it('JWT-01 control: a token built here with the right key, kid and claims IS accepted', async () => {
      const res = await me(`Bearer ${sign(claimsFor(alice.id, aliceSid))}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(alice.id);
      expect(res.body.username).toBe(alice.username);
    });

    const cases: [string, () => Promise<string> | string][] = [
      [
        'alg none without signature',
        () => handMade({ alg: 'none', typ: 'JWT', kid: KID }, claimsFor(alice.id, aliceSid), () => ''),
      ],
      [
        'alg none with a trailing (valid HS256) signature',
        () =>
          handMade({ alg: 'none', typ: 'JWT', kid: KID }, claimsFor(alice.id, aliceSid), (i) =>
            hs256(i, KEY),
          ),
      ],
      [
        'alg "None" (odd case) with a trailing signature',
        () =>
          handMade({ alg: 'None', typ: 'JWT', kid: KID }, claimsFor(alice.id, aliceSid), (i) =>
            hs256(i, KEY),
          ),
      ],
      [
        'alg none produced by jsonwebtoken',
        () => jwt.sign(claimsFor(alice.id, aliceSid), '', { algorithm: 'none', keyid: KID }),
      ],
      [
        'signature stripped',
        () => {
          const [h, p] = sign(claimsFor(alice.id, aliceSid)).split('.');
          return `${h}.${p}.`;
        },
      ],
      [
        'signature altered',
        () => {
          const [h, p, s] = sign(claimsFor(alice.id, aliceSid)).split('.') as [string, string, string];
          const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
          return `${h}.${p}.${flipped}`;
        },
      ],
      [
        'payload altered (sub of another user) under the original signature',
        () => {
          const [h, , s] = sign(claimsFor(alice.id, aliceSid)).split('.');
          return `${h}.${b64url(claimsFor(other.id, aliceSid))}.${s}`;
        },
      ],
      ['wrong iss', () => sign(claimsFor(alice.id, aliceSid, { iss: 'https://evil.example' }))],
      ['wrong aud', () => sign(claimsFor(alice.id, aliceSid, { aud: 'another-api' }))],
      ['missing aud', () => sign(claimsFor(alice.id, aliceSid, { aud: undefined }))],
      [
        'exp in the past (120 s, beyond the 30 s leeway)',
        () => sign(claimsFor(alice.id, aliceSid, { iat: nowSeconds() - 600, exp: nowSeconds() - 120 })),
      ],
      ['missing exp', () => sign(claimsFor(alice.id, aliceSid, { exp: undefined }))],
      ['nbf in the future (120 s)', () => sign(claimsFor(alice.id, aliceSid, { nbf: nowSeconds() + 120 }))],
      ['type "refresh"', () => sign(claimsFor(alice.id, aliceSid, { type: 'refresh' }))],
      ['type "mfa_pending"', () => sign(claimsFor(alice.id, aliceSid, { type: 'mfa_pending' }))],
      ['missing type', () => sign(claimsFor(alice.id, aliceSid, { type: undefined }))],
      [
        'signed by a different key (same kid)',
        () => sign(claimsFor(alice.id, aliceSid), { key: randomBytes(48) }),
      ],
      [
        'RS256 header, HMAC-signed with the server key (algorithm confusion)',
        () =>
          handMade({ alg: 'RS256', typ: 'JWT', kid: KID }, claimsFor(alice.id, aliceSid), (i) =>
            hs256(i, KEY),
          ),
      ],
      [
        'ES256 header, HMAC-signed with the server key (algorithm confusion)',
        () =>
          handMade({ alg: 'ES256', typ: 'JWT', kid: KID }, claimsFor(alice.id, aliceSid), (i) =>
            hs256(i, KEY),
          ),
      ],
      [
        'HS512 signed with the server key (algorithm not pinned)',
        () =>
          jwt.sign(claimsFor(alice.id, aliceSid), KEY, {
            algorithm: 'HS512',
            keyid: KID,
          }),
      ],
      [
        'genuinely RS256-signed with an attacker RSA key',
        () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return jwt.sign(claimsFor(alice.id, aliceSid), privateKey, { algorithm: 'RS256', keyid: KID });
        },
      ],
      [
        'token of a deactivated user',
        async () => {
          const user = await seedUser(t.app, 'jwt-deactivated', 'DEV');
          const tokens = await login(t.app, user.username);
          expect((await me(`Bearer ${tokens.access}`)).status).toBe(200);
          await db.query(`UPDATE users SET is_active = false WHERE id = $1`, [user.id]);
          return tokens.access;
        },
      ],
      [
        'token whose session was revoked',
        async () => {
          const user = await seedUser(t.app, 'jwt-revoked', 'DEV');
          const tokens = await login(t.app, user.username);
          expect((await me(`Bearer ${tokens.access}`)).status).toBe(200);
          await db.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'test' WHERE id = $1`, [
            decoded(tokens.access).sid,
          ]);
          return tokens.access;
        },
      ],
      ['token naming an unknown session', () => sign(claimsFor(alice.id, randomUUID()))],
      ["token naming another user's session", () => sign(claimsFor(other.id, aliceSid))],
    ];

    it.each(cases)('JWT-01: %s → 401 with WWW-Authenticate: Bearer', async (name, build) => {
      const res = await me(`Bearer ${await build()}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      bodies.set(name, withoutRequestId(res.body));
    });

    it('JWT-01: every rejection above has the same body (nothing tells which check failed)', () => {
      expect(bodies.size).toBe(cases.length);
      const [first] = [...bodies.values()];
      expect(first).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      for (const [name, body] of bodies) expect({ name, body }).toEqual({ name, body: first });
    });
  });

  describe('JWT-02 — key selection and untrusted header parameters', () => {
    let server: Server;
    let serverUrl: string;
    const hits: string[] = [];
    const attackerKey = randomBytes(48);

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        hits.push(`${req.method} ${req.url}`);
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            keys: [{ kty: 'oct', kid: KID, alg: 'HS256', k: attackerKey.toString('base64url') }],
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it.each([['../../dev/null'], ["' OR '1'='1"], ['../../../../etc/passwd']])(
      'JWT-02: kid %j → 401 (kid is looked up in a static map)',
      async (kid) => {
        const claims = claimsFor(alice.id, aliceSid);
        // Signed with the server key and with the empty key (what /dev/null would yield).
        for (const token of [
          sign(claims, { kid }),
          handMade({ alg: 'HS256', typ: 'JWT', kid }, claims, (i) => hs256(i, Buffer.alloc(0))),
        ]) {
          const res = await me(`Bearer ${token}`);
          expect(res.status).toBe(401);
          expect(res.headers['www-authenticate']).toBe('Bearer');
        }
      },
    );

    it('JWT-02: jku, x5u and jwk headers are ignored — no outbound request, the signature alone decides', async () => {
      const fetchSpy = jest.spyOn(globalThis, 'fetch');
      const httpsSpy = jest.spyOn(https, 'request');
      try {
        const jwk = { kty: 'oct', kid: KID, k: attackerKey.toString('base64url') };
        const untrusted: Header[] = [
          { jku: `${serverUrl}/jwks.json` },
          { x5u: `${serverUrl}/cert.pem` },
          { jwk },
          { jku: `${serverUrl}/jwks.json`, x5u: `${serverUrl}/cert.pem`, jwk },
        ];
        for (const header of untrusted) {
          const valid = await me(`Bearer ${sign(claimsFor(alice.id, aliceSid), { header })}`);
          expect({ header, status: valid.status }).toEqual({ header, status: 200 });
          const forged = await me(
            `Bearer ${sign(claimsFor(alice.id, aliceSid), { header, key: attackerKey })}`,
          );
          expect({ header, status: forged.status }).toEqual({ header, status: 401 });
        }
        // Give any background fetch a moment to show up.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(hits).toEqual([]);
        expect(fetchSpy).not.toHaveBeenCalled();
        expect(httpsSpy).not.toHaveBeenCalled();
      } finally {
        fetchSpy.mockRestore();
        httpsSpy.mockRestore();
      }
    });

    it('JWT-02 control: the key server does answer when asked (so "no hits" means something)', async () => {
      const res = await fetch(`${serverUrl}/jwks.json`);
      expect(res.status).toBe(200);
      expect(hits).toEqual(['GET /jwks.json']);
      hits.length = 0;
    });
  });

  describe('JWT-03 — signing key strength', () => {
    it('JWT-03: a short JWT_SECRET is refused at configuration load, naming JWT_SECRET', () => {
      expect(() => loadEnv({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    });

    it('JWT-03: a human password as JWT_SECRET is refused too, and the error does not echo it', () => {
      let error: unknown;
      try {
        loadEnv({ JWT_SECRET: 'correct horse battery staple' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/JWT_SECRET/);
      expect((error as Error).message).not.toContain('correct horse');
    });

    it('JWT-03: a short JWT_PREVIOUS_SECRET is refused, naming it', () => {
      expect(() =>
        loadEnv({ JWT_SECRET: randomBytes(48).toString('base64'), JWT_PREVIOUS_SECRET: 'c2hvcnQ=' }),
      ).toThrow(/JWT_PREVIOUS_SECRET/);
    });

    it('JWT-03 control: 256 random bits (base64 or hex) are accepted', () => {
      expect(() => loadEnv({ JWT_SECRET: randomBytes(32).toString('base64') })).not.toThrow();
      expect(() => loadEnv({ JWT_SECRET: randomBytes(32).toString('hex') })).not.toThrow();
    });
  });

  describe('JWT-04 — lifetime and leeway', () => {
    it('JWT-04: issued access tokens live at most 900 s and expires_in matches exp - iat', async () => {
      const res = await http().post('/login').send({ username: alice.username, password: PASSWORD });
      expect(res.status).toBe(200);
      const claims = decoded(res.body.access_token as string);
      expect(typeof claims.iat).toBe('number');
      expect(typeof claims.exp).toBe('number');
      const lifetime = claims.exp! - claims.iat!;
      expect(lifetime).toBeGreaterThan(0);
      expect(lifetime).toBeLessThanOrEqual(900);
      expect(res.body.expires_in).toBe(lifetime);
      expect(claims).toMatchObject({ type: 'access', sub: alice.id, iss: ISSUER, aud: AUDIENCE });
      expect(claims.jti).toEqual(expect.any(String));

      const refreshed = await http().post('/token/refresh').send({ refresh_token: res.body.refresh_token });
      expect(refreshed.status).toBe(200);
      const again = decoded(refreshed.body.access_token as string);
      expect(again.exp! - again.iat!).toBeLessThanOrEqual(900);
      expect(refreshed.body.expires_in).toBe(again.exp! - again.iat!);
      expect(again.jti).not.toBe(claims.jti);
    });

    it('JWT-04: the exp/nbf leeway is at most 60 s', async () => {
      const expired = sign(
        claimsFor(alice.id, aliceSid, { iat: nowSeconds() - 600, exp: nowSeconds() - 61 }),
      );
      expect((await me(`Bearer ${expired}`)).status).toBe(401);
      const notYet = sign(claimsFor(alice.id, aliceSid, { nbf: nowSeconds() + 61 }));
      expect((await me(`Bearer ${notYet}`)).status).toBe(401);
    });

    it('JWT-04: a token claiming a lifetime beyond the configured one is refused (iat too old)', async () => {
      const token = sign(
        claimsFor(alice.id, aliceSid, { iat: nowSeconds() - 3600, exp: nowSeconds() + 600 }),
      );
      expect((await me(`Bearer ${token}`)).status).toBe(401);
    });
  });

  describe('JWT-05 — revocation of access tokens issued before an event', () => {
    it('JWT-05: after logout (POST /logout with its refresh token)', async () => {
      const user = await seedUser(t.app, 'jwt05-logout', 'DEV');
      const tokens = await login(t.app, user.username);
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(200);
      const out = await http().post('/logout').send({ refresh_token: tokens.refresh });
      expect(out.status).toBe(204);
      const after = await me(`Bearer ${tokens.access}`);
      expect(after.status).toBe(401);
      expect(after.headers['www-authenticate']).toBe('Bearer');
    });

    it("JWT-05: after the user's password change", async () => {
      const user = await seedUser(t.app, 'jwt05-password', 'DEV');
      const tokens = await login(t.app, user.username);
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(200);
      const newPassword = 'a brand new passphrase, 2026!';
      const changed = await http()
        .patch(`/users/${user.id}`)
        .set('Authorization', `Bearer ${tokens.access}`)
        .send({ password: newPassword, current_password: user.password });
      expect(changed.status).toBe(200);
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(401);
      const fresh = await login(t.app, user.username, newPassword);
      expect((await me(`Bearer ${fresh.access}`)).status).toBe(200);
    });

    it('JWT-05: after a role change by an ADMIN', async () => {
      const admin = await seedUser(t.app, 'jwt05-admin', 'ADMIN');
      const user = await seedUser(t.app, 'jwt05-role', 'DEV');
      const adminTokens = await login(t.app, admin.username);
      const tokens = await login(t.app, user.username);
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(200);
      const changed = await http()
        .patch(`/users/${user.id}`)
        .set('Authorization', `Bearer ${adminTokens.access}`)
        .send({ role: 'OPS' });
      expect(changed.status).toBe(200);
      expect(changed.body.role).toBe('OPS');
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(401);
      // The ADMIN's own token is not affected.
      expect((await me(`Bearer ${adminTokens.access}`)).status).toBe(200);
    });

    it('JWT-05: after deactivation (DELETE /users/:id)', async () => {
      const admin = await seedUser(t.app, 'jwt05-admin2', 'ADMIN');
      const user = await seedUser(t.app, 'jwt05-deleted', 'DEV');
      const adminTokens = await login(t.app, admin.username);
      const tokens = await login(t.app, user.username);
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(200);
      const removed = await http()
        .delete(`/users/${user.id}`)
        .set('Authorization', `Bearer ${adminTokens.access}`);
      expect(removed.status).toBe(204);
      expect((await me(`Bearer ${tokens.access}`)).status).toBe(401);
    });
  });

  describe('JWT-06 — decisions use the current role', () => {
    it('JWT-06: an ADMIN demoted to DEV cannot POST /users with the old token', async () => {
      const keeper = await seedUser(t.app, 'jwt06-keeper', 'ADMIN');
      const demoted = await seedUser(t.app, 'jwt06-demoted', 'ADMIN');
      const keeperTokens = await login(t.app, keeper.username);
      const old = await login(t.app, demoted.username);
      const newUser = (username: string) => ({
        username,
        password: 'a long enough passphrase 42',
        role: 'DEV',
      });

      // Control: the token can do the admin action before the demotion.
      const before = await http()
        .post('/users')
        .set('Authorization', `Bearer ${old.access}`)
        .send(newUser('jwt06-before'));
      expect(before.status).toBe(201);

      const changed = await http()
        .patch(`/users/${demoted.id}`)
        .set('Authorization', `Bearer ${keeperTokens.access}`)
        .send({ role: 'DEV' });
      expect(changed.status).toBe(200);

      const after = await http()
        .post('/users')
        .set('Authorization', `Bearer ${old.access}`)
        .send(newUser('jwt06-after'));
      expect([401, 403]).toContain(after.status);

      // A fresh login gets the stored role: still no admin action.
      const fresh = await login(t.app, demoted.username);
      const again = await http()
        .post('/users')
        .set('Authorization', `Bearer ${fresh.access}`)
        .send(newUser('jwt06-fresh'));
      expect(again.status).toBe(403);
      const created = (await db.query(
        `SELECT username FROM users WHERE username LIKE 'jwt06-%' ORDER BY 1`,
      )) as {
        username: string;
      }[];
      expect(created.map((r) => r.username)).toEqual(['jwt06-before', 'jwt06-demoted', 'jwt06-keeper']);
    });
  });

  describe('JWT-07 — Authorization header parsing', () => {
    let valid: string;
    beforeAll(() => {
      valid = sign(claimsFor(alice.id, aliceSid));
    });

    it.each([
      ['Bearer a b', () => 'Bearer a b'],
      ['Bearer <valid> <extra>', () => `Bearer ${valid} extra`],
      ['Bearer alone', () => 'Bearer'],
      ['Bearer with an empty token', () => 'Bearer '],
      ['Basic credentials', () => `Basic ${Buffer.from(`${alice.username}:${PASSWORD}`).toString('base64')}`],
      ['the token without a scheme', () => valid],
      ['a junk three-part token over 8 KB', () => `Bearer ${'a'.repeat(4500)}.${'b'.repeat(4500)}.c`],
      [
        'a correctly signed token over 8 KB',
        () => `Bearer ${sign(claimsFor(alice.id, aliceSid, { pad: 'x'.repeat(9000) }))}`,
      ],
    ])('JWT-07: %s → 401 (not 500)', async (_name, header) => {
      const res = await me(header());
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('JWT-07 control: the oversized signed token is refused for its size only', async () => {
      // Same construction just under the limit is accepted.
      const small = sign(claimsFor(alice.id, aliceSid, { pad: 'x'.repeat(1000) }));
      expect((await me(`Bearer ${small}`)).status).toBe(200);
    });

    // Node keeps only the first of repeated Authorization headers in `req.headers`; the second one
    // is only visible in `req.rawHeaders`, so an ambiguous request must be refused explicitly.
    it.each([
      ['the same valid token twice', () => [`Bearer ${valid}`, `Bearer ${valid}`]],
      ['a valid token, then Basic credentials', () => [`Bearer ${valid}`, 'Basic dXNlcjpwYXNz']],
    ])('JWT-07: two Authorization headers (%s) → 401', async (_name, headers) => {
      const res = await me(headers());
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    // Documented choice: the auth scheme is case-insensitive (RFC 9110 §11.1), so `bearer` and
    // `BEARER` are accepted like `Bearer`, consistently on every route.
    it.each([['bearer'], ['BEARER'], ['Bearer']])(
      'JWT-07: scheme %j with a valid token is accepted',
      async (scheme) => {
        const res = await me(`${scheme} ${valid}`);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(alice.id);
      },
    );
  });
});
