/**
 * scripts/vault-init.ts against a fresh (non-dev) Vault emulator: everything set up on the first run,
 * nothing on the second, credentials file mode 0600, rotation, and the policy it writes is least-privilege.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultClient, VaultError } from '../libs/secrets/src/infrastructure/vault/vault-client';
import { VaultEmulator } from '../test-support/vault-emulator/vault-emulator';
import { APP_POLICY_HCL, readEnvFile, vaultInit, type VaultInitOptions } from './vault-init';

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
  it('first run: engines, AppRole, policy, role, credentials file (0600), database_url', async () => {
    lines.length = 0;
    const result = await vaultInit(options({ databaseUrl: 'postgres://db/uyoop' }));
    expect(result.changes).toEqual([
      'secrets engine kv enabled at secret/',
      'secrets engine totp enabled at totp/',
      'auth method approle enabled at approle/',
      'policy uyoop-cal written',
      'AppRole role uyoop-cal created (token_ttl 1h, token_max_ttl 24h)',
      `new secret id written to ${result.envFile} (mode 0600)`,
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

    expect((await stat(result.envFile)).mode & 0o777).toBe(0o600);
    const env = await readEnvFile(result.envFile);
    expect(env.VAULT_ROLE_ID).toBe(result.roleId);
    expect(env.VAULT_SECRET_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(await canLogIn(result.roleId, env.VAULT_SECRET_ID!)).toBe(true);

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

  it('repairs drift: a loosened file mode, a changed policy, a new database_url', async () => {
    const { chmod } = await import('node:fs/promises');
    await chmod(options().out!, 0o644);
    vault.writePolicy('uyoop-cal', 'path "secret/*" { capabilities = ["read"] }');
    const result = await vaultInit(options({ databaseUrl: 'postgres://db2/uyoop' }));
    expect(result.changes).toEqual([
      'policy uyoop-cal updated',
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
    expect(result.changes).toEqual([`new secret id written to ${file} (mode 0600)`]);
    const env = await readEnvFile(file);
    expect(await canLogIn(env.VAULT_ROLE_ID!, env.VAULT_SECRET_ID!)).toBe(true);
  });

  it('--rotate-secret-id: writes a new secret id that logs in', async () => {
    const old = await readEnvFile(options().out!);
    const result = await vaultInit(options({ rotateSecretId: true }));
    expect(result.changes[0]).toBe(`secret id rotated in ${result.envFile}`);
    const env = await readEnvFile(result.envFile);
    expect(env.VAULT_SECRET_ID).not.toBe(old.VAULT_SECRET_ID);
    expect(await canLogIn(env.VAULT_ROLE_ID!, env.VAULT_SECRET_ID!)).toBe(true);
    expect((await stat(result.envFile)).mode & 0o777).toBe(0o600);
  });

  // The emulator has no `auth/approle/role/:name/secret-id/destroy` (404 "unsupported path"), so the old
  // secret id survives there and vaultInit reports it as a warning. Marked failing until the emulator
  // gains the endpoint (Jest then reports it, and `.failing` can go).
  it('--rotate-secret-id: the old secret id no longer logs in', async () => {
    const old = await readEnvFile(options().out!);
    const result = await vaultInit(options({ rotateSecretId: true }));
    expect(result.warnings).toEqual([]);
    expect(await canLogIn(old.VAULT_ROLE_ID!, old.VAULT_SECRET_ID!)).toBe(false);
  });
});
