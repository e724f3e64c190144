/**
 * scripts/vault-init.ts against a fresh (non-dev) Vault emulator: everything set up on the first run,
 * nothing on the second, credentials file mode 0600, rotation, and the two policies it writes are
 * least-privilege and split between the login and the enrolment path (TOTP-09).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultClient, VaultError } from '@uyoop/secrets';
import { VaultEmulator } from '../test-support/vault-emulator/vault-emulator';
import {
  APP_POLICY_HCL,
  ENROL_POLICY_HCL,
  readEnvFile,
  TOTP_KEY_PREFIX,
  vaultInit,
  type VaultInitOptions,
} from './vault-init';
import { keyNameFor } from '@uyoop/auth';

let vault: VaultEmulator;
let dir: string;

beforeAll(async () => {
  vault = await VaultEmulator.start({ mounts: 'empty' });
  dir = await mkdtemp(join(tmpdir(), 'vault-init-'));
});
afterAll(async () => {
  await vault.stop();
  await rm(dir, { recursive: true, force: true });
});

const lines: string[] = [];
const options = (extra: Partial<VaultInitOptions> = {}): VaultInitOptions => ({
  address: vault.url,
  token: vault.rootToken,
  out: join(dir, 'config', 'vault.env'),
  log: (line) => lines.push(line),
  ...extra,
});

async function canLogIn(roleId: string, secretId: string): Promise<boolean> {
  const client = new VaultClient({ address: vault.url, roleId, secretId: () => secretId });
  try {
    await client.login();
    return true;
  } catch (error) {
    if (error instanceof VaultError) return false;
    throw error;
  }
}

async function root(method: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${vault.url}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': vault.rootToken },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('vaultInit', () => {
  it('first run: engines, AppRole, both policies and roles, credentials file (0600), database_url', async () => {
    lines.length = 0;
    const result = await vaultInit(options({ databaseUrl: 'postgres://db/uyoop' }));
    expect(result.changes).toEqual([
      'secrets engine kv enabled at secret/',
      'secrets engine totp enabled at totp/',
      'auth method approle enabled at approle/',
      'policy uyoop-cal written',
      'AppRole role uyoop-cal created (token_ttl 1h, token_max_ttl 24h)',
      'policy uyoop-cal-enrol written',
      'AppRole role uyoop-cal-enrol created (token_ttl 1h, token_max_ttl 24h)',
      `new secret id for uyoop-cal written to ${result.envFile} (mode 0600)`,
      `new secret id for uyoop-cal-enrol written to ${result.envFile} (mode 0600)`,
      'database_url stored in secret/app/config',
    ]);
    expect(result.warnings).toEqual([]);

    const mounts = (await root('GET', 'sys/mounts')).body as {
      data: Record<string, { type: string; options: unknown }>;
    };
    expect(mounts.data['secret/']).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(mounts.data['totp/']).toMatchObject({ type: 'totp' });
    const policy = (await root('GET', 'sys/policies/acl/uyoop-cal')).body as { data: { policy: string } };
    expect(policy.data.policy).toBe(APP_POLICY_HCL);
    const role = (await root('GET', 'auth/approle/role/uyoop-cal')).body as { data: Record<string, unknown> };
    expect(role.data).toMatchObject({ token_ttl: 3600, token_max_ttl: 86400, token_policies: ['uyoop-cal'] });
    const enrolPolicy = (await root('GET', 'sys/policies/acl/uyoop-cal-enrol')).body as {
      data: { policy: string };
    };
    expect(enrolPolicy.data.policy).toBe(ENROL_POLICY_HCL);
    const enrolRole = (await root('GET', 'auth/approle/role/uyoop-cal-enrol')).body as {
      data: Record<string, unknown>;
    };
    expect(enrolRole.data).toMatchObject({
      token_ttl: 3600,
      token_max_ttl: 86400,
      token_policies: ['uyoop-cal-enrol'],
    });

    expect((await stat(result.envFile)).mode & 0o777).toBe(0o600);
    const env = await readEnvFile(result.envFile);
    expect(Object.keys(env).sort()).toEqual([
      'VAULT_ENROL_ROLE_ID',
      'VAULT_ENROL_SECRET_ID',
      'VAULT_ROLE_ID',
      'VAULT_SECRET_ID',
    ]);
    expect(env.VAULT_ROLE_ID).toBe(result.roleId);
    expect(env.VAULT_SECRET_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(await canLogIn(result.roleId, env.VAULT_SECRET_ID!)).toBe(true);
    expect(env.VAULT_ENROL_ROLE_ID).toBe(result.enrolRoleId);
    expect(result.enrolRoleId).not.toBe(result.roleId);
    expect(env.VAULT_ENROL_SECRET_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(await canLogIn(result.enrolRoleId, env.VAULT_ENROL_SECRET_ID!)).toBe(true);

    const app = new VaultClient({
      address: vault.url,
      roleId: result.roleId,
      secretId: () => env.VAULT_SECRET_ID!,
    });
    expect(await app.readKv('app/config')).toEqual({ database_url: 'postgres://db/uyoop' });
  });

  it('second run: nothing to change, same credentials', async () => {
    const before = await readFile(options().out!, 'utf8');
    lines.length = 0;
    const result = await vaultInit(options({ databaseUrl: 'postgres://db/uyoop' }));
    expect(result.changes).toEqual([]);
    expect(lines).toContain('nothing to change');
    expect(await readFile(options().out!, 'utf8')).toBe(before);
  });

  it('repairs drift: a loosened file mode, changed policies, a widened role, a new database_url', async () => {
    const { chmod } = await import('node:fs/promises');
    await chmod(options().out!, 0o644);
    vault.writePolicy('uyoop-cal', 'path "secret/*" { capabilities = ["read"] }');
    vault.writePolicy('uyoop-cal-enrol', 'path "totp/*" { capabilities = ["update"] }');
    expect(
      (
        await fetch(`${vault.url}/v1/auth/approle/role/uyoop-cal-enrol`, {
          method: 'POST',
          headers: { 'X-Vault-Token': vault.rootToken },
          body: JSON.stringify({ token_policies: ['uyoop-cal-enrol', 'uyoop-cal'] }),
        })
      ).status,
    ).toBe(204);
    const result = await vaultInit(options({ databaseUrl: 'postgres://db2/uyoop' }));
    expect(result.changes).toEqual([
      'policy uyoop-cal updated',
      'policy uyoop-cal-enrol updated',
      'AppRole role uyoop-cal-enrol updated (token_ttl 1h, token_max_ttl 24h)',
      `${result.envFile} mode 644 → 600`,
      'database_url stored in secret/app/config',
    ]);
    expect((await stat(result.envFile)).mode & 0o777).toBe(0o600);
  });

  it('a file holding invalid credentials gets a new secret id', async () => {
    const file = join(dir, 'other', 'vault.env');
    await (await import('node:fs/promises')).mkdir(join(dir, 'other'), { recursive: true });
    await writeFile(file, 'VAULT_ROLE_ID=nope\nVAULT_SECRET_ID=nope\n', { mode: 0o600 });
    const result = await vaultInit(options({ out: file }));
    expect(result.changes).toEqual([
      `new secret id for uyoop-cal written to ${file} (mode 0600)`,
      `new secret id for uyoop-cal-enrol written to ${file} (mode 0600)`,
    ]);
    const env = await readEnvFile(file);
    expect(await canLogIn(env.VAULT_ROLE_ID!, env.VAULT_SECRET_ID!)).toBe(true);
    expect(await canLogIn(env.VAULT_ENROL_ROLE_ID!, env.VAULT_ENROL_SECRET_ID!)).toBe(true);
  });

  it('TOTP-09 upgrade: a file from before the split keeps its valid login secret id and gains the enrolment pair', async () => {
    const file = join(dir, 'upgrade', 'vault.env');
    await (await import('node:fs/promises')).mkdir(join(dir, 'upgrade'), { recursive: true });
    const current = await readEnvFile(options().out!);
    await writeFile(
      file,
      `VAULT_ROLE_ID=${current.VAULT_ROLE_ID}\nVAULT_SECRET_ID=${current.VAULT_SECRET_ID}\n`,
      {
        mode: 0o600,
      },
    );
    const result = await vaultInit(options({ out: file }));
    expect(result.changes).toEqual([`new secret id for uyoop-cal-enrol written to ${file} (mode 0600)`]);
    const env = await readEnvFile(file);
    expect(env.VAULT_SECRET_ID).toBe(current.VAULT_SECRET_ID);
    expect(env.VAULT_ENROL_ROLE_ID).toBe(result.enrolRoleId);
    expect(await canLogIn(env.VAULT_ENROL_ROLE_ID!, env.VAULT_ENROL_SECRET_ID!)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('--rotate-secret-id: writes new secret ids for both roles that log in', async () => {
    const old = await readEnvFile(options().out!);
    const result = await vaultInit(options({ rotateSecretId: true }));
    expect(result.changes).toEqual([
      `secret id of uyoop-cal rotated in ${result.envFile}`,
      `secret id of uyoop-cal-enrol rotated in ${result.envFile}`,
      'old secret id of uyoop-cal destroyed',
      'old secret id of uyoop-cal-enrol destroyed',
    ]);
    const env = await readEnvFile(result.envFile);
    expect(env.VAULT_SECRET_ID).not.toBe(old.VAULT_SECRET_ID);
    expect(env.VAULT_ENROL_SECRET_ID).not.toBe(old.VAULT_ENROL_SECRET_ID);
    expect(env.VAULT_ROLE_ID).toBe(old.VAULT_ROLE_ID);
    expect(env.VAULT_ENROL_ROLE_ID).toBe(old.VAULT_ENROL_ROLE_ID);
    expect(await canLogIn(env.VAULT_ROLE_ID!, env.VAULT_SECRET_ID!)).toBe(true);
    expect(await canLogIn(env.VAULT_ENROL_ROLE_ID!, env.VAULT_ENROL_SECRET_ID!)).toBe(true);
    expect((await stat(result.envFile)).mode & 0o777).toBe(0o600);
  });

  // The emulator has no `auth/approle/role/:name/secret-id/destroy` (404 "unsupported path"), so the old
  // secret id survives there and vaultInit reports it as a warning. Marked failing until the emulator
  // gains the endpoint (Jest then reports it, and `.failing` can go).
  it('--rotate-secret-id: the old secret ids no longer log in', async () => {
    const old = await readEnvFile(options().out!);
    const result = await vaultInit(options({ rotateSecretId: true }));
    expect(result.warnings).toEqual([]);
    expect(await canLogIn(old.VAULT_ROLE_ID!, old.VAULT_SECRET_ID!)).toBe(false);
    expect(await canLogIn(old.VAULT_ENROL_ROLE_ID!, old.VAULT_ENROL_SECRET_ID!)).toBe(false);
  });
});

/** A 403 for an ACL denial (a valid token whose policy says no), Vault's exact text. */
async function expectDenied(call: Promise<unknown>): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  expect(error).toMatchObject({ status: 403, errors: ['1 error occurred:\n\t* permission denied\n\n'] });
}

