import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountStanding } from '../application/account-standing';
import { AuthSettings } from '../application/auth-settings';
import { AuthenticateAccess } from '../application/authenticate-access.use-case';
import { BootstrapAdmin } from '../application/bootstrap-admin.use-case';
import { CreateAdmin } from '../application/create-admin.use-case';
import { CreateUser } from '../application/create-user.use-case';
import { DeactivateUser } from '../application/deactivate-user.use-case';
import { ListUsers } from '../application/list-users.use-case';
import { Login } from '../application/login.use-case';
import { Logout } from '../application/logout.use-case';
import { AccessTokenIssuer } from '../application/ports/access-token-issuer.port';
import { AccountLockout } from '../application/ports/account-lockout.port';
import { CommonPasswordList } from '../application/ports/common-password-list.port';
import { MfaChallengeRepository } from '../application/ports/mfa-challenge-repository.port';
import { PasswordHasher } from '../application/ports/password-hasher.port';
import { SessionRepository } from '../application/ports/session-repository.port';
import { UserRepository } from '../application/ports/user-repository.port';
import { RefreshSession } from '../application/refresh-session.use-case';
import { ListSessions } from '../application/list-sessions.use-case';
import { RevokeAllSessions } from '../application/revoke-all-sessions.use-case';
import { RevokeSession } from '../application/revoke-session.use-case';
import { SessionStarter } from '../application/session-starter';
import { SignInOutcomes } from '../application/sign-in-outcomes';
import { UnlockAccount } from '../application/unlock-account.use-case';
import { UpdateUser } from '../application/update-user.use-case';
import { VerifySecondFactor } from '../application/verify-second-factor.use-case';
import { AuthConfig } from './auth.config';
import { Argon2PasswordHasher } from './hashing/argon2-password-hasher.adapter';
import { BundledCommonPasswords } from './hashing/bundled-common-passwords.adapter';
import { AccessGuard } from './http/access.guard';
import { AuthController } from './http/auth.controller';
import {
  accountTracker,
  AuthThrottlerGuard,
  rateLimitKind,
  THROTTLER_AUTH_ACCOUNT,
  THROTTLER_AUTH_IP,
  THROTTLER_DEFAULT,
} from './http/auth-throttler.guard';
import { LegacyHeaderAuthenticator } from './http/legacy-header.authenticator';
import { RolesGuard } from './http/roles.guard';
import { SessionsController } from './http/sessions.controller';
import { UsersController } from './http/users.controller';
import { TypeOrmAccountLockout } from './persistence/typeorm-account-lockout.adapter';
import { TypeOrmMfaChallengeRepository } from './persistence/typeorm-mfa-challenge.repository';
import { TypeOrmSessionRepository } from './persistence/typeorm-session.repository';
import { TypeOrmUserRepository } from './persistence/typeorm-user.repository';
import { UserRecord } from './persistence/user.record';
import { JwtAccessTokenIssuer } from './tokens/jwt-access-token.issuer';
import { JwtStrategy } from './tokens/jwt.strategy';
import {
  type TwoFactorOptions,
  TWO_FACTOR_CONTROLLERS,
  twoFactorProviders,
} from './two-factor/two-factor.providers';

const MINUTE = 60_000;

/**
 * Accounts and the persistence they need, without HTTP: what the CLI uses, and what other contexts
 * import to ask about an account (`AccountStanding`).
 */
const CORE_PROVIDERS = [
  CreateAdmin,
  BootstrapAdmin,
  AccountStanding,
  { provide: UserRepository, useClass: TypeOrmUserRepository },
  { provide: PasswordHasher, useClass: Argon2PasswordHasher },
  { provide: CommonPasswordList, useClass: BundledCommonPasswords },
];

@Module({
  imports: [TypeOrmModule.forFeature([UserRecord])],
  providers: CORE_PROVIDERS,
  exports: [CreateAdmin, BootstrapAdmin, AccountStanding, UserRepository, PasswordHasher, CommonPasswordList],
})
export class UsersCoreModule {}

export interface AuthModuleOptions {
  config: AuthConfig;
  /** Shared rate-limit counters (Redis); in memory when absent. */
  throttlerStorage?: ThrottlerStorage;
  /** The TOTP engine: Vault's, or the local one with its sealing key. */
  twoFactor: TwoFactorOptions;
}

/**
 * The identity context over HTTP: sign-in and its second factor, sessions, users, two-factor
 * enrolment, and the app-wide guard chain throttler → access (JWT, legacy header) → roles.
 * Not global: other contexts only use its decorators (metadata) and import `UsersCoreModule`.
 */
@Module({})
export class AuthModule {
  static register({ config, throttlerStorage, twoFactor }: AuthModuleOptions): DynamicModule {
    const limits = config.rateLimits;
    return {
      module: AuthModule,
      imports: [
        UsersCoreModule,
        PassportModule,
        JwtModule.register({}),
        ThrottlerModule.forRoot({
          setHeaders: false,
          storage: throttlerStorage,
          throttlers: [
            {
              name: THROTTLER_DEFAULT,
              ttl: MINUTE,
              limit: limits.defaultPerMinute,
              skipIf: (ctx) => rateLimitKind(ctx) !== undefined,
            },
            {
              name: THROTTLER_AUTH_IP,
              ttl: MINUTE,
              limit: (ctx) =>
                rateLimitKind(ctx) === 'refresh' ? limits.refreshPerMinute : limits.loginPerMinute,
              skipIf: (ctx) => rateLimitKind(ctx) === undefined,
            },
            {
              name: THROTTLER_AUTH_ACCOUNT,
              ttl: MINUTE,
              limit: limits.loginPerMinute,
              getTracker: (req) => accountTracker(req),
              skipIf: (ctx) =>
                rateLimitKind(ctx) !== 'login' || accountTracker(ctx.switchToHttp().getRequest()) === '',
            },
          ],
        }),
      ],
      controllers: [AuthController, UsersController, SessionsController, ...TWO_FACTOR_CONTROLLERS],
      providers: [
        { provide: AuthConfig, useValue: config },
        { provide: AuthSettings, useValue: config.settings },
        Login,
        VerifySecondFactor,
        RefreshSession,
        Logout,
        AuthenticateAccess,
        SessionStarter,
        SignInOutcomes,
        ...twoFactorProviders(twoFactor),
        ListUsers,
        CreateUser,
        UpdateUser,
        DeactivateUser,
        ListSessions,
        RevokeSession,
        RevokeAllSessions,
        UnlockAccount,
        JwtStrategy,
        LegacyHeaderAuthenticator,
        { provide: SessionRepository, useClass: TypeOrmSessionRepository },
        { provide: AccountLockout, useClass: TypeOrmAccountLockout },
        { provide: MfaChallengeRepository, useClass: TypeOrmMfaChallengeRepository },
        { provide: AccessTokenIssuer, useClass: JwtAccessTokenIssuer },
        { provide: APP_GUARD, useClass: AuthThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
