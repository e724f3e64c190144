import { type ExecutionContext, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  normalizeIp,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import type { Response } from 'express';
import { countDependencyUnavailable } from '@uyoop/shared/nest';
import { Username } from '../../domain/username';
import { AUTH_RATE_LIMIT_KEY, type AuthRateLimitKind } from './auth.decorators';

export const THROTTLER_DEFAULT = 'default';
export const THROTTLER_AUTH_IP = 'auth-ip';
export const THROTTLER_AUTH_ACCOUNT = 'auth-account';

export function rateLimitKind(context: ExecutionContext): AuthRateLimitKind | undefined {
  return Reflect.getMetadata(AUTH_RATE_LIMIT_KEY, context.getHandler()) as AuthRateLimitKind | undefined;
}

/** The username a login names, as its lockout key (all case and width variants share it, RL-07). */
export function accountTracker(req: { body?: unknown }): string {
  const username = (req.body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' ? Username.keyOf(username) : '';
}

/**
 * @nestjs/throttler with our rules: the client address is `req.ip` (Express applies TRUSTED_PROXIES,
 * so a forged X-Forwarded-For changes nothing, RL-03); a 429 carries a literal `Retry-After` whatever
 * the throttler's name (RL-02); when the shared counter store (Redis) fails or passes its deadline,
 * auth routes answer 503 rather than go unlimited, other routes carry on (fail closed where it
 * matters). The store logs when it goes away and comes back (RedisThrottlerStorage).
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    // IPv6 clients are counted per /64, as one host usually holds a whole /64.
    return typeof req.ip === 'string' ? normalizeIp(req.ip, 64) : 'unknown';
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(props);
    } catch (error) {
      if (error instanceof ThrottlerException) throw error;
      countDependencyUnavailable('redis');
      if (rateLimitKind(props.context)) {
        // The filter adds Retry-After to every 503.
        throw new ServiceUnavailableException('Sign-in is temporarily unavailable, try again shortly');
      }
      return true;
    }
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const res = context.switchToHttp().getResponse<Response>();
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire || 1));
    res.setHeader('Retry-After', String(seconds));
    throw new ThrottlerException('Too many requests, try again later');
  }
}
