import {
  type DynamicModule,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';
import { Env } from '../config/env';

/** Env's default of REDIS_COMMAND_TIMEOUT_MS. */
const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

/** The shared Redis connection when `REDIS_URL` is set; absent otherwise. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis;

  /**
   * `commandTimeoutMs`: the deadline of every command (REDIS_COMMAND_TIMEOUT_MS). A Redis that is
   * down fails each command at once (no offline queue); one that hangs (frozen host, lost network
   * path: the connection looks open) would otherwise hold every command, and every request waiting
   * on one, forever: ioredis has no command deadline by default.
   */
  constructor(url: string, opts: { commandTimeoutMs?: number } = {}) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false, // fail fast while Redis is down instead of queueing (fail closed)
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(200 * attempt, 2_000), // reconnect by itself, forever
    });
    let reported = false;
    this.client.on('error', (error: Error) => {
      if (!reported) this.logger.warn(`Redis unavailable: ${error.message}`);
      reported = true;
    });
    this.client.on('ready', () => {
      if (reported) this.logger.log('Redis reachable again');
      reported = false;
    });
  }

  /** The configured deadline, for a connection built before the configuration was at hand. */
  setCommandTimeout(ms: number): void {
    this.client.options.commandTimeout = ms; // read by ioredis at every command
  }

  async ping(): Promise<void> {
    const answer = await this.client.ping();
    if (answer !== 'PONG') throw new Error('unexpected PING answer');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  /** The connection, with the command deadline of the validated configuration (REDIS_COMMAND_TIMEOUT_MS). */
  static forRoot(connection: RedisConnection | undefined): DynamicModule {
    const providers = connection
      ? [
          {
            provide: RedisConnection,
            inject: [Env],
            useFactory: (env: Env) => {
              connection.setCommandTimeout(env.REDIS_COMMAND_TIMEOUT_MS);
              return connection;
            },
          },
        ]
      : [];
    return { module: RedisModule, providers, exports: providers.map((p) => p.provide) };
  }
}
