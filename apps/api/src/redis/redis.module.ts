import {
  type DynamicModule,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';

/** The shared Redis connection when `REDIS_URL` is set; absent otherwise. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false, // fail fast while Redis is down instead of queueing (fail closed)
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
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
  static forRoot(connection: RedisConnection | undefined): DynamicModule {
    const providers = connection ? [{ provide: RedisConnection, useValue: connection }] : [];
    return { module: RedisModule, providers, exports: providers.map((p) => p.provide) };
  }
}
