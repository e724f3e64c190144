/*
 * HTTP adapter benchmark: Express vs Fastify for the same minimal Nest app.
 *
 * One run boots the app twice, each adapter in its own forked child process
 * (own heap, own event loop) on 127.0.0.1 with an ephemeral port, checks that
 * both answer the same way (200 / 401 / 400 / 413 and security headers), then
 * drives an authenticated JSON route (GET /users/me behind a global HS256 JWT
 * guard) with autocannon in the order express -> fastify -> express -> fastify
 * and prints a table plus the fastify/express ratio. Express is the baseline.
 * This is done for two scenarios: the JWT secret given to @nestjs/jwt as a
 * string, then as a crypto.KeyObject (see JWT_SECRET_MODE below).
 *
 * Run:  npm run bench:http   (= ts-node --transpile-only -P tsconfig.json <this file>)
 *       or npx ts-node --transpile-only bench/http-adapter/bench-http-adapter.ts
 *       or compile with swc (repo .swcrc) and run the .js. Under ts-node the
 *       children are transpiled once with @swc/core into a temp dir, so that
 *       their RSS does not include the TypeScript compiler.
 * Results and decision: docs/adr/0001-http-adapter.md
 *
 * Knobs (env): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, before each
 * measured run, default 2),
 * BENCH_FIRST_WARMUP (s, once per child before round 1, default 5),
 * BENCH_CONNECTIONS (default 50), BENCH_PIPELINING (default 1),
 * BENCH_ROUNDS (pairs, default 2), BENCH_JWT_SECRET=string|keyobject (one
 * scenario only; default: both), BENCH_SECURITY=helmet|nest,
 * BENCH_CHILD_RUNNER=ts-node, BENCH_JSON=1 (also print raw JSON).
 * Hard limit: the whole run aborts (children killed) after 170 s.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createSecretKey, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  Body,
  Catch,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Injectable,
  Module,
  Post,
  SetMetadata,
  UnauthorizedException,
  ValidationPipe,
  createParamDecorator,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, HttpAdapterHost, NestFactory, Reflector } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { IsISO8601, IsString, Length, MaxLength } from 'class-validator';

type AdapterName = 'express' | 'fastify';

// ---------------------------------------------------------------------------
// Shared settings (parent and children)
// ---------------------------------------------------------------------------

const HOST = '127.0.0.1';
const JWT_SECRET = 'bench-only-secret-not-used-anywhere-else-0123456789abcdef';
const JWT_ISSUER = 'uyoop-cal';
const JWT_AUDIENCE = 'uyoop-cal-api';
const BODY_LIMIT_BYTES = 100 * 1024; // express.json({ limit: '100kb' }) === fastify bodyLimit 102400
const GLOBAL_TIMEOUT_MS = 170_000;

/*
 * How the HS256 secret is handed to @nestjs/jwt (same on both adapters):
 * - "string": as a string, as most Nest apps do. jsonwebtoken 9 then calls
 *   crypto.createPublicKey(secret) on every verify, which throws and is caught
 *   (~0.35 ms per verify in isolation, ~0.5 ms of server CPU per request under
 *   load on the reference machine);
 * - "keyobject": a crypto.KeyObject built once (createSecretKey), which skips
 *   that (~7 us per verify).
 * The parent runs both scenarios unless BENCH_JWT_SECRET=string|keyobject;
 * each child gets its scenario as "--jwt <mode>".
 */
type JwtSecretMode = 'string' | 'keyobject';
function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : process.argv[i + 1];
}
const JWT_SECRET_MODE: JwtSecretMode = argValue('--jwt') === 'keyobject' ? 'keyobject' : 'string';
const JWT_KEY: string | KeyObject =
  JWT_SECRET_MODE === 'keyobject' ? createSecretKey(Buffer.from(JWT_SECRET, 'utf8')) : JWT_SECRET;

/*
 * BENCH_SECURITY=helmet (default): helmet() on Express; @fastify/helmet on
 * Fastify when resolvable (e.g. NODE_PATH=/tmp/x/node_modules), else the same
 * helmet() middleware through app.use() (@fastify/middie).
 * =nest: Nest 12's adapter-neutral app.useSecurityHeaders() on both.
 */
const SECURITY_MODE = process.env.BENCH_SECURITY === 'nest' ? 'nest' : 'helmet';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------
// The minimal app (what runs in each child)
// ---------------------------------------------------------------------------

const IS_PUBLIC = 'bench:isPublic';
const Public = (): ReturnType<typeof SetMetadata> => SetMetadata(IS_PUBLIC, true);

