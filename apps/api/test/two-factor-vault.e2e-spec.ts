import { LocalSecretStore, VaultClient, vaultClientOptionsFrom, VaultSecretStore } from '@uyoop/secrets';
import {
  provisionApp,
  startVaultTarget,
  type AppCredentials,
  type VaultTarget,
} from '../../../test-support/vault-target';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { type SteppingClock, steppingClockFor } from '../../../test-support/clock';
import { enableTwoFactor, login, PASSWORD, seedUser } from '../../../test-support/auth';
import { Authenticator } from '../../../test-support/totp';
import { loadEnv } from '../src/config/env';
import { resolveDatabaseTarget } from '../src/database/database-target';

// A real Vault's clock cannot be moved: there, fresh codes are waited for (test-support/clock.ts).
if (process.env.VAULT_ADDR) jest.setTimeout(10 * 60_000);

/**
 * Two-factor through the API with Vault's TOTP engine: the emulator, or a real Vault when VAULT_ADDR is set.
 * The app runs with split credentials (TOTP-09): a login role that may only check codes (and read its
 * config) and an enrolment role that may only write keys. Each role lacks the other's rights, so a flow
 * that passes shows each call went out with the right token.
 */
describe('two-factor with Vault (e2e)', () => {
  let target: VaultTarget;
  let creds: AppCredentials;
  let t: TestApp;
  let clock: SteppingClock;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    target = await startVaultTarget();
    creds = await provisionApp(target);
    clock = steppingClockFor(target);
    t = await createTestApp(
      {
        RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
        VAULT_ADDR: target.address,
        VAULT_ROLE_ID: creds.roleId,
        VAULT_SECRET_ID: creds.secretId,
        VAULT_ENROL_ROLE_ID: creds.enrol.roleId,
        VAULT_ENROL_SECRET_ID: creds.enrol.secretId,
        VAULT_TIMEOUT_MS: '1500',
      },
      { clock },
    );
  });
  afterAll(async () => {
    await t?.close();
    await target?.stop();
  });

  async function mfaToken(name: string): Promise<string> {
    const res = await http().post('/login').send({ username: name, password: PASSWORD });
    expect(res.body.requires_totp).toBe(true);
    return res.body.mfa_token as string;
  }

  it('TOTP-09 split credentials: the whole flow, as a person would: setup, scan, enable, log in, replay refused, backup code once, disable', async () => {
    const vera = await seedUser(t.app, 'vera', 'OPS');
    const tokens = await login(t.app, 'vera');
    const auth = { Authorization: `Bearer ${tokens.access}` };
    const setup = await http().post('/2fa/setup').set(auth);
    expect(setup.status).toBe(200);
    expect(setup.body.otpauth_url).toMatch(
      /^otpauth:\/\/totp\/uyoop-cal:vera\?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=[A-Z2-7]{32}$/,
    );
    expect(setup.body.qr_code).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    const phone = Authenticator.fromUrl(setup.body.otpauth_url, { clock, coarse: true });
    const enable = await http().post('/2fa/enable').set(auth).send({ code: phone.next() });
    expect(enable.status).toBe(200);
    const code = phone.next();
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('vera'), code })
      ).status,
    ).toBe(200);
    const replay = await http()
      .post('/2fa/verify')
      .send({ mfa_token: await mfaToken('vera'), code });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toBe('Invalid 2FA code');
    const backup = enable.body.backup_codes[0] as string;
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('vera'), code: backup })
      ).status,
    ).toBe(200);
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('vera'), code: backup })
      ).status,
    ).toBe(401);
    const again = await login(t.app, 'vera');
    expect(again).toEqual({ access: null, refresh: null }); // a 2FA user gets no tokens from the password alone
    const fresh = await http()
      .post('/2fa/verify')
      .send({ mfa_token: await mfaToken('vera'), code: enable.body.backup_codes[1] });
    const disable = await http()
      .delete('/2fa/disable')
      .set({ Authorization: `Bearer ${fresh.body.access_token}` })
      .send({ code: phone.next() });
    expect(disable.status).toBe(200);
    expect(
      (await http().post('/login').send({ username: 'vera', password: PASSWORD })).body.requires_totp,
    ).toBe(false);
    // Disable deleted the key (with the enrolment token).
    expect((await target.root('GET', `totp/keys/user_${vera.id.replace(/-/g, '')}`)).status).toBe(404);
  });

  it('TOTP-08: after a Vault restart (its used-code memory lost) the app still refuses a replay', async () => {
    if (!target.emulator) return; // only the emulator can be restarted from here
    await seedUser(t.app, 'wren', 'DEV');
    const tokens = await login(t.app, 'wren');
    const { phone } = await enableTwoFactor(t.app, tokens, { clock, coarse: true });
    const code = phone.next();
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('wren'), code })
      ).status,
    ).toBe(200);
    await target.emulator.restart();
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('wren'), code })
      ).status,
    ).toBe(401);
  });

  it('TOTP-07/OPS-02: a sealed Vault means 503, never a bypass; /health reports it; unsealing recovers', async () => {
    if (!target.emulator) return;
    await seedUser(t.app, 'xavi', 'DEV');
    const tokens = await login(t.app, 'xavi');
    const { phone } = await enableTwoFactor(t.app, tokens, { clock, coarse: true });
    const pending = await mfaToken('xavi');
    target.emulator.seal();
    try {
      const res = await http().post('/2fa/verify').send({ mfa_token: pending, code: phone.next() });
      expect(res.status).toBe(503);
      expect(res.body.access_token).toBeUndefined();
      const health = await http().get('/health');
      expect(health.status).toBe(503);
      expect(health.body.info.vault).toEqual({ status: 'down' });
    } finally {
      target.emulator.unseal();
    }
    expect((await http().get('/health')).body.info.vault).toEqual({ status: 'up' });
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('xavi'), code: phone.next() })
      ).status,
    ).toBe(200);
  });

  it('DATABASE_URL resolves from Vault KV v2 (secret/app/config, database_url) when the variable is unset', async () => {
    const url = `postgres://uyoop:from-vault@db.internal:5432/uyoop_${Date.now()}`;
    expect(
      (await target.root('POST', 'secret/data/app/config', { data: { database_url: url } })).status,
    ).toBe(200);
    // The login policy as vault:init writes it: read on secret/data/app/config only.
    const production = await provisionApp(target, { configPath: 'app/config' });
    const env = loadEnv({
      VAULT_ADDR: target.address,
      VAULT_ROLE_ID: production.roleId,
      VAULT_SECRET_ID: production.secretId,
    });
    await expect(
      resolveDatabaseTarget(env, new VaultSecretStore(new VaultClient(vaultClientOptionsFrom(env)))),
    ).resolves.toEqual({
      kind: 'url',
      url,
      source: 'secret-store',
    });
    await expect(resolveDatabaseTarget(loadEnv({}), new LocalSecretStore())).resolves.toEqual({
      kind: 'embedded',
      dataDir: './data',
    });
  });
});

