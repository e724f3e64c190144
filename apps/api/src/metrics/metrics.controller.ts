import { Controller, Get, Header, Headers, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Public } from '@uyoop/auth';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, register } from 'prom-client';
import { Env } from '../config/env';

let defaultsStarted = false;

/** Prometheus text format; behind `Authorization: Bearer <METRICS_TOKEN>` when the operator sets one. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly env: Env) {
    if (!defaultsStarted) {
      collectDefaultMetrics({ prefix: 'uyoop_' });
      defaultsStarted = true;
    }
  }

  @Get()
  @ApiExcludeEndpoint()
  @Header('Content-Type', register.contentType)
  async metrics(@Headers('authorization') authorization?: string): Promise<string> {
    const token = this.env.METRICS_TOKEN;
    if (token && !matches(authorization ?? '', `Bearer ${token}`))
      throw new UnauthorizedException('Metrics need the operator token');
    return register.metrics();
  }
}

function matches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
