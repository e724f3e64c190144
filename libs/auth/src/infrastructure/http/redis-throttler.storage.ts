import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The throttler's counters in Redis, so every instance shares one budget (RL-10). One Lua script per
 * hit keeps count, window and block atomic. Written here because the community Redis storage does
 * not declare support for Nest 12 yet; it is a few lines over ioredis.
 */
const SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}
`;

/** How long a failed or timed-out command keeps the store marked unavailable before one request tries again. */
const DEFAULT_COOLDOWN_MS = 1_000;

/** Answered without asking Redis while the store is known to be failing (see {@link RedisThrottlerStorage}). */
export class RateLimitStoreUnavailable extends Error {
  constructor(cause: string) {
    super(`Rate-limit store unavailable: ${cause}`);
    this.name = 'RateLimitStoreUnavailable';
  }
}

/**
 * Every command has the connection's deadline (REDIS_COMMAND_TIMEOUT_MS). After a failure (Redis down,
 * or a command past its deadline: a frozen Redis) the store fails fast for `cooldownMs`, then lets
 * one request try again while the others still fail fast, until one succeeds. So a hung Redis costs
 * one deadline now and then rather than one per request, and no commands pile up on its connection.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly cooldownMs: number;
  private readonly now: () => number;
  /** While failing: when the next attempt may go to Redis; 0 while Redis answers. */
  private retryAt = 0;
  private probing = false;
  private lastFailure = '';

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'uyoop:rl:',
    opts: { cooldownMs?: number; now?: () => number } = {},
  ) {
    this.cooldownMs = opts.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.now = opts.now ?? Date.now;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const failing = this.retryAt !== 0;
    if (failing && (this.probing || this.now() < this.retryAt))
      throw new RateLimitStoreUnavailable(this.lastFailure);
    if (failing) this.probing = true;
    try {
      const record = await this.count(key, ttl, limit, blockDuration, throttlerName);
      if (this.retryAt !== 0) this.logger.log('Rate-limit store (Redis) reachable again');
      this.retryAt = 0;
      return record;
    } catch (error) {
      this.lastFailure = (error as Error).message;
      if (this.retryAt === 0)
        this.logger.warn(
          `Rate-limit store (Redis) unavailable: ${this.lastFailure}; sign-in answers 503, other routes go unlimited until it answers again`,
        );
      this.retryAt = this.now() + this.cooldownMs;
      throw error;
    } finally {
      if (failing) this.probing = false;
    }
  }

  private async count(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}${throttlerName}:${key}`;
    const [hits, ttlMs, blockedMs] = (await this.redis.eval(
      SCRIPT,
      2,
      `${base}:hits`,
      `${base}:blocked`,
      ttl,
      limit,
      blockDuration || ttl,
    )) as [number, number, number];
    const isBlocked = blockedMs > 0;
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil(blockedMs / 1000)) : 0,
    };
  }
}
