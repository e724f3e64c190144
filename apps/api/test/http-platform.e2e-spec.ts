import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Public } from '@uyoop/auth';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { ROOT } from '../../../test-support/process';
import { nestRoutes } from '../../../test-support/routes';

class ProbeExtra {
  @IsIn(['daily', 'retro'])
  subtype!: string;
}

class ProbeRequest {
  @IsString()
  @MaxLength(20)
  title!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;

  @ValidateNested()
  @Type(() => ProbeExtra)
  extra!: ProbeExtra;
}

@Public()
@Controller('probe')
class ProbeController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  create(@Body() body: ProbeRequest): ProbeRequest {
    return body;
  }

  /** A state-changing route that takes no body (like POST /events/:id/approve). */
  @Post('ping')
  @HttpCode(200)
  ping(): { ok: true } {
    return { ok: true };
  }

  /** An unhandled exception whose text must not reach the client. */
  @Get('crash')
  crash(): never {
    throw new Error('boom in /srv/app/secret.ts: token=abc123');
  }

  /** A database error (SQL text and table names in it). */
  @Get('sql')
  async sql(): Promise<unknown> {
    return this.db.query('SELECT password_hash FROM no_such_table_for_log01');
  }
}

const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

function expectSecurityHeaders(res: { headers: Record<string, unknown> }): void {
  expect(res.headers).toMatchObject(SECURITY_HEADERS);
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  expect(res.headers['permissions-policy']).toContain('camera=()');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['x-request-id']).toMatch(/^\S{1,128}$/);
}

interface RawAnswer {
  status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** From the first byte sent to the server closing the connection. */
  ms: number;
}

/**
 * One exchange on a raw TCP connection (what supertest cannot send: a false Content-Length, a
 * malformed URL, 20 kB of headers): writes `parts`, then waits for the server to answer and close
 * the connection. Fails after `timeoutMs` with what arrived so far.
 */
