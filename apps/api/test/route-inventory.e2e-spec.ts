import { Controller, Get, Post } from '@nestjs/common';
import { Roles } from '@uyoop/auth';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { seedUser } from '../../../test-support/auth';
import { nestRoutes, PUBLIC_ROUTES, type NestRoute } from '../../../test-support/routes';

/**
 * AC-01: the route inventory. Every route the Nest app serves is enumerated from the module graph
 * (controllers and their handlers' metadata, exactly what Nest's router explorer reads), cross-checked
 * against the routes Express actually has, and must declare who may call it. Every non-public route
 * refuses anonymous callers with 401.
 */

/** Self-test probes: one handler forgot its metadata, one has an empty @Roles(). */
@Controller('inventory-probe')
class UnmarkedProbeController {
  @Get('forgotten')
  forgotten(): { leaked: boolean } {
    return { leaked: true };
  }

  @Post('empty-roles')
  @Roles()
  emptyRoles(): { leaked: boolean } {
    return { leaked: true };
  }
}

type Route = NestRoute;

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** What Express will actually dispatch: the route layers of its router. */
function expressRoutes(t: TestApp): { method: string; path: string }[] {
  const instance = t.app.getHttpAdapter().getInstance() as {
    router?: { stack: ExpressLayer[] };
    _router?: { stack: ExpressLayer[] };
  };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const out: { method: string; path: string }[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (!on) continue;
      for (const path of [layer.route.path].flat()) out.push({ method: method.toUpperCase(), path });
    }
  }
  return out;
}

/** Routes that do not say who may call them (AC-01: such a route must fail the build). */
function metadataProblems(routes: Route[]): string[] {
  const problems: string[] = [];
  for (const r of routes) {
    const where = `${r.method} ${r.path} (${r.controller}.${r.handler})`;
    const hasRoles = Array.isArray(r.roles) && r.roles.length > 0;
    if (r.roles !== undefined && !hasRoles) problems.push(`${where}: @Roles() without any role`);
    if (!r.isPublic && !r.authenticated && !hasRoles) problems.push(`${where}: no access metadata`);
    if (r.isPublic && (r.authenticated || hasRoles))
      problems.push(`${where}: @Public() combined with @Authenticated()/@Roles()`);
  }
  return problems;
}

function fill(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+/g, () => randomUUID()).replace(/\*[A-Za-z0-9_]*/g, 'x');
}

describe('AC-01: route inventory (e2e)', () => {
  let t: TestApp;
  let routes: Route[];
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
    });
    routes = nestRoutes(t.app);
  });
  afterAll(() => t.close());

  it('AC-01: the inventory finds the app’s routes (sanity check of the enumeration)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /login',
        'POST /token/refresh',
        'GET /users/me',
        'GET /users',
        'POST /users',
        'PATCH /users/:id',
        'DELETE /users/:id',
        'GET /health',
        'GET /health/live',
        'GET /openapi.json',
      ]),
    );
  });

  it('AC-01: every route Express serves is a Nest route of the inventory (nothing bypasses the guards)', async () => {
    const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const served = expressRoutes(t);
    const unknown = served.filter(
      (r) =>
        !known.has(`${r.method} ${r.path}`) && !known.has(`${r.method.replace(/^HEAD$/, 'GET')} ${r.path}`),
    );
    // Every inventory route is really served.
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));
    expect(routes.map((r) => `${r.method} ${r.path}`).filter((k) => !servedKeys.has(k))).toEqual([]);
    // Catch-all layers are Nest's middleware mounts (security headers, JSON body): a random path
    // must fall through them to the 404 handler. Any other unknown route is a bypass.
    const problems = unknown
      .filter((r) => !r.path.includes('*'))
      .map((r) => `${r.method} ${r.path} is served but has no Nest handler`);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const res = await http()[verb](`/inventory-probe-${randomUUID()}`);
      if (res.status !== 404) problems.push(`${method} of an unknown path → ${res.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('AC-01: every handler has explicit access metadata: @Public(), @Authenticated() or @Roles(...)', () => {
    expect(metadataProblems(routes)).toEqual([]);
  });

  it('AC-01: the expected routes are public, everything else needs authentication', () => {
    const publicRoutes = routes
      .filter((r) => r.isPublic)
      .map((r) => r.key)
      .sort();
    const allowed = PUBLIC_ROUTES;
    expect(publicRoutes.filter((k) => !allowed.has(k))).toEqual([]);
    expect(publicRoutes).toEqual(expect.arrayContaining(['POST /login', 'GET /health/live']));
  });

  it('AC-01: every non-public route answers 401 without credentials (path params: random UUIDs, body {})', async () => {
    const guarded = routes.filter((r) => !r.isPublic);
    expect(guarded.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const r of guarded) {
      const methods = r.method === 'ALL' ? ['GET', 'POST'] : [r.method];
      for (const method of methods) {
        const path = fill(r.path);
        const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
        let req = http()[verb](path);
        if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) req = req.send({});
        const res = await req;
        if (res.status !== 401) problems.push(`${method} ${r.path} → ${res.status}`);
        else if (!/^Bearer/.test(String(res.headers['www-authenticate'])))
          problems.push(`${method} ${r.path}: 401 without WWW-Authenticate: Bearer`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('AC-01: every non-public route answers 401 to an invalid bearer token and to a bare X-User-Id', async () => {
    const dev = await seedUser(t.app, 'inventory-dev', 'DEV');
    const guarded = routes.filter((r) => !r.isPublic);
    const problems: string[] = [];
    for (const r of guarded) {
      const method = r.method === 'ALL' ? 'GET' : r.method;
      const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
      const path = fill(r.path);
      const withBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
      let forged = http()[verb](path).set('Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
      if (withBody) forged = forged.send({});
      const a = await forged;
      if (a.status !== 401) problems.push(`${method} ${r.path} with a forged bearer → ${a.status}`);
      let legacy = http()[verb](path).set('X-User-Id', dev.id);
      if (withBody) legacy = legacy.send({});
      const b = await legacy;
      if (b.status !== 401) problems.push(`${method} ${r.path} with X-User-Id → ${b.status}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('AC-01: route inventory self-test (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { controllers: [UnmarkedProbeController] });
  });
  afterAll(() => t.close());

  it('AC-01: the inventory check flags a handler without metadata and an empty @Roles()', async () => {
    const problems = metadataProblems(nestRoutes(t.app));
    expect(problems).toEqual([
      'GET /inventory-probe/forgotten (UnmarkedProbeController.forgotten): no access metadata',
      'POST /inventory-probe/empty-roles (UnmarkedProbeController.emptyRoles): @Roles() without any role',
      'POST /inventory-probe/empty-roles (UnmarkedProbeController.emptyRoles): no access metadata',
    ]);
    // Deny by default at run time as well: the forgotten route still wants credentials.
    const res = await request(t.app.getHttpServer()).get('/inventory-probe/forgotten');
    expect(res.status).toBe(401);
  });
});
