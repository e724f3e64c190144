import { Body, Controller, Get, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Public } from '@uyoop/auth';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
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

function expectSecurityHeaders(res: request.Response): void {
  expect(res.headers).toMatchObject(SECURITY_HEADERS);
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  expect(res.headers['permissions-policy']).toContain('camera=()');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['x-request-id']).toMatch(/^\S{1,128}$/);
}

describe('HTTP platform (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { controllers: [ProbeController] });
  });
  afterAll(() => t.close());
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
