import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadEnv } from './config/env';
import { EmbeddedDatabaseBusy } from './database/embedded-postgres';
import { configureApp } from './http/configure-app';
import { StartupError } from './startup/startup-error';

async function main(): Promise<void> {
  const env = loadEnv();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(env), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  configureApp(app, env);
  installGracefulShutdown(app, env.SHUTDOWN_GRACE_MS);
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`uyoop-cal API listening on http://${env.HOST}:${env.PORT}`, 'Main');
}

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (up to the grace
 * period), then close the database and exit.
 */
function installGracefulShutdown(app: NestExpressApplication, graceMs: number): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.get(Logger).log(`${signal} received: finishing in-flight requests`, 'Main');
    const force = setTimeout(() => process.exit(1), graceMs + 5_000);
    force.unref();
    const server = app.getHttpServer() as import('node:http').Server;
    // Keep-alive connections that finish their request are closed as soon as they fall idle;
    // whatever is still busy after the grace period is cut.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    cut.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError || error instanceof StartupError || error instanceof EmbeddedDatabaseBusy;
  const message = known ? (error as Error).message : `Start-up failed: ${describe(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
