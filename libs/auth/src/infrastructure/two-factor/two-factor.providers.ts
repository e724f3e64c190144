import { Injectable, Logger, type OnApplicationBootstrap, type Provider, type Type } from '@nestjs/common';
import { CodeVerifier } from '../../application/two-factor/code-verifier';
import { DisableTwoFactor } from '../../application/two-factor/disable-two-factor.use-case';
import { EnableTwoFactor } from '../../application/two-factor/enable-two-factor.use-case';
import { CodeHasher } from '../../application/two-factor/ports/code-hasher.port';
import { TotpEngine } from '../../application/two-factor/ports/totp-engine.port';
import { TwoFactorRepository } from '../../application/two-factor/ports/two-factor-repository.port';
import { RegenerateBackupCodes } from '../../application/two-factor/regenerate-backup-codes.use-case';
import { ResetTwoFactor } from '../../application/two-factor/reset-two-factor.use-case';
import { SetupTwoFactor } from '../../application/two-factor/setup-two-factor.use-case';
import { TwoFactorStatus } from '../../application/two-factor/two-factor-status.use-case';
import { Argon2CodeHasher } from './argon2-code-hasher.adapter';
import { TwoFactorController } from './http/two-factor.controller';
import { LocalTotpEngine, TotpSealingKey } from './local/local-totp-engine.adapter';
import { TypeOrmTwoFactorRepository } from './persistence/typeorm-two-factor.repository';
import { type TotpVaultTransport, VaultTotpEngine } from './vault/vault-totp-engine.adapter';

export interface TwoFactorOptions {
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

/**
 * TOTP two-factor authentication, wired into the identity module (AuthModule): login and the second
 * sign-in step use the code verifier directly. Nothing here is exported from the context.
 */
export function twoFactorProviders(options: TwoFactorOptions): Provider[] {
  return [
    ...engineProviders(options),
    { provide: TwoFactorRepository, useClass: TypeOrmTwoFactorRepository },
    { provide: CodeHasher, useClass: Argon2CodeHasher },
    CodeVerifier,
    SetupTwoFactor,
    EnableTwoFactor,
    DisableTwoFactor,
    TwoFactorStatus,
    RegenerateBackupCodes,
    ResetTwoFactor,
  ];
}

export const TWO_FACTOR_CONTROLLERS: Type[] = [TwoFactorController];

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

function engineProviders(options: TwoFactorOptions): Provider[] {
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