interface JwtClaims {
  sub: string;
  email: string;
  roles: string[];
}

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: JwtClaims;
}

@Injectable()
class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers['authorization'];
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      throw new UnauthorizedException('Missing bearer token');
    }
    try {
      req.user = await this.jwt.verifyAsync<JwtClaims>(header.slice(7), {
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
    } catch {
      throw new UnauthorizedException('Invalid token');
    }
    return true;
  }
}

@Catch()
class JsonExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const ctx = host.switchToHttp();
    const status =
      exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    let message: unknown = 'Internal server error';
    if (exception instanceof HttpException) {
      const res = exception.getResponse();
      message =
        typeof res === 'object' && res !== null && 'message' in res
          ? (res as { message: unknown }).message
          : res;
    }
    httpAdapter.reply(
      ctx.getResponse(),
      {
        statusCode: status,
        message,
        path: httpAdapter.getRequestUrl(ctx.getRequest()),
        timestamp: new Date().toISOString(),
      },
      status,
    );
  }
}

class CreateEventDto {
  @IsString()
  @Length(1, 120)
  title!: string;

  @IsISO8601()
  startsAt!: string;

  @IsString()
  @MaxLength(200_000) // so that only the body limit can reject a big payload
  notes!: string;
}

const EVENT_KINDS = ['meeting', 'deploy-window', 'git-action'] as const;

function buildMe(user: JwtClaims): Record<string, unknown> {
  const events = [];
  for (let i = 0; i < 10; i++) {
    events.push({
      id: `evt_${1000 + i}`,
      kind: EVENT_KINDS[i % 3],
      title: `Event ${i}`,
      startsAt: `2030-01-${String(10 + i).padStart(2, '0')}T09:00:00.000Z`,
      durationMin: 30,
    });
  }
  return {
    id: user.sub,
    email: user.email,
    displayName: 'Bench User',
    roles: user.roles,
    totpEnabled: true,
    timezone: 'Europe/Paris',
    events,
  };
}

// Reads the claims the guard put on the request.
const ReqUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().user,
);

@Controller()
class BenchController {
  @Public()
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('users/me')
  me(@ReqUser() user: JwtClaims): Record<string, unknown> {
    return buildMe(user);
  }

  @Post('users/me/events')
  @HttpCode(201)
  createEvent(@Body() dto: CreateEventDto): { ok: true; title: string; notesBytes: number; isDto: boolean } {
    // isDto proves that design:paramtypes metadata was emitted (ValidationPipe transform)
    return { ok: true, title: dto.title, notesBytes: dto.notes.length, isDto: dto instanceof CreateEventDto };
  }
}

@Module({
  imports: [
    JwtModule.register({
      secret: JWT_KEY,
      signOptions: { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: '1h' },
      verifyOptions: { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
    }),
  ],
  controllers: [BenchController],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_FILTER, useClass: JsonExceptionFilter },
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
    },
  ],
})
class AppModule {}

interface ChildReady {
  type: 'ready';
  adapter: AdapterName;
  port: number;
  security: string;
  bootMs: number;
  rss: number;
}
interface ChildStats {
  type: 'stats';
  rss: number;
  heapUsed: number;
  cpuUserUs: number;
  cpuSystemUs: number;
}
type ChildMsg = ChildReady | ChildStats | { type: 'error'; error: string };

async function createApp(adapter: AdapterName): Promise<{ app: INestApplication; security: string }> {
  const logger = ['error', 'warn'] as ('error' | 'warn')[];
  if (adapter === 'express') {
    // Loaded lazily so that each child only loads its own adapter.
    const express = (await import('express')).default;
    const helmet = (await import('helmet')).default;
    const app = await NestFactory.create(AppModule, { bodyParser: false, logger });
    let security = 'helmet 8 (express middleware)';
    if (SECURITY_MODE === 'nest') {
      app.useSecurityHeaders();
      security = 'Nest app.useSecurityHeaders()';
    } else {
      app.use(helmet());
    }
    app.use(express.json({ limit: '100kb' }));
    return { app, security };
  }

  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const app = await NestFactory.create(AppModule, new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger,
  });
  if (SECURITY_MODE === 'nest') {
    app.useSecurityHeaders();
    return { app, security: 'Nest app.useSecurityHeaders()' };
  }
  let fastifyHelmet: unknown;
  try {
    // Optional: not a dependency of the repo; resolvable e.g. via NODE_PATH.
    // require() (not import()) so that NODE_PATH is honoured whatever "module"
    // tsconfig.json uses (with "node20", import() stays a native ESM import).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@fastify/helmet') as { default?: unknown };
    fastifyHelmet = mod.default ?? mod;
  } catch {
    fastifyHelmet = undefined;
  }
  if (fastifyHelmet) {
    // NestFastifyApplication#register; typed loosely to keep @fastify/helmet optional.
    await (app as unknown as { register(p: unknown, o?: unknown): Promise<unknown> }).register(fastifyHelmet);
    return { app, security: '@fastify/helmet (fastify plugin, onRequest hook)' };
  }
  // Fallback: the same helmet 8 middleware as on Express, run through @fastify/middie (app.use).
  const helmet = (await import('helmet')).default;
  app.use(helmet());
  return { app, security: 'helmet 8 via app.use() / @fastify/middie (@fastify/helmet not installed)' };
}

