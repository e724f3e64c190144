/**
 * Sets up a Vault for uyoop-cal, idempotently (product.md "Secrets"; replaces the original's
 * scripts/init-vault.sh):
 *
 *   KV v2 at secret/, the TOTP engine at totp/, AppRole auth, the least-privilege policy `uyoop-cal`
 *   (TOTP-09), the AppRole role `uyoop-cal` (token TTL 1 h, max 24 h), the role id and a secret id in a
 *   git-ignored env file (mode 0600), and `database_url` in secret/app/config when DATABASE_URL is given.
 *
 * Usage (VAULT_ADDR and a root/admin VAULT_TOKEN in the environment; VAULT_CACERT, VAULT_TIMEOUT_MS optional):
 *   npx ts-node --transpile-only -P tsconfig.json scripts/vault-init.ts [--out config/vault.env] [--rotate-secret-id]
 *
 * A second run prints "nothing to change". `--rotate-secret-id` issues a new secret id, writes it, then
 * destroys the old one.
 */
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { VaultClient, VaultError } from '../libs/secrets/src/infrastructure/vault/vault-client';

export const APP_POLICY_NAME = 'uyoop-cal';
export const APP_ROLE_NAME = 'uyoop-cal';

/**
 * What the application's token may do, and nothing else (TOTP-09): read its own config secrets, create,
 * overwrite and delete TOTP keys (enrolment, reset), check codes (login). No read of TOTP keys, no code
 * generation, no list, no other KV path. The built-in `default` policy adds only token self-management.
 */
export const APP_POLICY_HCL = `# uyoop-cal application policy (written by scripts/vault-init.ts; least privilege, TOTP-09)
path "secret/data/app/*" {
  capabilities = ["read"]
}
path "totp/keys/*" {
  capabilities = ["create", "update", "delete"]
}
path "totp/code/*" {
  capabilities = ["update"]
}
`;

const ROLE_SETTINGS = { token_ttl: 3600, token_max_ttl: 86400, token_policies: [APP_POLICY_NAME] } as const;

export interface VaultInitOptions {
  /** VAULT_ADDR. */
  address: string;
  /** A root or admin (sudo on sys/auth, sys/mounts, sys/policies) token, VAULT_TOKEN. */
  token: string;
  /** The env file receiving VAULT_ROLE_ID / VAULT_SECRET_ID; default config/vault.env. */
  out?: string;
  rotateSecretId?: boolean;
  /** Stored in secret/app/config (key database_url) when given and different. */
  databaseUrl?: string;
  caCertPath?: string;
  timeoutMs?: number;
  /** Progress lines; default: stdout. */
  log?: (line: string) => void;
}

export interface VaultInitResult {
  /** What was changed, one line each; empty when nothing had to change. */
  changes: string[];
  /** Things the operator should know (e.g. the old secret id could not be destroyed). */
  warnings: string[];
  roleId: string;
  envFile: string;
}

export async function vaultInit(opts: VaultInitOptions): Promise<VaultInitResult> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const envFile = resolve(opts.out ?? 'config/vault.env');
  const vault = new VaultClient({
    address: opts.address,
    token: opts.token,
    caCertPath: opts.caCertPath,
    timeoutMs: opts.timeoutMs,
  });
  const changes: string[] = [];
  const warnings: string[] = [];
  const changed = (line: string): void => {
    changes.push(line);
    log(`changed: ${line}`);
  };
  const warn = (line: string): void => {
    warnings.push(line);
    log(`warning: ${line}`);
  };

  // 1. Engines and auth method.
  await ensureMount(vault, 'sys/mounts', 'secret', { type: 'kv', options: { version: '2' } }, changed, warn);
  await ensureMount(vault, 'sys/mounts', 'totp', { type: 'totp' }, changed, warn);
  await ensureMount(vault, 'sys/auth', 'approle', { type: 'approle' }, changed, warn);

  // 2. Policy.
  const policy = await readOrUndefined(() =>
    vault.request<{ policy?: string }>('GET', `sys/policies/acl/${APP_POLICY_NAME}`),
  );
  if (policy?.data?.policy !== APP_POLICY_HCL) {
    await vault.request('PUT', `sys/policies/acl/${APP_POLICY_NAME}`, { body: { policy: APP_POLICY_HCL } });
    changed(`policy ${APP_POLICY_NAME} ${policy ? 'updated' : 'written'}`);
  }

  // 3. AppRole role.
  const rolePath = `auth/approle/role/${APP_ROLE_NAME}`;
  const role = await readOrUndefined(() => vault.request<Record<string, unknown>>('GET', rolePath));
  if (!role?.data || !roleMatches(role.data)) {
    await vault.request('POST', rolePath, { body: ROLE_SETTINGS });
    changed(
      `AppRole role ${APP_ROLE_NAME} ${role ? 'updated' : 'created'} (token_ttl 1h, token_max_ttl 24h)`,
    );
  }
  const roleIdAnswer = await vault.request<{ role_id: string }>('GET', `${rolePath}/role-id`);
  const roleId = roleIdAnswer?.data?.role_id;
  if (!roleId) throw new Error(`no role id for ${rolePath}`);

  // 4. Credentials file.
  const existing = await readEnvFile(envFile);
  const fileValid =
    existing.VAULT_ROLE_ID === roleId &&
    !!existing.VAULT_SECRET_ID &&
    (await canLogIn(opts, roleId, existing.VAULT_SECRET_ID));
  if (!fileValid) {
    const secretId = await newSecretId(vault, rolePath);
    await writeEnvFile(envFile, roleId, secretId);
    changed(`new secret id written to ${envFile} (mode 0600)`);
  } else if (opts.rotateSecretId) {
    const oldSecretId = existing.VAULT_SECRET_ID as string;
    const secretId = await newSecretId(vault, rolePath);
    await writeEnvFile(envFile, roleId, secretId);
    changed(`secret id rotated in ${envFile}`);
    try {
      await vault.request('POST', `${rolePath}/secret-id/destroy`, { body: { secret_id: oldSecretId } });
      changed('old secret id destroyed');
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      warn(
        `the old secret id could not be destroyed (${error.status} ${error.message.replace(/\s+/g, ' ').trim()}); it still logs in`,
      );
    }
  } else {
    await ensureFileMode(envFile, changed);
  }
  if (opts.rotateSecretId && !fileValid) log(`no valid secret id was on file; the new one needs no rotation`);

  // 5. database_url.
  if (opts.databaseUrl) {
    const current = await vault.readKv('app/config');
    if (current?.database_url !== opts.databaseUrl) {
      await vault.writeKv('app/config', { ...(current ?? {}), database_url: opts.databaseUrl });
      changed('database_url stored in secret/app/config');
    }
  }

  if (changes.length === 0) log('nothing to change');
  return { changes, warnings, roleId, envFile };
}

