import {
  type DynamicModule,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
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
  /**
   * With `vault`: the enrolment path's own client (TOTP-09), used for key create and delete while
   * `vault` only checks codes. Absent: `vault` does both, and a warning is logged at start.
   */
  vaultEnrolment?: TotpVaultTransport;
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

/** Says at start when Vault's TOTP engine runs with one token for key writes and code checks. */
@Injectable()
export class VaultSplitNotice implements OnApplicationBootstrap {
  private readonly logger = new Logger('TwoFactor');

  constructor(private readonly engine: TotpEngine) {}

  onApplicationBootstrap(): void {
    if (this.engine instanceof VaultTotpEngine && !this.engine.split) {
      this.logger.warn(
        'Vault token split is off (TOTP-09): one token creates TOTP keys and checks codes. ' +
          'Set VAULT_ENROL_ROLE_ID and VAULT_ENROL_SECRET_ID (or VAULT_ENROL_SECRET_ID_FILE), ' +
          'as written by `npm run vault:init`.',
      );
    }
  }
}

function engineProviders(options: TwoFactorModuleOptions): Provider[] {
  if (options.vault) {
    const engine = new VaultTotpEngine(options.vault, { enrolment: options.vaultEnrolment });
    return [{ provide: TotpEngine, useValue: engine }, VaultSplitNotice];
  }
  if (!options.sealingKey) throw new Error('the local TOTP engine needs a sealing key');
  return [
    { provide: TotpSealingKey, useValue: new TotpSealingKey(options.sealingKey) },
    { provide: TotpEngine, useClass: LocalTotpEngine },
  ];
}
