export { TwoFactorModule } from './infrastructure/two-factor.module';
export type { TwoFactorModuleOptions } from './infrastructure/two-factor.module';
export { LocalTotpEngine, otpauthUrlFor, base32 } from './infrastructure/local/local-totp-engine.adapter';
export { TotpEngine } from './application/ports/totp-engine.port';
export { isTotpCode, normaliseBackupCode, newBackupCodes, stepAt } from './domain/codes';
