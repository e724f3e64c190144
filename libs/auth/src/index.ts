export { AuthModule, UsersCoreModule } from './infrastructure/auth.module';
export type { AuthModuleOptions } from './infrastructure/auth.module';
export { AuthConfig, JWT_AUDIENCE, JWT_ISSUER } from './infrastructure/auth.config';
export type { SigningKey, LegacyHeaderConfig, RateLimitConfig } from './infrastructure/auth.config';
export { AuthSettings } from './application/auth-settings';
export { RedisThrottlerStorage } from './infrastructure/http/redis-throttler.storage';
export {
  Public,
  Authenticated,
  Roles,
  LegacyAllowed,
  AuthRateLimit,
  AllowedBeforeEnrolment,
  RecentAuthentication,
  SecondFactorRequired,
  CurrentUser,
  CurrentActor,
  PUBLIC_KEY,
  ROLES_KEY,
  AUTHENTICATED_KEY,
} from './infrastructure/http/auth.decorators';
export type { Actor } from './application/actor';
export { UserRecord } from './infrastructure/persistence/user.record';
export { CreateAdmin } from './application/create-admin.use-case';
export type { CreateAdminCommand } from './application/create-admin.use-case';
export { BootstrapAdmin } from './application/bootstrap-admin.use-case';
export type { BootstrapOutcome } from './application/bootstrap-admin.use-case';
export { UserRepository } from './application/ports/user-repository.port';
export { PasswordHasher } from './application/ports/password-hasher.port';
export { SecondFactor } from './application/ports/second-factor.port';
export type { SecondFactorCheck } from './application/ports/second-factor.port';
export { SessionRepository } from './application/ports/session-repository.port';
export { User } from './domain/user';
export { ROLES, isRole } from './domain/role';
export type { Role } from './domain/role';
export { Username } from './domain/username';
export { PASSWORD_MIN_LENGTH, PASSWORD_MAX_BYTES } from './domain/password-policy';
