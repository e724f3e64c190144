import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor, Role } from '@uyoop/shared';
import type { User } from '../../domain/user';

export const PUBLIC_KEY = 'uyoop:public';
export const ROLES_KEY = 'uyoop:roles';
export const AUTHENTICATED_KEY = 'uyoop:authenticated';
export const AUTH_RATE_LIMIT_KEY = 'uyoop:auth-rate-limit';
export const LEGACY_ALLOWED_KEY = 'uyoop:legacy-allowed';
export const ENROLMENT_KEY = 'uyoop:enrolment';
export const RECENT_AUTH_KEY = 'uyoop:recent-auth';
export const SECOND_FACTOR_KEY = 'uyoop:second-factor';
/** How recent a login must be for sensitive changes (MFA-02). */
export const RECENT_AUTH_WINDOW_MS = 10 * 60_000;

/** Open to anyone: no credentials needed. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
/** Any authenticated user. */
export const Authenticated = (): MethodDecorator & ClassDecorator => SetMetadata(AUTHENTICATED_KEY, true);
/** Only these roles (403 with the reason otherwise). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
/** The strict per-address (and, for login, per-account) limits of the contract. */
export type AuthRateLimitKind = 'login' | 'second-factor' | 'refresh';
export const AuthRateLimit = (kind: AuthRateLimitKind): MethodDecorator =>
  SetMetadata(AUTH_RATE_LIMIT_KEY, kind);
/** The legacy X-User-Id header may authenticate this route (never auth, 2FA, user-admin or git routes). */
export const LegacyAllowed = (): MethodDecorator => SetMetadata(LEGACY_ALLOWED_KEY, true);

/** Reachable by a user who has not enrolled 2FA yet while 2FA is mandatory (MFA-05). */
export const AllowedBeforeEnrolment = (): MethodDecorator => SetMetadata(ENROLMENT_KEY, true);

/**
 * Only for a caller whose account has 2FA on, so that its session passed a second factor (AAL2): the
 * server runs a command for this route (GIT-07). 403 `mfa_required` otherwise.
 */
export const SecondFactorRequired = (): MethodDecorator => SetMetadata(SECOND_FACTOR_KEY, true);

/** Sensitive change: the caller must have logged in within the last 10 minutes (MFA-02). */
export const RecentAuthentication = (): MethodDecorator => SetMetadata(RECENT_AUTH_KEY, true);

export interface AuthenticatedRequest {
  user?: User;
  authenticatedAt?: Date;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId?: string;
  authVia?: 'bearer' | 'legacy';
  ip?: string;
}

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): User => {
  const user = ctx.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without authentication');
  return user;
});

/** The caller as use cases see it, the same shape in every context. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.user) throw new Error('CurrentActor used on a route without authentication');
  const { id, username, role } = req.user;
  return { id, username, role, ip: req.ip ?? null, sessionId: req.sessionId ?? null };
});

export const ClientIp = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | null => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().ip ?? null;
});
