export { FakeTotpEngine, type FakeTotpEngineOptions, type RecordedValidation } from './fake-totp-engine';
export {
  InMemoryTwoFactorRepository,
  type StoredBackupCodeRow,
  type StoredTotpCredential,
  type TotpEnabledFlag,
} from './in-memory-two-factor.repository';
export { PlainCodeHasher } from './plain-code-hasher';
export { actorOf, TWO_FACTOR_START, twoFactorWorld, type TwoFactorWorld } from './two-factor-world';
