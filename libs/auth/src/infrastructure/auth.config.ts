import type { AuthSettings } from '../application/auth-settings';

export interface SigningKey {
  kid: string;
  secret: Buffer;
}

export interface LegacyHeaderConfig {
  enabled: boolean;
  trustedProxies: string[];
  proxySecret: string | undefined;
  sunset: Date;
}

export interface RateLimitConfig {
  loginPerMinute: number;
  refreshPerMinute: number;
  defaultPerMinute: number;
}

/** Everything the auth context takes from configuration, built once by the application. */
export class AuthConfig {
  constructor(
    readonly settings: AuthSettings,
    readonly signingKey: SigningKey,
    readonly previousKey: SigningKey | undefined,
    readonly accessTtlSeconds: number,
    readonly rateLimits: RateLimitConfig,
    readonly legacy: LegacyHeaderConfig,
    /** MFA_REQUIRED: users without 2FA can only enrol (MFA-05). */
    readonly mfaRequired = false,
  ) {}
}

export const JWT_ISSUER = 'uyoop-cal';
export const JWT_AUDIENCE = 'uyoop-cal-api';
/** Leeway on `exp`/`nbf` for clock skew between instances (JWT-04: at most 60 s). */
export const JWT_CLOCK_TOLERANCE_SECONDS = 30;
