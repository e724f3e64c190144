import { createServer, type Server } from 'node:net';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { APP_VERSION } from '../src/health/version';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('GET /health (e2e)', () => {
  describe('database only', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('is 200 with the contract body; unconfigured dependencies are absent', async () => {
      const res = await request(t.app.getHttpServer()).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        service: 'uyoop-cal-api',
        version: APP_VERSION,
        info: { database: { status: 'up' } },
      });
      expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('/health/live answers without touching dependencies', async () => {
      const res = await request(t.app.getHttpServer()).get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });
  });

  describe('OPS-01/REL-FAULT-03: liveness is never rate limited (the counters live in Redis)', () => {
    it('/health/live answers 200 past the per-address budget, which the other routes enforce', async () => {
      const t = await createTestApp({ RATE_LIMIT_DEFAULT_PER_MINUTE: '10' });
      try {
        const http = () => request(t.app.getHttpServer());
        for (let i = 0; i < 15; i++) {
          const res = await http().get('/health/live');
          expect({ i, status: res.status }).toEqual({ i, status: 200 });
          expect(res.headers['retry-after']).toBeUndefined();
        }
        // The budget itself still holds elsewhere (here: /health, 10 per minute).
        const statuses: number[] = [];
        for (let i = 0; i < 11; i++) statuses.push((await http().get('/health')).status);
        expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
        expect(statuses[10]).toBe(429);
      } finally {
        await t.close();
      }
    });
  });

  describe('with Redis configured', () => {
    it('reports redis up when it answers', async () => {
      const t = await createTestApp({ REDIS_URL });
      try {
        const res = await request(t.app.getHttpServer()).get('/health');
        expect(res.status).toBe(200);
        expect(res.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
      } finally {
        await t.close();
      }
    });

    it('OPS-01: is 503 with redis down, without error details', async () => {
      // A port that accepts nothing: bind, read the port, close.
      const port = await new Promise<number>((resolve) => {
        const s: Server = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      const t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
      try {
        const res = await request(t.app.getHttpServer()).get('/health');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({
          status: 'error',
          service: 'uyoop-cal-api',
          version: APP_VERSION,
          info: { database: { status: 'up' }, redis: { status: 'down' } },
        });
        expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      } finally {
        await t.close();
      }
    });
  });

  describe('with the database gone', () => {
    it('is 503 with database down, and recovers nothing it should not', async () => {
      const t = await createTestApp();
      try {
        await t.db.drop(); // terminates the app's connections and removes the database
        const res = await request(t.app.getHttpServer()).get('/health');
        expect(res.status).toBe(503);
        expect(res.body.status).toBe('error');
        expect(res.body.info.database).toEqual({ status: 'down' });
        expect((await request(t.app.getHttpServer()).get('/health/live')).status).toBe(200);
      } finally {
        await t.app.close();
      }
    });
  });
});
