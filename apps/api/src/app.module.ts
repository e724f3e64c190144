import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ActivityModule } from '@uyoop/activity';
import { AuthModule, RedisThrottlerStorage, UsersCoreModule } from '@uyoop/auth';
import {
  SecretsModule,
  VaultClient,
  vaultClientOptionsFrom,
  vaultEnrolClientOptionsFrom,
} from '@uyoop/secrets';
import { CalendarModule } from '@uyoop/calendar';
import { requestContext, SharedModule } from '@uyoop/shared/nest';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { authConfigFrom } from './auth/auth-config.factory';
import { configuredOrLocalKey } from './auth/signing-keys';
import { gitOptionsFrom } from './config/git-options';
import { AppConfigModule } from './config/config.module';
import { Env, loadEnv } from './config/env';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { corsFor, extraSecurityHeaders, securityHeaders } from './http/security-headers';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { queryTextMiddleware } from './http/query-text.middleware';
import { createValidationPipe } from './http/validation';
import { loadWebApp, webAppMiddleware } from './http/web-app';
import { loggerParams } from './logging/logging';
import { MetricsController } from './metrics/metrics.controller';
import { OpenApiController, OpenApiDocument } from './openapi/openapi';
import { RedisConnection, RedisModule } from './redis/redis.module';
import { BootstrapAdminOnStart } from './startup/bootstrap-admin-on-start';

/** Composition only: which modules make up the API, and the HTTP pipeline around them. */
@Module({})
export class AppModule implements NestModule {
  /** `logDestination`: where JSON log lines go (stdout by default; tests capture them). */
  static register(env: Env = loadEnv(), opts: { logDestination?: DestinationStream } = {}): DynamicModule {
    const redis = env.REDIS_URL ? new RedisConnection(env.REDIS_URL) : undefined;
    const config = authConfigFrom(env);
    // Vault: the main (login path) client checks TOTP codes and reads secrets; the enrolment path's own
    // AppRole, when configured, creates and deletes TOTP keys (TOTP-09, ADR 0003).
    const vault = env.VAULT_ADDR ? new VaultClient(vaultClientOptionsFrom(env)) : undefined;
    const enrolOptions = vault ? vaultEnrolClientOptionsFrom(env) : undefined;
    const vaultEnrolment = enrolOptions ? new VaultClient(enrolOptions) : undefined;
    // Without Vault, TOTP seeds are sealed locally under a key that is not in the database.
    const sealingKey = vault
      ? undefined
      : configuredOrLocalKey(env, env.TOTP_ENCRYPTION_KEY, 'TOTP_ENCRYPTION_KEY', 'totp-sealing.key', 32);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggerModule.forRoot(loggerParams(env, opts.logDestination)),
        SharedModule,
        ActivityModule,
        SecretsModule.forRoot(vault),
        RedisModule.forRoot(redis),
        DatabaseModule,
        // BootstrapAdminOnStart creates the first ADMIN from the environment.
        UsersCoreModule,
        AuthModule.register({
          config,
          throttlerStorage: redis ? new RedisThrottlerStorage(redis.client) : undefined,
          twoFactor: { vault, vaultEnrolment, sealingKey },
        }),
        CalendarModule.register({ git: gitOptionsFrom(env) }),
        HealthModule,
      ],
      controllers: [OpenApiController, MetricsController],
      providers: [
        OpenApiDocument,
        BootstrapAdminOnStart,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }

  constructor(private readonly env: Env) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        securityHeaders,
        extraSecurityHeaders,
        corsFor(this.env.CORS_ORIGINS),
        // The web SPA (GET /, /index.html, /assets/*) with its own CSP; everything else passes on.
        webAppMiddleware(loadWebApp(this.env.WEB_DIR)),
        queryTextMiddleware,
        JsonBodyMiddleware,
        // After the body is read, so the context survives into guards, handlers and filters.
        requestContext,
      )
      .forRoutes('*');
  }
}