async function runChild(adapter: AdapterName): Promise<void> {
  const send = (m: ChildMsg): void => {
    process.send?.(m);
  };
  // If the parent goes away, do not linger.
  process.on('disconnect', () => process.exit(0));
  const t0 = performance.now();
  try {
    const { app, security } = await createApp(adapter);
    await app.listen(0, HOST);
    const port = (app.getHttpServer().address() as AddressInfo).port;
    process.on('message', (raw: unknown) => {
      const m = raw as { type?: string };
      if (m.type === 'stats') {
        const mem = process.memoryUsage();
        const cpu = process.cpuUsage();
        send({
          type: 'stats',
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          cpuUserUs: cpu.user,
          cpuSystemUs: cpu.system,
        });
      } else if (m.type === 'stop') {
        void app.close().finally(() => process.exit(0));
      }
    });
    send({
      type: 'ready',
      adapter,
      port,
      security,
      bootMs: performance.now() - t0,
      rss: process.memoryUsage().rss,
    });
  } catch (err) {
    send({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------
// Parent: orchestration, checks, load, report
// ---------------------------------------------------------------------------

interface Child {
  adapter: AdapterName;
  proc: ChildProcess;
  port: number;
  security: string;
  bootMs: number;
  bootRss: number;
  url: string;
}

const children = new Set<ChildProcess>();

function killChild(proc: ChildProcess): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(proc.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function killAll(): void {
  for (const p of children) killChild(p);
  removeTmpDir();
}

function waitFor<T extends ChildMsg['type']>(
  proc: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ChildMsg, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${proc.pid}: no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMsg = (raw: unknown): void => {
      const m = raw as ChildMsg;
      if (m.type === 'error') {
        cleanup();
        reject(new Error(`child ${proc.pid} failed:\n${m.error}`));
      } else if (m.type === type) {
        cleanup();
        resolve(m as Extract<ChildMsg, { type: T }>);
      }
    };
    const onExit = (code: number | null, sig: string | null): void => {
      cleanup();
      reject(new Error(`child ${proc.pid} exited (code ${code}, signal ${sig}) while waiting for '${type}'`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      proc.off('message', onMsg);
      proc.off('exit', onExit);
    };
    proc.on('message', onMsg);
    proc.on('exit', onExit);
  });
}

interface ChildEntry {
  file: string;
  execArgv: string[];
  env: Record<string, string>;
  label: string;
}

let childEntryCache: ChildEntry | undefined;
let tmpDir: string | undefined;

/**
 * How the children run. Compiled (swc) JS when possible, so that their RSS is
 * not inflated by the TypeScript compiler ts-node keeps in memory (~55 MB):
 * - parent already compiled (.js): fork the same file;
 * - parent under ts-node: transpile this file once with @swc/core and the
 *   repo's .swcrc (legacy decorators + decoratorMetadata) into a temp dir, and
 *   fork that with NODE_PATH pointing at the repo's node_modules;
 * - fallback, or BENCH_CHILD_RUNNER=ts-node: fork this .ts file under
 *   ts-node/register/transpile-only (emitDecoratorMetadata from tsconfig.json).
 */
function childEntry(): ChildEntry {
  if (childEntryCache) return childEntryCache;
  if (!__filename.endsWith('.ts')) {
    childEntryCache = { file: __filename, execArgv: [], env: {}, label: 'compiled js (same file)' };
    return childEntryCache;
  }
  const tsNode: ChildEntry = {
    file: __filename,
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { TS_NODE_TRANSPILE_ONLY: 'true' },
    label: 'ts-node transpile-only',
  };
  if (process.env.BENCH_CHILD_RUNNER === 'ts-node') return (childEntryCache = tsNode);
  try {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, '.swcrc')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const swcrc = JSON.parse(fs.readFileSync(path.join(dir, '.swcrc'), 'utf8')) as Record<string, unknown>;
    delete swcrc.$schema;
    // swc needs an absolute jsc.baseUrl when options are passed programmatically
    const jsc = (swcrc.jsc ?? {}) as Record<string, unknown>;
    swcrc.jsc = { ...jsc, baseUrl: dir };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swc = require('@swc/core') as typeof import('@swc/core');
    const out = swc.transformFileSync(__filename, {
      ...(swcrc as import('@swc/core').Options),
      swcrc: false,
      sourceMaps: false,
      filename: __filename,
    });
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uyoop-bench-http-'));
    const file = path.join(tmpDir, 'bench-http-adapter.child.js');
    fs.writeFileSync(file, out.code);
    const nodePath = [path.join(dir, 'node_modules'), process.env.NODE_PATH]
      .filter(Boolean)
      .join(path.delimiter);
    childEntryCache = { file, execArgv: [], env: { NODE_PATH: nodePath }, label: 'swc-compiled js' };
  } catch (err) {
    console.warn(`[bench] swc transpile failed (${String(err)}); children run under ts-node`);
    childEntryCache = tsNode;
  }
  return childEntryCache;
}

function removeTmpDir(): void {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}

async function startChild(adapter: AdapterName, jwtMode: JwtSecretMode): Promise<Child> {
  const entry = childEntry();
  const proc = fork(entry.file, ['--child', adapter, '--jwt', jwtMode], {
    execArgv: entry.execArgv,
    env: { ...process.env, ...entry.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  const ready = await waitFor(proc, 'ready', 30_000);
  return {
    adapter,
    proc,
    port: ready.port,
    security: ready.security,
    bootMs: ready.bootMs,
    bootRss: ready.rss,
    url: `http://${HOST}:${ready.port}`,
  };
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.proc.once('exit', () => r()));
  c.proc.send({ type: 'stop' });
  const t = setTimeout(() => killChild(c.proc), 3_000);
  await exited;
  clearTimeout(t);
}

async function stats(c: Child): Promise<ChildStats> {
  const p = waitFor(c.proc, 'stats', 5_000);
  c.proc.send({ type: 'stats' });
  return p;
}

// --- functional parity checks ---------------------------------------------

interface Probe {
  status: number;
  contentType: string;
  bodyKeys: string;
  bytes: number;
  headers: Headers;
  json: unknown;
}

async function probe(url: string, init?: RequestInit): Promise<Probe> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    contentType: (res.headers.get('content-type') ?? '').split(';')[0] ?? '',
    bodyKeys: json && typeof json === 'object' ? Object.keys(json).sort().join(',') : '(not json)',
    bytes: Buffer.byteLength(text),
    headers: res.headers,
    json,
  };
}

// Security headers compared between adapters (abbreviation shown in the table).
const SECURITY_HEADERS: [string, string][] = [
  ['content-security-policy', 'csp'],
  ['strict-transport-security', 'hsts'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'xfo'],
  ['cross-origin-opener-policy', 'coop'],
  ['referrer-policy', 'refpol'],
];

function secHeaders(h: Headers): string {
  const present = SECURITY_HEADERS.filter(([k]) => h.has(k)).map(([, abbr]) => abbr);
  return [...present, h.has('x-powered-by') ? '+x-powered-by' : 'no-x-powered-by'].join(' ');
}

interface CheckRow {
  name: string;
  expect: number;
  express: string;
  fastify: string;
  ok: boolean;
}

async function parityChecks(byAdapter: Record<AdapterName, Child>, tokens: Tokens): Promise<CheckRow[]> {
  const bigNotes = 'x'.repeat(150 * 1024);
  const cases: {
    name: string;
    expect: number;
    path: string;
    init?: RequestInit;
    compareSecHeaders?: boolean;
  }[] = [
    {
      name: 'GET /users/me valid JWT',
      expect: 200,
      path: '/users/me',
      init: { headers: { authorization: `Bearer ${tokens.valid}` } },
      compareSecHeaders: true,
    },
    { name: 'GET /users/me no token', expect: 401, path: '/users/me', compareSecHeaders: true },
    {
      name: 'GET /users/me wrong issuer',
      expect: 401,
      path: '/users/me',
      init: { headers: { authorization: `Bearer ${tokens.wrongIssuer}` } },
    },
    {
      name: 'GET /users/me wrong audience',
      expect: 401,
      path: '/users/me',
      init: { headers: { authorization: `Bearer ${tokens.wrongAudience}` } },
    },
    {
      name: 'GET /users/me alg=none',
      expect: 401,
      path: '/users/me',
      init: { headers: { authorization: `Bearer ${tokens.algNone}` } },
    },
    {
      name: 'GET /users/me expired',
      expect: 401,
      path: '/users/me',
      init: { headers: { authorization: `Bearer ${tokens.expired}` } },
    },
    {
      name: 'POST valid DTO (pipe+metadata)',
      expect: 201,
      path: '/users/me/events',
      init: {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.valid}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Deploy', startsAt: '2030-01-01T10:00:00Z', notes: 'n' }),
      },
    },
    {
      name: 'POST invalid DTO -> ValidationPipe',
      expect: 400,
      path: '/users/me/events',
      init: {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.valid}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: '', startsAt: 'tomorrow', notes: 1, extra: true }),
      },
    },
    {
      name: 'POST 150 KB body -> body limit',
      expect: 413,
      path: '/users/me/events',
      init: {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.valid}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Big', startsAt: '2030-01-01T10:00:00Z', notes: bigNotes }),
      },
    },
    {
      name: 'POST 150 KB body, no token',
      expect: 413,
      path: '/users/me/events',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ notes: bigNotes }),
      },
    },
    {
      name: 'GET /nope (404 via filter)',
      expect: 404,
      path: '/nope',
      init: { headers: { authorization: `Bearer ${tokens.valid}` } },
    },
  ];

  const rows: CheckRow[] = [];
  for (const c of cases) {
    const e = await probe(byAdapter.express.url + c.path, c.init);
    const f = await probe(byAdapter.fastify.url + c.path, c.init);
    const fmt = (p: Probe): string =>
      `${p.status} ${p.contentType} {${p.bodyKeys}}` +
      (c.compareSecHeaders ? ` [${secHeaders(p.headers)}]` : '');
    let ok =
      e.status === c.expect &&
      f.status === c.expect &&
      e.contentType === f.contentType &&
      e.bodyKeys === f.bodyKeys;
    if (c.compareSecHeaders) ok = ok && secHeaders(e.headers) === secHeaders(f.headers);
    if (c.expect === 201) {
      ok =
        ok &&
        (e.json as { isDto?: boolean })?.isDto === true &&
        (f.json as { isDto?: boolean })?.isDto === true;
    }
    if (c.expect === 200) ok = ok && e.bytes === f.bytes;
    rows.push({ name: c.name, expect: c.expect, express: fmt(e), fastify: fmt(f), ok });
  }
  return rows;
}

