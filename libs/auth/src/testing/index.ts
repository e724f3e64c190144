export {
  actorOf,
  addUser,
  DAY,
  MINUTE,
  TEST_LOCKOUT,
  TEST_PASSWORD,
  testAuthSettings,
  type TestUserInput,
} from './auth-fixtures';
export { FakeAccessTokenIssuer } from './fake-access-token-issuer';
export { FixedCommonPasswordList } from './fixed-common-password-list';
export { InMemoryAccountLockout, type LockoutState } from './in-memory-account-lockout';
export {
  InMemoryMfaChallengeRepository,
  type StoredMfaChallenge,
} from './in-memory-mfa-challenge.repository';
export {
  InMemorySessionRepository,
  type StoredRefreshToken,
  type StoredSession,
} from './in-memory-session.repository';
export { InMemoryUserRepository } from './in-memory-user.repository';
export { PlainPasswordHasher } from './plain-password-hasher';
export { ScriptedCodeVerifier } from './scripted-code-verifier';
export { SerialUnitOfWork } from './serial-unit-of-work';