async function ensureMount(
  vault: VaultClient,
  listPath: 'sys/mounts' | 'sys/auth',
  name: string,
  body: { type: string; options?: Record<string, string> },
  changed: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  const list = await vault.request<Record<string, { type?: string; options?: { version?: string } | null }>>(
    'GET',
    listPath,
  );
  const entry = list?.data?.[`${name}/`];
  if (entry) {
    if (body.type === 'kv' && entry.options?.version !== '2') {
      warn(`${name}/ is mounted as ${entry.type} version ${entry.options?.version ?? '1'}, not KV v2`);
    }
    return;
  }
  try {
    await vault.request('POST', `${listPath}/${name}`, { body });
    changed(`${listPath === 'sys/auth' ? 'auth method' : 'secrets engine'} ${body.type} enabled at ${name}/`);
  } catch (error) {
    // A mount appearing between the list and the enable (or a nested path): already done.
    if (
      error instanceof VaultError &&
      error.status === 400 &&
      error.message.includes('path is already in use')
    ) {
      return;
    }
    throw error;
  }
}

function roleMatches(data: Record<string, unknown>): boolean {
  const policies = Array.isArray(data.token_policies) ? data.token_policies.map(String) : [];
  return (
    Number(data.token_ttl) === ROLE_SETTINGS.token_ttl &&
    Number(data.token_max_ttl) === ROLE_SETTINGS.token_max_ttl &&
    policies.length === 1 &&
    policies[0] === APP_POLICY_NAME
  );
}

async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof VaultError && error.status === 404) return undefined;
    throw error;
  }
}

async function newSecretId(vault: VaultClient, rolePath: string): Promise<string> {
  const answer = await vault.request<{ secret_id: string }>('POST', `${rolePath}/secret-id`, { body: {} });
  const secretId = answer?.data?.secret_id;
  if (!secretId) throw new Error('Vault returned no secret id');
  return secretId;
}

/** Logs in with the given credentials, then revokes the token it got (nothing left behind). */
async function canLogIn(opts: VaultInitOptions, roleId: string, secretId: string): Promise<boolean> {
  const probe = new VaultClient({
    address: opts.address,
    roleId,
    secretId: () => secretId,
    caCertPath: opts.caCertPath,
    timeoutMs: opts.timeoutMs,
  });
  try {
    const token = await probe.login();
    await probe.request('POST', 'auth/token/revoke-self', { token }).catch(() => undefined);
    return true;
  } catch (error) {
    if (error instanceof VaultError && error.status < 500) return false;
    throw error;
  }
}

/** KEY=VALUE lines (comments and blanks ignored; surrounding quotes removed). */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    values[m[1] as string] = (m[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** Written to a temporary file created with mode 0600, then renamed over the target. */
async function writeEnvFile(path: string, roleId: string, secretId: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const text =
    `# Vault AppRole credentials of uyoop-cal, written by scripts/vault-init.ts. Never commit this file.\n` +
    `VAULT_ROLE_ID=${roleId}\nVAULT_SECRET_ID=${secretId}\n`;
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

async function ensureFileMode(path: string, changed: (line: string) => void): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if (mode !== 0o600) {
    await chmod(path, 0o600);
    changed(`${path} mode ${mode.toString(8)} → 600`);
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const address = process.env.VAULT_ADDR;
  const token = process.env.VAULT_TOKEN;
  if (!address || !token) {
    process.stderr.write('vault-init: VAULT_ADDR and a root/admin VAULT_TOKEN are required\n');
    process.exit(2);
  }
  const timeout = Number(process.env.VAULT_TIMEOUT_MS);
  const result = await vaultInit({
    address,
    token,
    out: argValue(args, '--out'),
    rotateSecretId: args.includes('--rotate-secret-id'),
    databaseUrl: process.env.DATABASE_URL || undefined,
    caCertPath: process.env.VAULT_CACERT || undefined,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
  });
  process.stdout.write(`role ${APP_ROLE_NAME}: role id ${result.roleId}; credentials in ${result.envFile}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`vault-init failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