function rawExchange(port: number, parts: (string | Buffer)[], timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      for (const part of parts) socket.write(part);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      const got = Buffer.concat(chunks).toString('latin1').split('\r\n')[0] || 'nothing';
      reject(new Error(`no answer and close within ${timeoutMs} ms (received: ${got})`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no complete answer: ${JSON.stringify(raw.slice(0, 200))}`));
      const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]),
        headers,
        body: raw.slice(end + 4),
        ms: Date.now() - started,
      });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    // The server may reset a connection whose body it refused: what arrived before still counts.
    socket.on('error', () => undefined);
  });
}

describe('HTTP platform (e2e)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({}, { controllers: [ProbeController] });
    await t.app.listen(0, '127.0.0.1');
    port = ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
  });
  afterAll(async () => {
    (t.app.getHttpServer() as Server).closeAllConnections();
    await t.close();
  });
  const http = () => request(t.app.getHttpServer());

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const mine = await http().get('/health/live').set('X-Request-Id', 'trace-42');
    expect(mine.headers['x-request-id']).toBe('trace-42');
    const fresh = await http().get('/health/live');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('VAL/AC-04: unknown fields are refused with 400, one message per problem', async () => {
    const res = await http()
      .post('/probe')
      .send({
        title: 'x'.repeat(21),
        count: 11,
        role: 'ADMIN',
        extra: { subtype: 'party', totpEnabled: true },
      });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'property role should not exist',
        'title must be shorter than or equal to 20 characters',
        'count must not be greater than 10',
        'extra.subtype must be one of the following values: daily, retro',
        'property extra.totpEnabled should not exist',
      ]),
    );
    expectSecurityHeaders(res);
  });

  it('a valid body goes through, typed', async () => {
    const res = await http()
      .post('/probe')
      .send({ title: 'ok', count: 3, extra: { subtype: 'daily' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ title: 'ok', count: 3, extra: { subtype: 'daily' } });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('OPS-05: a body over 100 kB gets 413 in the contract error body', async () => {
    const res = await http()
      .post('/probe')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'x'.repeat(101 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is larger than the 100 kB limit',
    });
    expectSecurityHeaders(res);
  });

  it('OPS-05: a declared Content-Length over 100 kB (1 GB) gets 413 at once, body unread, connection closed', async () => {
    const res = await rawExchange(
      port,
      [
        'POST /probe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          'Content-Length: 1000000000\r\n\r\n{"title":',
      ],
      2_000,
    );
    expect(res.status).toBe(413);
    expect(res.ms).toBeLessThan(2_000);
    expect(res.headers['connection']).toBe('close');
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is larger than the 100 kB limit',
      requestId: res.headers['x-request-id'],
    });
    expectSecurityHeaders(res);
  });

  it('OPS-05: a chunked body growing past 100 kB gets 413 before it ends, connection closed', async () => {
    const chunk = `${(8 * 1024).toString(16)}\r\n${'x'.repeat(8 * 1024)}\r\n`;
    const res = await rawExchange(
      port,
      [
        'POST /probe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: chunked\r\n\r\n',
        // 104 kB sent, the last chunk crossing the limit, and the body never ends (no last chunk).
        ...Array.from({ length: 13 }, () => chunk),
      ],
      2_000,
    );
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(JSON.parse(res.body)).toMatchObject({
      statusCode: 413,
      message: 'Request body is larger than the 100 kB limit',
    });
    expectSecurityHeaders(res);
  });

  it('OPS-05: request headers over the limit (20 kB) get 431 with the security headers and the JSON error body', async () => {
    const res = await rawExchange(
      port,
      [`GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(20 * 1024)}\r\n\r\n`],
      2_000,
    );
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['connection']).toBe('close');
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: 'Request headers are larger than the server accepts',
      requestId: res.headers['x-request-id'],
    });
    expectSecurityHeaders(res);
  });

  it('HDR-01: a malformed percent-escape in the path gets a JSON 400 with the security headers', async () => {
    for (const path of ['/events/%E0%A4%A', '/no/such/%ZZroute', '/health/live%']) {
      const res = await rawExchange(
        port,
        [`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`],
        2_000,
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Malformed percent-encoding in the URL',
        requestId: res.headers['x-request-id'],
      });
      expectSecurityHeaders(res);
    }
  });

  it('malformed JSON gets 400 without parser internals', async () => {
    const res = await http().post('/probe').set('Content-Type', 'application/json').send('{"title": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request body is not valid JSON',
    });
  });

  it('LOG-01: unhandled and database errors answer a generic 500 with the request id, nothing else', async () => {
    for (const path of ['/probe/crash', '/probe/sql']) {
      const res = await http()
        .get(path)
        .set('X-Request-Id', `log01-${path.slice(7)}`);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
        requestId: `log01-${path.slice(7)}`,
      });
      expect(res.text).not.toMatch(/boom|token|secret|SELECT|no_such_table|password_hash|\.ts|at /);
      expectSecurityHeaders(res);
    }
  });

  it('HDR-05: a non-JSON body gets 415', async () => {
    const form = await http()
      .post('/probe')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('title=x');
    expect(form.status).toBe(415);
    expect(form.body.message).toBe('Request bodies must be JSON (Content-Type: application/json)');
    const text = await http().post('/probe').set('Content-Type', 'text/plain').send('{"title":"x"}');
    expect(text.status).toBe(415);
  });

  it('HDR-05: a non-JSON Content-Type gets 415 on POST/PUT/PATCH even with an empty body', async () => {
    for (const [method, type] of [
      ['POST', 'application/x-www-form-urlencoded'],
      ['POST', 'text/plain'],
      ['POST', 'multipart/form-data; boundary=x'],
      ['PATCH', 'text/plain'],
      ['PUT', 'application/x-www-form-urlencoded'],
    ] as const) {
      const res = await http()
        [method === 'POST' ? 'post' : method === 'PATCH' ? 'patch' : 'put']('/probe/ping')
        .set('Content-Type', type)
        .set('Content-Length', '0');
      expect({ method, type, status: res.status }).toEqual({ method, type, status: 415 });
      expect(res.body).toMatchObject({
        statusCode: 415,
        message: 'Request bodies must be JSON (Content-Type: application/json)',
      });
      expectSecurityHeaders(res);
    }
  });

  it('HDR-05: requests without a body and without a non-JSON Content-Type pass', async () => {
    // POST without Content-Type and body (POST /events/:id/approve, /2fa/setup…), or declaring JSON.
    expect((await http().post('/probe/ping')).status).toBe(200);
    expect((await http().post('/probe/ping').set('Content-Type', 'application/json')).status).toBe(200);
    // GET and DELETE have no body: a stray Content-Type does not matter.
    expect((await http().get('/health/live').set('Content-Type', 'text/plain')).status).toBe(200);
    expect((await http().delete('/no/such/route').set('Content-Type', 'text/plain')).status).toBe(404);
  });

  it('VAL-09: prototype-pollution keys are refused and pollute nothing', async () => {
    const res = await http()
      .post('/probe')
      .set('Content-Type', 'application/json')
      .send('{"title":"a","__proto__":{"polluted":true}}');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('JSON key "__proto__" is not allowed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown route is a JSON 404 with every security header', async () => {
    const res = await http().get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /no/such/route',
      requestId: res.headers['x-request-id'],
    });
    expectSecurityHeaders(res);
  });

  it('HDR-06: TRACE is not served', async () => {
    const res = await http().trace('/health');
    expect([404, 405]).toContain(res.status);
  });

  it('OPS-06: no .env, .git or Swagger UI is served', async () => {
    for (const path of ['/.env', '/.git/config', '/api-docs', '/docs']) {
      expect((await http().get(path)).status).toBe(404);
    }
  });

  it('OPS-06: no source map is served in production, even when the build directory holds one', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'uyoop-web-maps-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(webDir, 'assets/app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map\n');
    writeFileSync(join(webDir, 'assets/app.js.map'), '{"version":3,"sources":["../src/main.ts"]}');
    writeFileSync(join(webDir, 'assets/app.css.map'), '{"version":3,"sources":[]}');
    const prod = await createTestApp({ NODE_ENV: 'production', WEB_DIR: webDir }, { db: t.db });
    try {
      expect((await request(prod.app.getHttpServer()).get('/assets/app.js')).status).toBe(200);
      for (const path of ['/assets/app.js.map', '/assets/app.css.map']) {
        const res = await request(prod.app.getHttpServer()).get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        expect(res.text).not.toContain('sources');
      }
    } finally {
      await prod.close();
      rmSync(webDir, { recursive: true, force: true });
    }
  });

  it('OPS-06: the production web build emits no source map; the --dev build inlines them', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'uyoop-web-build-'));
    try {
      const build = (...args: string[]): string[] => {
        execFileSync(process.execPath, [join(ROOT, 'apps/web/build.mjs'), '--outdir', outdir, ...args], {
          cwd: ROOT,
        });
        return readdirSync(join(outdir, 'assets'));
      };
      const prod = build();
      expect(prod).toEqual(expect.arrayContaining(['app.js', 'app.css']));
      expect(prod.filter((f) => f.endsWith('.map'))).toEqual([]);
      expect(readFileSync(join(outdir, 'assets/app.js'), 'utf8')).not.toContain('sourceMappingURL');
      const dev = build('--dev');
      expect(dev.filter((f) => f.endsWith('.map'))).toEqual([]);
      expect(readFileSync(join(outdir, 'assets/app.js'), 'utf8')).toContain(
        'sourceMappingURL=data:application/json',
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);

  it('GET /openapi.json is the generated OpenAPI 3 document', async () => {
    const res = await http().get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.info).toMatchObject({ title: 'uyoop-cal API' });
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/live']));
    // Every route the app serves is described, with its method (the document follows the code).
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    const undocumented = nestRoutes(t.app)
      .filter((r) => !['GET /metrics', 'GET /openapi.json'].includes(r.key))
      .filter((r) => !paths[r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()])
      .map((r) => r.key);
    expect(undocumented).toEqual([]);
  });
});
