import type { INestApplication, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Clock } from '@uyoop/shared';
import type { DestinationStream } from 'pino';
import { AppModule } from '../apps/api/src/app.module';
import { loadEnv } from '../apps/api/src/config/env';
import { configureApp } from '../apps/api/src/http/configure-app';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './postgres';

/** One signing key per test process. */
export const TEST_JWT_SECRET = randomBytes(48).toString('base64');
export const TEST_TOTP_KEY = randomBytes(32).toString('base64');

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * The whole API, as `main.ts` builds it, on a fresh test database of the machine's PostgreSQL.
 * `controllers` adds probe controllers for tests of the HTTP pipeline itself; `clock` replaces the
 * app's clock (see test-support/clock.ts); `db` runs a second instance on another app's database
 * (closing it then leaves the database alone).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  opts: { controllers?: Type[]; logDestination?: DestinationStream; clock?: Clock; db?: TestDatabase } = {},
): Promise<TestApp> {
  const db = opts.db ?? (await createTestDatabase());
  const config = loadEnv({
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    JWT_SECRET: TEST_JWT_SECRET,
    TOTP_ENCRYPTION_KEY: TEST_TOTP_KEY,
    ...env,
  });
  const builder = Test.createTestingModule({
    imports: [AppModule.register(config, { logDestination: opts.logDestination })],
    controllers: opts.controllers ?? [],
  });
  if (opts.clock) builder.overrideProvider(Clock).useValue(opts.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app, config);
  await app.init();
  return {
    app,
    db,
    close: async () => {
      await (app as INestApplication).close();
      if (!opts.db) await db.drop();
    },
  };
}
