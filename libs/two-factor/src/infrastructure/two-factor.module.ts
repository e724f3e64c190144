import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { SecondFactor } from '@uyoop/auth';
import { CodeVerifier } from '../application/code-verifier';
import { DisableTwoFactor } from '../application/disable-two-factor.use-case';
import { EnableTwoFactor } from '../application/enable-two-factor.use-case';
import { CodeHasher } from '../application/ports/code-hasher.port';
import { SessionTerminator } from '../application/ports/session-terminator.port';
import { TotpEngine } from '../application/ports/totp-engine.port';
import { TwoFactorRepository } from '../application/ports/two-factor-repository.port';
import { RegenerateBackupCodes } from '../application/regenerate-backup-codes.use-case';
import { ResetTwoFactor } from '../application/reset-two-factor.use-case';
import { SetupTwoFactor } from '../application/setup-two-factor.use-case';
import { TwoFactorStatus } from '../application/two-factor-status.use-case';
import { Argon2CodeHasher } from './argon2-code-hasher.adapter';
import { AuthSessionTerminator, TwoFactorSecondFactor } from './auth-bridge.adapters';
import { TwoFactorController } from './http/two-factor.controller';
import { LocalTotpEngine, TotpSealingKey } from './local/local-totp-engine.adapter';
import { TypeOrmTwoFactorRepository } from './persistence/typeorm-two-factor.repository';
import { type TotpVaultTransport, VaultTotpEngine } from './vault/vault-totp-engine.adapter';

export interface TwoFactorModuleOptions {
  /** Vault's TOTP engine through this client; when absent, the local engine with `sealingKey`. */
  vault?: TotpVaultTransport;
  /** Key for sealing seeds of the local engine (required without Vault). */
  sealingKey?: Buffer;
}

/** TOTP two-factor authentication; provides the `SecondFactor` that login uses. */
@Global()
@Module({})
export class TwoFactorModule {
  static register(options: TwoFactorModuleOptions): DynamicModule {
    return {
      module: TwoFactorModule,
      controllers: [TwoFactorController],
      providers: [
        ...engineProviders(options),
        { provide: TwoFactorRepository, useClass: TypeOrmTwoFactorRepository },
        { provide: CodeHasher, useClass: Argon2CodeHasher },
        { provide: SessionTerminator, useClass: AuthSessionTerminator },
        { provide: SecondFactor, useClass: TwoFactorSecondFactor },
        CodeVerifier,
        SetupTwoFactor,
        EnableTwoFactor,
        DisableTwoFactor,
        TwoFactorStatus,
        RegenerateBackupCodes,
        ResetTwoFactor,
      ],
      exports: [SecondFactor],
    };
  }
}

function engineProviders(options: TwoFactorModuleOptions): Provider[] {
  if (options.vault) return [{ provide: TotpEngine, useValue: new VaultTotpEngine(options.vault) }];
  if (!options.sealingKey) throw new Error('the local TOTP engine needs a sealing key');
  return [
    { provide: TotpSealingKey, useValue: new TotpSealingKey(options.sealingKey) },
    { provide: TotpEngine, useClass: LocalTotpEngine },
  ];
}