describe('TOTP-09: the tokens of the two roles vault:init writes', () => {
  let login: VaultClient;
  let enrol: VaultClient;
  const keyName = keyNameFor('6f1c1a53-2b55-4c39-9d0e-3f0f7c1e2a10');
  const keyBody = { generate: true, exported: true, issuer: 'uyoop-cal', account_name: 'alice' };

  beforeAll(async () => {
    const env = await readEnvFile(options().out!);
    login = new VaultClient({
      address: vault.url,
      roleId: env.VAULT_ROLE_ID!,
      secretId: () => env.VAULT_SECRET_ID!,
    });
    enrol = new VaultClient({
      address: vault.url,
      roleId: env.VAULT_ENROL_ROLE_ID!,
      secretId: () => env.VAULT_ENROL_SECRET_ID!,
    });
    const other = await fetch(`${vault.url}/v1/secret/data/other/thing`, {
      method: 'POST',
      headers: { 'X-Vault-Token': vault.rootToken },
      body: JSON.stringify({ data: { password: 'x' } }),
    });
    expect(other.status).toBe(200);
  });

  it('the application’s key names fall under the policies’ prefix', () => {
    expect(keyName.startsWith(TOTP_KEY_PREFIX)).toBe(true);
  });

  it('the enrolment token creates, replaces and deletes keys, and may do nothing else', async () => {
    expect(await enrol.lookupSelf()).toMatchObject({ policies: ['default', 'uyoop-cal-enrol'] });
    const created = await enrol.request<{ url?: string }>('POST', `totp/keys/${keyName}`, { body: keyBody });
    expect(created?.data?.url).toMatch(/^otpauth:\/\/totp\/uyoop-cal:alice\?/);
    await enrol.request('DELETE', `totp/keys/${keyName}`);
    await enrol.request('POST', `totp/keys/${keyName}`, { body: keyBody });

    await expectDenied(enrol.request('POST', `totp/code/${keyName}`, { body: { code: '123456' } }));
    await expectDenied(enrol.request('GET', `totp/code/${keyName}`));
    await expectDenied(enrol.request('GET', `totp/keys/${keyName}`));
    await expectDenied(enrol.request('GET', 'totp/keys', { params: { list: true } }));
    await expectDenied(enrol.request('POST', 'totp/keys/admin', { body: keyBody }));
    await expectDenied(enrol.readKv('app/config'));
    await expectDenied(enrol.readKv('other/thing'));
    await expectDenied(enrol.request('GET', 'sys/policies/acl/uyoop-cal-enrol'));
  });

  it('the login token checks codes and reads secret/app/config, and may do nothing else', async () => {
    expect(await login.lookupSelf()).toMatchObject({ policies: ['default', 'uyoop-cal'] });
    expect(await login.readKv('app/config')).toEqual({ database_url: 'postgres://db2/uyoop' });
    const check = await login.request<{ valid: boolean }>('POST', `totp/code/${keyName}`, {
      body: { code: '000000' },
    });
    expect(typeof check?.data?.valid).toBe('boolean');

    await expectDenied(login.request('POST', `totp/keys/${keyName}`, { body: keyBody }));
    await expectDenied(login.request('POST', 'totp/keys/user_new', { body: keyBody }));
    await expectDenied(login.request('DELETE', `totp/keys/${keyName}`));
    await expectDenied(login.request('GET', `totp/keys/${keyName}`));
    await expectDenied(login.request('GET', `totp/code/${keyName}`));
    await expectDenied(login.request('POST', 'totp/code/admin', { body: { code: '123456' } }));
    await expectDenied(login.readKv('other/thing'));
    await expectDenied(login.readKv('app/other'));
    await expectDenied(login.request('GET', 'secret/metadata/app/config'));
    await expectDenied(login.writeKv('app/config', { database_url: 'postgres://evil' }));
    await expectDenied(login.request('GET', 'sys/policies/acl/uyoop-cal'));
  });
});
