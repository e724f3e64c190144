import { randomBytes } from 'node:crypto';
import { ENROL_POLICY_HCL, loginPolicyHcl } from '../scripts/vault-init';
import { VaultEmulator } from './vault-emulator/vault-emulator';

/**
 * The Vault the contract tests talk to: the emulator (started here, over real loopback HTTP) unless
 * VAULT_ADDR is set, in which case that Vault is used with VAULT_TOKEN (a root or sudo token), e.g.
 * `vault server -dev -dev-root-token-id=root` then `VAULT_ADDR=http://127.0.0.1:8200 VAULT_TOKEN=root`.
 * Tests that need to break Vault (seal, stop, latency) run on the emulator only (`target.emulator`).
 */
export interface VaultTarget {
  readonly kind: 'emulator' | 'vault';
  readonly address: string;
  readonly rootToken: string;
  readonly emulator: VaultEmulator | undefined;
  /** A raw call with the root token; resolves with status and parsed body (no error on non-2xx). */
  root(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function startVaultTarget(): Promise<VaultTarget> {
  const external = process.env.VAULT_ADDR;
  let emulator: VaultEmulator | undefined;
  let address: string;
  let rootToken: string;
  if (external) {
    address = external.replace(/\/+$/, '');
    rootToken = process.env.VAULT_TOKEN ?? '';
    if (!rootToken) throw new Error('VAULT_ADDR is set: VAULT_TOKEN (a root/sudo token) is needed too');
  } else {
    emulator = await VaultEmulator.start({ mounts: 'dev' });
    address = emulator.url;
    rootToken = emulator.rootToken;
  }
  const root = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${address}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': rootToken, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    kind: emulator ? 'emulator' : 'vault',
    address,
    rootToken,
    emulator,
    root,
    stop: async () => {
      await emulator?.stop();
    },
  };
}

export interface AppRoleCredentials {
  roleName: string;
  policyName: string;
  roleId: string;
  secretId: string;
}

/** The login path's role (top level) and the enrolment path's role (`enrol`), TOTP-09. */
export interface AppCredentials extends AppRoleCredentials {
  /**
   * The KV v2 path (relative to `secret/`) the login policy may read: `app/config` in production,
   * test-unique here so that a run against a real Vault never touches its real config secret.
   */
  configPath: string;
  /** The KV v2 prefix of git repository credentials the login policy may read; test-unique too. */
  gitCredentialsPath: string;
  enrol: AppRoleCredentials;
}

/**
 * Provisions what the application needs, as scripts/vault-init.ts does, under test-unique names: TOTP
 * engine and AppRole auth (enabled if missing), KV v2 at secret/ (present in dev mode), the login policy
 * (the script's own HCL, with a test-unique config path) and role, and the enrolment policy (the script's
 * own HCL) and role, each role with its one policy only (TOTP-09). `configPath`: the secret the login
 * policy may read, e.g. the production `app/config` for a test of the database URL lookup.
 */
export async function provisionApp(
  target: VaultTarget,
  role: { tokenTtl?: number; tokenMaxTtl?: number; configPath?: string } = {},
): Promise<AppCredentials> {
  await enable(target, 'sys/mounts/totp', { type: 'totp' });
  await enable(target, 'sys/auth/approle', { type: 'approle' });
  await enable(target, 'sys/mounts/secret', { type: 'kv', options: { version: '2' } });
  const suffix = randomBytes(4).toString('hex');
  const configPath = role.configPath ?? `app/config-test-${suffix}`;
  const gitCredentialsPath = `git-test-${suffix}`;
  const login = await provisionRole(
    target,
    `uyoop-cal-test-${suffix}`,
    loginPolicyHcl(configPath, gitCredentialsPath),
    role,
  );
  const enrol = await provisionRole(target, `uyoop-cal-enrol-test-${suffix}`, ENROL_POLICY_HCL, role);
  return { ...login, configPath, gitCredentialsPath, enrol };
}

async function provisionRole(
  target: VaultTarget,
  name: string,
  hcl: string,
  role: { tokenTtl?: number; tokenMaxTtl?: number },
): Promise<AppRoleCredentials> {
  await expectOk(target.root('PUT', `sys/policies/acl/${name}`, { policy: hcl }));
  await expectOk(
    target.root('POST', `auth/approle/role/${name}`, {
      token_ttl: role.tokenTtl ?? 3600,
      token_max_ttl: role.tokenMaxTtl ?? 86400,
      token_policies: [name],
    }),
  );
  const roleId = (await expectOk(target.root('GET', `auth/approle/role/${name}/role-id`))) as {
    data: { role_id: string };
  };
  return {
    roleName: name,
    policyName: name,
    roleId: roleId.data.role_id,
    secretId: await newSecretId(target, name),
  };
}

export async function newSecretId(target: VaultTarget, roleName: string): Promise<string> {
  const answer = (await expectOk(target.root('POST', `auth/approle/role/${roleName}/secret-id`, {}))) as {
    data: { secret_id: string };
  };
  return answer.data.secret_id;
}

/** Revokes a token as the token itself would (works on the emulator and on a real Vault). */
export async function revokeSelf(target: VaultTarget, token: string): Promise<void> {
  const response = await fetch(`${target.address}/v1/auth/token/revoke-self`, {
    method: 'POST',
    headers: { 'X-Vault-Token': token },
  });
  if (response.status !== 204) throw new Error(`revoke-self: ${response.status}`);
}

async function enable(target: VaultTarget, path: string, body: unknown): Promise<void> {
  const { status, body: answer } = await target.root('POST', path, body);
  if (status === 204) return;
  const errors = (answer as { errors?: string[] } | undefined)?.errors ?? [];
  if (status === 400 && errors.some((e) => e.includes('path is already in use'))) return;
  throw new Error(`${path}: ${status} ${JSON.stringify(answer)}`);
}

async function expectOk(call: Promise<{ status: number; body: unknown }>): Promise<unknown> {
  const { status, body } = await call;
  if (status >= 300) throw new Error(`Vault answered ${status}: ${JSON.stringify(body)}`);
  return body;
}