// --- tokens -----------------------------------------------------------------

interface Tokens {
  valid: string;
  wrongIssuer: string;
  wrongAudience: string;
  algNone: string;
  expired: string;
}

async function makeTokens(): Promise<Tokens> {
  const jwt = new JwtService({ secret: JWT_SECRET });
  const claims = { sub: 'usr_42', email: 'bench@uyoop.test', roles: ['member', 'deployer'] };
  const base = { algorithm: 'HS256' as const, expiresIn: '1h' as const };
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return {
    valid: await jwt.signAsync(claims, { ...base, issuer: JWT_ISSUER, audience: JWT_AUDIENCE }),
    wrongIssuer: await jwt.signAsync(claims, { ...base, issuer: 'evil', audience: JWT_AUDIENCE }),
    wrongAudience: await jwt.signAsync(claims, { ...base, issuer: JWT_ISSUER, audience: 'other' }),
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 3600 })}.`,
    expired: await jwt.signAsync(
      { ...claims, iat: now - 7200, exp: now - 3600 },
      { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
    ),
  };
}

// --- load -------------------------------------------------------------------

interface RunResult {
  round: number;
  adapter: AdapterName;
  reqMean: number;
  reqP50: number;
  latP50: number;
  latP975: number;
  latP99: number;
  latMean: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  rssAfter: number;
  heapAfter: number;
  serverCpuPct: number;
  clientCpuPct: number;
  /** CPU used by other processes during the run (machine busy - server - client), % of one core. */
  otherCpuPct: number | undefined;
  durationS: number;
}

/** Machine-wide busy CPU time in ms from /proc/stat (Linux only). */
function machineBusyMs(): number | undefined {
  try {
    const first = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const v = first.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is inside user)
    const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
    return (busy * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

// autocannon is CommonJS with its own typings; require keeps it out of the children.
type Autocannon = typeof import('autocannon');

function loadAutocannon(): Autocannon {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('autocannon') as Autocannon;
}

async function cannon(url: string, token: string, durationS: number): Promise<import('autocannon').Result> {
  const autocannon = loadAutocannon();
  return autocannon({
    url: `${url}/users/me`,
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    connections: envInt('BENCH_CONNECTIONS', 50),
    pipelining: envInt('BENCH_PIPELINING', 1),
    duration: durationS,
    timeout: 10,
  });
}

async function measure(c: Child, round: number, token: string): Promise<RunResult> {
  const duration = envInt('BENCH_DURATION', 10);
  const warmup = envInt('BENCH_WARMUP', 2);
  const w = await cannon(c.url, token, warmup);
  if (w.non2xx > 0 || w.errors > 0)
    throw new Error(`${c.adapter}: warm-up had ${w.non2xx} non-2xx / ${w.errors} errors`);
  const before = await stats(c);
  const busy0 = machineBusyMs();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await cannon(c.url, token, duration);
  const wallMs = performance.now() - t0;
  const client = process.cpuUsage(client0);
  const busy1 = machineBusyMs();
  const after = await stats(c);
  const cpuUs = after.cpuUserUs - before.cpuUserUs + (after.cpuSystemUs - before.cpuSystemUs);
  const serverCpuPct = (cpuUs / 1000 / wallMs) * 100;
  const clientCpuPct = ((client.user + client.system) / 1000 / wallMs) * 100;
  const otherCpuPct =
    busy0 !== undefined && busy1 !== undefined
      ? Math.max(0, ((busy1 - busy0) / wallMs) * 100 - serverCpuPct - clientCpuPct)
      : undefined;
  return {
    round,
    adapter: c.adapter,
    reqMean: r.requests.mean,
    reqP50: r.requests.p50,
    latP50: r.latency.p50,
    latP975: r.latency.p97_5,
    latP99: r.latency.p99,
    latMean: r.latency.mean,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    rssAfter: after.rss,
    heapAfter: after.heapUsed,
    serverCpuPct,
    clientCpuPct,
    otherCpuPct,
    durationS: duration,
  };
}

// --- report -----------------------------------------------------------------

const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  return [line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join(
    '\n',
  );
}

function pkgVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    try {
      // Packages whose "exports" hide package.json
      const dir = path.dirname(require.resolve(name));
      let d = dir;
      for (let i = 0; i < 4; i++) {
        const p = path.join(d, 'package.json');
        if (fs.existsSync(p)) {
          const j = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version: string };
          if (j.name === name) return j.version;
        }
        d = path.dirname(d);
      }
    } catch {
      /* fallthrough */
    }
    return 'n/a';
  }
}

const TABLE_HEAD = [
  'run',
  'req/s mean',
  'req/s p50',
  'lat p50 ms',
  'lat p97.5 ms',
  'lat p99 ms',
  'RSS after MB',
  'srv CPU %',
  'srv CPU µs/req',
  'client CPU %',
  'other CPU %',
  'requests',
  'non2xx+err',
];

function fmtRow(label: string, rs: RunResult[]): string[] {
  return [
    label,
    avg(rs.map((r) => r.reqMean)).toFixed(0),
    avg(rs.map((r) => r.reqP50)).toFixed(0),
    avg(rs.map((r) => r.latP50)).toFixed(1),
    avg(rs.map((r) => r.latP975)).toFixed(1),
    avg(rs.map((r) => r.latP99)).toFixed(1),
    mb(Math.max(...rs.map((r) => r.rssAfter))),
    avg(rs.map((r) => r.serverCpuPct)).toFixed(0),
    avg(rs.map((r) => (r.serverCpuPct / 100) * (1e6 / r.reqMean))).toFixed(0),
    avg(rs.map((r) => r.clientCpuPct)).toFixed(0),
    rs.every((r) => r.otherCpuPct !== undefined) ? avg(rs.map((r) => r.otherCpuPct ?? 0)).toFixed(0) : 'n/a',
    String(rs.reduce((a, r) => a + r.total, 0)),
    String(rs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0)),
  ];
}

const NOISE_LIMIT = 15; // % of one core used by other processes during a run
const isQuiet = (r: RunResult): boolean => (r.otherCpuPct ?? 0) <= NOISE_LIMIT;

interface ScenarioResult {
  jwtMode: JwtSecretMode;
  security: Record<AdapterName, string>;
  checksOk: boolean;
  loadOk: boolean;
  results: RunResult[];
  ratio: number;
  perRound: number[];
  quietRatio: number | undefined;
}

async function runScenario(jwtMode: JwtSecretMode, tokens: Tokens, rounds: number): Promise<ScenarioResult> {
  console.log(`\n# Scenario: JWT secret as ${jwtMode}\n`);
  const express = await startChild('express', jwtMode);
  const fastify = await startChild('fastify', jwtMode);
  try {
    const byAdapter: Record<AdapterName, Child> = { express, fastify };
    for (const c of [express, fastify]) {
      console.log(
        `${c.adapter.padEnd(7)} pid=${c.proc.pid} port=${c.port} boot=${c.bootMs.toFixed(0)}ms ` +
          `rss@boot=${mb(c.bootRss)}MB security=${c.security}`,
      );
    }

    console.log('\n## Parity checks (status, content-type, JSON keys [security headers])\n');
    const checks = await parityChecks(byAdapter, tokens);
    console.log(
      table(
        ['check', 'expect', 'express', 'fastify', 'same'],
        checks.map((r) => [r.name, String(r.expect), r.express, r.fastify, r.ok ? 'OK' : 'DIFF']),
      ),
    );
    const meProbe = await probe(`${express.url}/users/me`, {
      headers: { authorization: `Bearer ${tokens.valid}` },
    });
    console.log(`\nGET /users/me response body: ${meProbe.bytes} bytes`);

    console.log('\n## Load (GET /users/me with a valid HS256 JWT)\n');
    // One longer cold warm-up per child (JIT, lazy inits), discarded.
    for (const c of [express, fastify]) {
      const w = await cannon(c.url, tokens.valid, envInt('BENCH_FIRST_WARMUP', 5));
      console.log(`cold warm-up ${c.adapter}: ${w.requests.mean.toFixed(0)} req/s (discarded)`);
    }
    const results: RunResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const c of [express, fastify]) {
        process.stdout.write(`round ${round} ${c.adapter}… `);
        const r = await measure(c, round, tokens.valid);
        results.push(r);
        console.log(`${r.reqMean.toFixed(0)} req/s`);
      }
    }

    console.log('\nPer run:\n');
    console.log(
      table(
        TABLE_HEAD,
        results.map((r) => fmtRow(`#${r.round} ${r.adapter}`, [r])),
      ),
    );
    const ex = results.filter((r) => r.adapter === 'express');
    const fa = results.filter((r) => r.adapter === 'fastify');
    const ratio = avg(fa.map((r) => r.reqMean)) / avg(ex.map((r) => r.reqMean));
    const perRound = ex.map((e, i) => (fa[i] ? fa[i].reqMean / e.reqMean : NaN));
    const quietEx = ex.filter(isQuiet);
    const quietFa = fa.filter(isQuiet);
    const quietRatio =
      quietEx.length > 0 && quietFa.length > 0
        ? avg(quietFa.map((r) => r.reqMean)) / avg(quietEx.map((r) => r.reqMean))
        : undefined;
    return {
      jwtMode,
      security: { express: express.security, fastify: fastify.security },
      checksOk: checks.every((c) => c.ok),
      loadOk: results.every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0),
      results,
      ratio,
      perRound,
      quietRatio,
    };
  } finally {
    await Promise.all([stopChild(express), stopChild(fastify)]);
  }
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`\n[bench] aborted: exceeded ${GLOBAL_TIMEOUT_MS / 1000} s`);
    killAll();
    process.exit(2);
  }, GLOBAL_TIMEOUT_MS);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  process.on('exit', killAll);

  const t0 = performance.now();
  const rounds = envInt('BENCH_ROUNDS', 2);
  const only = process.env.BENCH_JWT_SECRET;
  const scenarios: JwtSecretMode[] =
    only === 'string' || only === 'keyobject' ? [only] : ['string', 'keyobject'];
  const estimateS =
    scenarios.length *
      (2 * envInt('BENCH_FIRST_WARMUP', 5) +
        rounds * 2 * (envInt('BENCH_WARMUP', 2) + envInt('BENCH_DURATION', 10)) +
        8) +
    5;
  if (estimateS * 1000 > GLOBAL_TIMEOUT_MS) {
    throw new Error(
      `settings need ~${estimateS} s, over the ${GLOBAL_TIMEOUT_MS / 1000} s budget: ` +
        'lower BENCH_ROUNDS/BENCH_DURATION or set BENCH_JWT_SECRET=string|keyobject',
    );
  }
  const cpus = os.cpus();
  console.log('# HTTP adapter bench (uyoop-cal)');
  console.log(
    `node ${process.version} | ${os.platform()} ${os.arch()} | ${cpus.length} cpu (${cpus[0]?.model ?? '?'}) | ` +
      `${mb(os.totalmem())} MB RAM`,
  );
  const versions = [
    '@nestjs/core',
    '@nestjs/platform-express',
    '@nestjs/platform-fastify',
    '@nestjs/jwt',
    'jsonwebtoken',
    'express',
    'fastify',
    'helmet',
    'autocannon',
    'class-validator',
  ]
    .map((n) => `${n}@${pkgVersion(n)}`)
    .join(' ');
  console.log(versions);
  console.log(
    `settings: connections=${envInt('BENCH_CONNECTIONS', 50)} pipelining=${envInt('BENCH_PIPELINING', 1)} ` +
      `duration=${envInt('BENCH_DURATION', 10)}s warmup=${envInt('BENCH_FIRST_WARMUP', 5)}s once + ` +
      `${envInt('BENCH_WARMUP', 2)}s before each run, rounds=${rounds} ` +
      `(order: ${Array.from({ length: rounds }, () => 'express→fastify').join('→')}), host=${HOST}, ` +
      `scenarios (jwt secret)=${scenarios.join(',')}, security=${SECURITY_MODE}, ` +
      `parent: ${__filename.endsWith('.ts') ? 'ts-node (transpile-only)' : 'compiled js'}, children: ${childEntry().label}`,
  );

  const tokens = await makeTokens();
  const done: ScenarioResult[] = [];
  for (const mode of scenarios) done.push(await runScenario(mode, tokens, rounds));

  console.log('\n# Summary (mean over rounds; RSS = max after a run; baseline = express)\n');
  console.log(
    table(
      TABLE_HEAD.map((h, i) => (i === 0 ? 'scenario / adapter' : h)),
      done.flatMap((d) =>
        (['express', 'fastify'] as const).map((a) =>
          fmtRow(
            `${d.jwtMode} / ${a}`,
            d.results.filter((r) => r.adapter === a),
          ),
        ),
      ),
    ),
  );
  console.log('');
  for (const d of done) {
    const ex = d.results.filter((r) => r.adapter === 'express');
    const fa = d.results.filter((r) => r.adapter === 'fastify');
    const lat = avg(fa.map((r) => r.latP99)) / avg(ex.map((r) => r.latP99));
    // Server CPU time per request: much less sensitive than req/s to other load on the machine.
    const usPerReq = (rs: RunResult[]): number =>
      avg(rs.map((r) => (r.serverCpuPct / 100) * (1e6 / r.reqMean)));
    const cpuRatio = usPerReq(ex) / usPerReq(fa);
    console.log(
      `[jwt ${d.jwtMode}] ratio fastify/express req/s = ${d.ratio.toFixed(3)} (${((d.ratio - 1) * 100).toFixed(1)}%)` +
        `; per round: ${d.perRound.map((x) => x.toFixed(3)).join(', ')}; latency p99 ratio = ${lat.toFixed(3)}`,
    );
    console.log(
      `[jwt ${d.jwtMode}] server CPU per request: express ${usPerReq(ex).toFixed(0)} µs, fastify ` +
        `${usPerReq(fa).toFixed(0)} µs => express/fastify = ${cpuRatio.toFixed(3)} (capacity ratio when CPU-bound)`,
    );
    const noisy = d.results.filter((r) => !isQuiet(r));
    if (noisy.length > 0) {
      console.log(
        `  WARNING: other processes used >${NOISE_LIMIT}% of a core during ` +
          `${noisy.map((r) => `#${r.round} ${r.adapter}`).join(', ')} (${cpus.length} cores shared with the load ` +
          `generator): those figures are depressed; rerun on a quiet machine. Ratio over quiet runs only: ` +
          `${d.quietRatio === undefined ? 'n/a' : d.quietRatio.toFixed(3)}`,
      );
    }
  }
  console.log(`security: express=${done[0]?.security.express}; fastify=${done[0]?.security.fastify}`);
  const allOk = done.every((d) => d.checksOk);
  const loadOk = done.every((d) => d.loadOk);
  console.log(
    `parity checks: ${allOk ? 'all OK' : 'DIFFERENCES (see tables)'}; load errors: ${loadOk ? 'none' : 'PRESENT'}`,
  );

  if (process.env.BENCH_JSON === '1') {
    console.log(
      '\nJSON:\n' + JSON.stringify({ node: process.version, cpus: cpus.length, scenarios: done }, null, 2),
    );
  }

  killAll();
  console.log(`\ndone in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  clearTimeout(watchdog);
  process.exitCode = allOk && loadOk ? 0 : 1;
}

// ---------------------------------------------------------------------------

const childIdx = process.argv.indexOf('--child');
if (childIdx !== -1) {
  const adapter = process.argv[childIdx + 1];
  if (adapter !== 'express' && adapter !== 'fastify') {
    console.error(`unknown adapter ${String(adapter)}`);
    process.exit(1);
  }
  void runChild(adapter);
} else {
  main().catch((err: unknown) => {
    console.error('[bench] failed:', err);
    killAll();
    process.exit(1);
  });
}
