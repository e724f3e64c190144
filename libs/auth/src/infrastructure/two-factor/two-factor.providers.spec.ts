import { Logger, type LoggerService } from '@nestjs/common';
import { VaultSplitNotice } from './two-factor.providers';
import { type TotpVaultTransport, VaultTotpEngine } from './vault/vault-totp-engine.adapter';

/** The start-up warning when Vault's TOTP engine runs with one token (TOTP-09). No call reaches Vault. */
describe('TOTP-09: VaultSplitNotice', () => {
  const warnings: string[] = [];
  const sink: LoggerService = {
    log: () => undefined,
    error: () => undefined,
    warn: (message: unknown) => {
      warnings.push(String(message));
    },
  };
  const transport = (): TotpVaultTransport => ({
    request: () => Promise.reject(new Error('not called')),
  });

  beforeAll(() => Logger.overrideLogger(sink));
  afterAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    warnings.length = 0;
  });

  it('warns when one token creates keys and checks codes', () => {
    new VaultSplitNotice(new VaultTotpEngine(transport())).onApplicationBootstrap();
    expect(warnings).toEqual([expect.stringContaining('Vault token split is off (TOTP-09)')]);
    expect(warnings[0]).toContain('VAULT_ENROL_ROLE_ID');
  });

  it('says nothing when the enrolment path has its own token', () => {
    new VaultSplitNotice(
      new VaultTotpEngine(transport(), { enrolment: transport() }),
    ).onApplicationBootstrap();
    expect(warnings).toEqual([]);
  });
});
