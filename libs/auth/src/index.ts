// The identity context: accounts, sign-in with its second factor, sessions, and the guard chain.
// Other contexts use its route decorators, import `UsersCoreModule` and ask `AccountStanding`.
export { AuthModule, UsersCoreModule } from './infrastructure/auth.module';
export type { AuthModuleOptions } from './infrastructure/auth.module';
export type { TwoFactorOptions } from './infrastructure/two-factor/two-factor.providers';
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
  CurrentActor,
  PUBLIC_KEY,
  ROLES_KEY,
  AUTHENTICATED_KEY,
} from './infrastructure/http/auth.decorators';
export { UserRecord } from './infrastructure/persistence/user.record';
export { CreateAdmin } from './application/create-admin.use-case';
export type { CreateAdminCommand } from './application/create-admin.use-case';
export { BootstrapAdmin } from './application/bootstrap-admin.use-case';
export type { BootstrapOutcome } from './application/bootstrap-admin.use-case';
export { AccountStanding } from './application/account-standing';
export type { Standing } from './application/account-standing';
export { UserRepository } from './application/ports/user-repository.port';
export { PasswordHasher } from './application/ports/password-hasher.port';
export { User } from './domain/user';
export { Username } from './domain/username';
export { PASSWORD_MIN_LENGTH, PASSWORD_MAX_BYTES } from './domain/password-policy';
export { keyNameFor } from './application/two-factor/setup-two-factor.use-case';
