import { Controller, Get, HttpStatus, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '@uyoop/auth';
import { VaultClient } from '@uyoop/secrets';
import type { Response } from 'express';
import { RedisConnection } from '../redis/redis.module';
import { HealthResponse, LivenessResponse } from './health.response';
import { APP_VERSION, SERVICE_NAME } from './version';

/** Each dependency's check has this deadline, and the checks run side by side: /health answers within it. */
const CHECK_TIMEOUT_MS = 1_500;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Optional() private readonly redis?: RedisConnection,
    @Optional() private readonly vault?: VaultClient,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Readiness: the service and each configured dependency' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'A required dependency is down' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const checks: HealthIndicatorFunction[] = [
      () => this.db.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS),
    ];
    const redis = this.redis;
    if (redis) {
      checks.push(() =>
        this.indicators
          .check('redis')
          .attempt(() => redis.ping())
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
    const vault = this.vault;
    if (vault) {
      // A standby node still serves (it forwards to the active one); sealed or unreachable is down.
      checks.push(() =>
        this.indicators
          .check('vault')
          .attempt(async () => {
            const state = await vault.health();
            if (state === 'sealed' || state === 'down') throw new Error(`vault ${state}`);
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
    let details: Record<string, { status: string }>;
    let ok = true;
    try {
      details = (await this.health.check(checks)).details as Record<string, { status: string }>;
    } catch (error) {
      ok = false;
      const response = (
        error as { getResponse?: () => { details?: Record<string, { status: string }> } }
      ).getResponse?.();
      details = response?.details ?? { database: { status: 'down' } };
    }
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // Only the status of each dependency: no error texts, hosts or timings leave the process (OPS-01).
    const info = Object.fromEntries(Object.entries(details).map(([name, d]) => [name, { status: d.status }]));
    return { status: ok ? 'ok' : 'error', service: SERVICE_NAME, version: APP_VERSION, info };
  }

  // Never rate limited: the limiter's counters live in Redis, and liveness must not wait on a
  // dependency (OPS-01), nor fail a probe because an address is busy.
  @Get('live')
  @SkipThrottle({ default: true })
  @ApiOperation({ summary: 'Liveness: answers while the process serves requests; checks no dependency' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return { status: 'ok' };
  }
}