/**
 * TOTP-09 with other credential set-ups, each on an app of its own. In a separate block, after the main
 * app is closed: starting and closing a second app in the same file invalidated the first app's access
 * tokens (seen while writing these tests; not investigated here).
 */
describe('two-factor with Vault, other credential set-ups (e2e)', () => {
  let target: VaultTarget;
  let creds: AppCredentials;

  beforeAll(async () => {
    target = await startVaultTarget();
    creds = await provisionApp(target);
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('TOTP-09: with the login credentials alone (split off), enrolment is refused with 503, not done with a broader token', async () => {
    const loginOnly = await createTestApp({
      VAULT_ADDR: target.address,
      VAULT_ROLE_ID: creds.roleId,
      VAULT_SECRET_ID: creds.secretId,
      VAULT_TIMEOUT_MS: '1500',
    });
    try {
      await seedUser(loginOnly.app, 'yuri', 'DEV');
      const tokens = await login(loginOnly.app, 'yuri');
      const setup = await request(loginOnly.app.getHttpServer())
        .post('/2fa/setup')
        .set({ Authorization: `Bearer ${tokens.access}` });
      expect(setup.status).toBe(503);
      expect(setup.body.otpauth_url).toBeUndefined();
    } finally {
      await loginOnly.close();
    }
  });

  it('TOTP-09: both secret ids from the env file vault:init writes (VAULT_SECRET_ID_FILE, VAULT_ENROL_SECRET_ID_FILE)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'totp09-'));
    const file = join(dir, 'vault.env');
    await writeFile(
      file,
      `VAULT_ROLE_ID=${creds.roleId}\nVAULT_SECRET_ID=${creds.secretId}\n` +
        `VAULT_ENROL_ROLE_ID=${creds.enrol.roleId}\nVAULT_ENROL_SECRET_ID=${creds.enrol.secretId}\n`,
      { mode: 0o600 },
    );
    const fromFile = await createTestApp({
      VAULT_ADDR: target.address,
      VAULT_ROLE_ID: creds.roleId,
      VAULT_SECRET_ID_FILE: file,
      VAULT_ENROL_ROLE_ID: creds.enrol.roleId,
      VAULT_ENROL_SECRET_ID_FILE: file,
      VAULT_TIMEOUT_MS: '1500',
    });
    try {
      await seedUser(fromFile.app, 'zoe', 'DEV');
      const tokens = await login(fromFile.app, 'zoe');
      const auth = { Authorization: `Bearer ${tokens.access}` };
      const setup = await request(fromFile.app.getHttpServer()).post('/2fa/setup').set(auth);
      expect(setup.status).toBe(200);
      const phone = Authenticator.fromUrl(setup.body.otpauth_url);
      const enable = await request(fromFile.app.getHttpServer())
        .post('/2fa/enable')
        .set(auth)
        .send({ code: phone.next() });
      expect(enable.status).toBe(200);
    } finally {
      await fromFile.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
