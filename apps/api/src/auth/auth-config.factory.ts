import { AuthConfig, AuthSettings } from '@uyoop/auth';
import type { Env } from '../config/env';
import { loadSigningKeys } from './signing-keys';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function authConfigFrom(env: Env): AuthConfig {
  const keys = loadSigningKeys(env);
  return new AuthConfig(
    new AuthSettings(env.REFRESH_TOKEN_TTL_DAYS * DAY, env.REFRESH_TOKEN_IDLE_DAYS * DAY, {
      threshold: env.LOCKOUT_THRESHOLD,
      windowMs: env.LOCKOUT_WINDOW_MINUTES * MINUTE,
      baseLockMs: env.LOCKOUT_BASE_MINUTES * MINUTE,
      maxLockMs: env.LOCKOUT_MAX_MINUTES * MINUTE,
    }),
    keys.current,
    keys.previous,
    env.JWT_ACCESS_TTL_SECONDS,
    {
      loginPerMinute: env.RATE_LIMIT_LOGIN_PER_MINUTE,
      refreshPerMinute: env.RATE_LIMIT_REFRESH_PER_MINUTE,
      defaultPerMinute: env.RATE_LIMIT_DEFAULT_PER_MINUTE,
    },
    {
      enabled: env.AUTH_LEGACY_X_USER_ID,
      trustedProxies: env.AUTH_LEGACY_TRUSTED_PROXIES,
      proxySecret: env.AUTH_LEGACY_PROXY_SECRET,
      sunset: new Date(`${env.AUTH_LEGACY_SUNSET}T00:00:00Z`),
    },
    env.MFA_REQUIRED,
  );
}
