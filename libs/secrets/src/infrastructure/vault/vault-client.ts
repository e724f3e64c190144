/**
 * The one Vault HTTP client of the application (ADR 0003).
 *
 * - hashi-vault-js for what it covers correctly: AppRole login, token renew-self / lookup-self, KV v2 read.
 * - The SAME library instance's axios (`vault.instance`, baseURL `<VAULT_ADDR>/v1`) for the rest (TOTP
 *   validate/delete/create with `qr_size`, KV writes, provisioning), so timeouts and TLS are shared.
 * - Errors: no answer / timeout / 5xx (503 sealed) → {@link VaultUnavailable}; other non-2xx → {@link VaultError}
 *   carrying Vault's own `errors` text. One retry on a connection-level error, none on a timeout (OPS-03).
 * - Token: AppRole login, kept in memory, renewed (renew-self) once 2/3 of its TTL has passed, a fresh login
 *   when renewal is refused (400 `lease is not renewable`, 403 invalid token), when the TTL cap is reached, or
 *   when any call answers 403 "invalid token" (revoked). A static token (VAULT_TOKEN) for dev and provisioning.
 */

import { accessSync, constants } from 'node:fs';

/** Vault's answer envelope (only the members we use). */
export interface VaultEnvelope<T> {
  data: T | null;
  auth: VaultAuth | null;
  warnings: string[] | null;
}

export interface VaultAuth {
  client_token: string;
  accessor?: string;
  policies?: string[];
  token_policies?: string[];
  lease_duration: number;
  renewable: boolean;
}

export type VaultMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface VaultRequestOptions {
  body?: unknown;
  params?: Record<string, string | number | boolean>;
  /**
   * `true` (default): send the client token (logging in/renewing first as needed); `false`: no token
   * (sys/health, login); a string: that token.
   */
  token?: boolean | string;
}

export type VaultHealth = 'up' | 'sealed' | 'standby' | 'down';

export interface VaultClientOptions {
  /** VAULT_ADDR, e.g. `https://vault:8200` (no `/v1`). */
  address: string;
  /** Per request (connect + answer), VAULT_TIMEOUT_MS. Default 5000. */
  timeoutMs?: number;
  /** VAULT_CACERT: PEM file of the CA that signed Vault's certificate (https only). */
  caCertPath?: string;
  /** Static token mode (VAULT_TOKEN): no login, no renewal. Wins over AppRole when both are given. */
  token?: string;
  /** AppRole role id (VAULT_ROLE_ID). */
  roleId?: string;
  /**
   * AppRole secret id, read on every login, so a rotated one (e.g. re-read from VAULT_SECRET_ID_FILE)
   * is picked up without a restart.
   */
  secretId?: () => string | Promise<string>;
  /** AppRole auth mount, default `approle`. */
  appRoleMount?: string;
  /** Renew once this fraction of the TTL has elapsed. Default 2/3. */
  renewAtFraction?: number;
  /** Retries after a connection-level error (refused, reset). Default 1. Timeouts are not retried. */
  retries?: number;
  /** Milliseconds since the epoch, for TTL bookkeeping (tests). */
  now?: () => number;
}

/** Vault answered with a non-2xx, non-5xx status; `errors` is Vault's list, `message` its first entry. */
export class VaultError extends Error {
  readonly vaultError = true;
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly path: string,
    readonly body?: unknown,
  ) {
    super(errors[0] ?? `Vault answered ${status} for ${path}`);
    this.name = 'VaultError';
  }

  /** 403 with Vault's "invalid token" (expired, revoked, unknown); plain `permission denied` is an ACL denial. */
  get invalidToken(): boolean {
    return this.status === 403 && this.errors.some((e) => e.includes('invalid token'));
  }
}

/** Vault could not answer: network error, timeout, 5xx, sealed. Callers fail closed (TOTP-07, OPS-02). */
export class VaultUnavailable extends Error {
  readonly vaultUnavailable = true;
  constructor(
    message: string,
    readonly status?: number,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'VaultUnavailable';
  }
}

/** The part of axios this client uses (the instance is created by hashi-vault-js). */
interface AxiosLikeResponse {
  status: number;
  data: unknown;
}
type AxiosLike = (config: {
  url: string;
  method: string;
  data?: unknown;
  params?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  validateStatus?: (status: number) => boolean;
}) => Promise<AxiosLikeResponse>;

/** The part of hashi-vault-js 0.5.1 this client uses. */
interface HashiVault {
  instance: AxiosLike;
  loginWithAppRole(roleId: string, secretId: string, mount?: string): Promise<VaultAuth>;
  renewSelfToken(token: string, increment?: string | number): Promise<VaultAuth>;
  lookupSelfToken(token: string): Promise<Record<string, unknown>>;
  readKVSecret(
    token: string,
    name: string,
    version?: number,
    mount?: string,
  ): Promise<{ data: Record<string, unknown> | null; metadata?: unknown }>;
}
type HashiVaultCtor = new (params: Record<string, unknown>) => HashiVault;

interface HeldToken {
  token: string;
  obtainedAt: number;
  /** TTL granted by the last login/renewal (seconds); 0 = no expiry. */
  ttlSeconds: number;
  renewable: boolean;
  /** The last renewal was capped by token_max_ttl: log in again next time. */
  capped: boolean;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const TIMEOUT_ERRORS = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

let vaultCtor: Promise<HashiVaultCtor> | undefined;

/**
 * hashi-vault-js is an ES module. Node ≥ 20.19 can `require()` it, Jest's CommonJS loader cannot (it only
 * transforms the packages listed in jest.config.ts), and the CommonJS output of TypeScript/swc turns
 * `import()` into `require()`. A direct `eval` keeps a native dynamic import whose referrer is this module,
 * which works in Node and in Jest (run with --experimental-vm-modules, as `npm run test:jest` does).
 */
function loadHashiVault(): Promise<HashiVaultCtor> {
  vaultCtor ??= (async () => {
    const mod = (await eval('import("hashi-vault-js")')) as {
      default: HashiVaultCtor | { default: HashiVaultCtor };
    };
    const exported = mod.default;
    return typeof exported === 'function' ? exported : exported.default;
  })();
  return vaultCtor;
}

export class VaultClient {
  /** How many AppRole logins and token renewals happened (for tests, metrics and logs). */
  readonly stats = { logins: 0, renewals: 0 };
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly renewAtFraction: number;
  private readonly now: () => number;
  private vaultPromise: Promise<HashiVault> | undefined;
  private held: HeldToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: VaultClientOptions) {
    if (!options.address) throw new Error('VaultClient: the Vault address (VAULT_ADDR) is required');
    if (!options.token && !(options.roleId && options.secretId)) {
      throw new Error('VaultClient: give either a token (VAULT_TOKEN) or an AppRole role id and secret id');
    }
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 1;
    this.renewAtFraction = options.renewAtFraction ?? 2 / 3;
    this.now = options.now ?? Date.now;
  }

  /** `static` (VAULT_TOKEN) or `approle`. */
  get mode(): 'static' | 'approle' {
    return this.options.token ? 'static' : 'approle';
  }

  /** The token currently held (undefined before the first AppRole login). For tests and revoke-self. */
  get currentToken(): string | undefined {
    return this.options.token ?? this.held?.token;
  }

  /**
   * A generic call relative to `/v1` (e.g. `totp/code/user_1`) through hashi-vault-js' axios instance.
   * Resolves with the envelope, or null on 204; rejects with VaultError / VaultUnavailable.
   * A 403 "invalid token" in AppRole mode triggers one fresh login and one replay.
   */
  async request<T = Record<string, unknown>>(
    method: VaultMethod,
    path: string,
    opts: VaultRequestOptions = {},
  ): Promise<VaultEnvelope<T> | null> {
    const vault = await this.vault();
    const send = async (token: string | undefined): Promise<VaultEnvelope<T> | null> => {
      const response = await this.exec(path, () =>
        vault.instance({
          url: path,
          method,
          data: opts.body,
          params: opts.params,
          headers: token ? { 'X-Vault-Token': token } : {},
        }),
      );
      if (response.status === 204 || response.data === '' || response.data === undefined) return null;
      const body = response.data as Partial<VaultEnvelope<T>>;
      return { data: body.data ?? null, auth: body.auth ?? null, warnings: body.warnings ?? null };
    };
    if (opts.token === false) return send(undefined);
    if (typeof opts.token === 'string') return send(opts.token);
    return this.withToken(send);
  }

  /** KV v2 read through hashi-vault-js; undefined when never written, deleted or destroyed (404). */
  async readKv(path: string, mount = 'secret'): Promise<Record<string, unknown> | undefined> {
    const vault = await this.vault();
    try {
      const result = await this.withToken((token) =>
        this.exec(`${mount}/data/${path}`, () => vault.readKVSecret(token, path, undefined, mount)),
      );
      return result.data ?? undefined;
    } catch (error) {
      if (error instanceof VaultError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** KV v2 write (creates the next version); through the raw instance (hashi-vault-js always sends a `cas`). */
  async writeKv(path: string, data: Record<string, unknown>, mount = 'secret'): Promise<void> {
    await this.request('POST', `${mount}/data/${path}`, { body: { data } });
  }

  /** Token lookup-self through hashi-vault-js. */
  async lookupSelf(): Promise<Record<string, unknown>> {
    const vault = await this.vault();
    return this.withToken((token) => this.exec('auth/token/lookup-self', () => vault.lookupSelfToken(token)));
  }

  /**
   * sys/health without a token: 200 → up, 429/473 (standby, performance standby) → standby, 503 → sealed,
   * anything else (uninitialised, DR secondary, no answer, timeout) → down. The default codes are kept
   * (not `standbyok=true`) so that a standby node is reported as such; a standby still serves requests.
   */
  async health(): Promise<VaultHealth> {
    try {
      const vault = await this.vault();
      const response = await vault.instance({
        url: 'sys/health',
        method: 'GET',
        params: { standbycode: 429, perfstandbycode: 473, sealedcode: 503 },
        validateStatus: () => true,
      });
      if (response.status === 200) return 'up';
      if (response.status === 429 || response.status === 473) return 'standby';
      if (response.status === 503) return 'sealed';
      return 'down';
    } catch {
      return 'down';
    }
  }

  /** Logs in (AppRole) now, whatever the held token's state. */
  async login(): Promise<string> {
    if (this.options.token) return this.options.token;
    return this.single(() => this.doLogin());
  }

  /** Drops the held token (next call logs in). */
  forgetToken(): void {
    this.held = undefined;
  }

  // ----------------------------------------------------------------------------------------------

  private vault(): Promise<HashiVault> {
    this.vaultPromise ??= loadHashiVault().then((Vault) => {
      const address = this.options.address.replace(/\/+$/, '');
      const https = address.startsWith('https:');
      const caCertPath = https ? this.options.caCertPath : undefined;
      // hashi-vault-js reads the CA file in its constructor and only logs a failure: check it first.
      if (caCertPath) accessSync(caCertPath, constants.R_OK);
      const vault = new Vault({
        baseUrl: `${address}/v1`,
        timeout: this.timeoutMs,
        https,
        cacert: caCertPath,
        proxy: false,
      });
      if (typeof vault.instance !== 'function')
        throw new Error('hashi-vault-js could not create its HTTP client');
      return vault;
    });
    return this.vaultPromise;
  }

  /** Runs `fn(token)`; in AppRole mode, an "invalid token" answer leads to one fresh login and one replay. */
  private async withToken<R>(fn: (token: string) => Promise<R>): Promise<R> {
    const token = await this.token();
    try {
      return await fn(token);
    } catch (error) {
      if (this.mode === 'approle' && error instanceof VaultError && error.invalidToken) {
        if (this.held?.token === token) this.held = undefined;
        return fn(await this.token());
      }
      throw error;
    }
  }

  /** A usable token: the static one, or the held one renewed / replaced as its TTL requires. */
  private async token(): Promise<string> {
    if (this.options.token) return this.options.token;
    const held = this.held;
    if (held) {
      if (held.ttlSeconds === 0) return held.token;
      const age = this.now() - held.obtainedAt;
      const ttlMs = held.ttlSeconds * 1000;
      if (age < ttlMs * this.renewAtFraction) return held.token;
      const canRenew = held.renewable && !held.capped && age < ttlMs - 1000;
      return this.single(() => (canRenew ? this.doRenew(held) : this.doLogin()));
    }
    return this.single(() => this.doLogin());
  }

  /** One login/renewal at a time; concurrent callers share it. */
  private single(fn: () => Promise<string>): Promise<string> {
    this.pending ??= fn().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async doLogin(): Promise<string> {
    const vault = await this.vault();
    const roleId = this.options.roleId ?? '';
    const secretId = ((await this.options.secretId?.()) ?? '').trim();
    const mount = this.options.appRoleMount ?? 'approle';
    const auth = await this.exec(`auth/${mount}/login`, () =>
      vault.loginWithAppRole(roleId, secretId, `auth/${mount}`),
    );
    if (!auth?.client_token) throw new VaultUnavailable('Vault AppRole login returned no token');
    this.held = {
      token: auth.client_token,
      obtainedAt: this.now(),
      ttlSeconds: auth.lease_duration ?? 0,
      renewable: auth.renewable ?? false,
      capped: false,
    };
    this.stats.logins += 1;
    return auth.client_token;
  }

  private async doRenew(held: HeldToken): Promise<string> {
    const vault = await this.vault();
    let auth: VaultAuth;
    try {
      // increment 0: the role's token_ttl again (counted from now), capped at token_max_ttl.
      auth = await this.exec('auth/token/renew-self', () =>
        vault.renewSelfToken(held.token, 0 as unknown as string),
      );
    } catch (error) {
      // 400 `lease is not renewable` / `invalid lease ID`, 403 invalid token: renewal refused, log in again.
      if (error instanceof VaultError && (error.status === 400 || error.status === 403))
        return this.doLogin();
      throw error;
    }
    const ttl = auth.lease_duration ?? 0;
    this.held = {
      token: held.token,
      obtainedAt: this.now(),
      ttlSeconds: ttl,
      renewable: auth.renewable ?? held.renewable,
      // The renewal gave less than the previous TTL: the max TTL is near, the next step is a fresh login.
      capped: held.ttlSeconds > 0 && ttl < held.ttlSeconds,
    };
    this.stats.renewals += 1;
    return held.token;
  }

  /** Runs one HTTP exchange, maps errors, retries once (by default) after a connection-level failure. */
  private async exec<R>(path: string, fn: () => Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const mapped = mapError(error, path, this.timeoutMs);
        const retriable =
          mapped instanceof VaultUnavailable && mapped.status === undefined && isConnectionError(error);
        if (retriable && attempt < this.retries) continue;
        throw mapped;
      }
    }
  }
}

interface AxiosErrorShape {
  code?: string;
  message?: string;
  response?: { status: number; data?: unknown };
}

function isConnectionError(error: unknown): boolean {
  const code = (error as AxiosErrorShape | undefined)?.code;
  return code !== undefined && CONNECTION_ERRORS.has(code);
}

function mapError(error: unknown, path: string, timeoutMs: number): Error {
  if (error instanceof VaultError || error instanceof VaultUnavailable) return error;
  const e = (error ?? {}) as AxiosErrorShape;
  const response = e.response;
  if (!response) {
    if (e.code && TIMEOUT_ERRORS.has(e.code)) {
      return new VaultUnavailable(`Vault did not answer ${path} within ${timeoutMs} ms`, undefined, path);
    }
    return new VaultUnavailable(
      `Vault unreachable for ${path}: ${e.code ?? e.message ?? String(error)}`,
      undefined,
      path,
    );
  }
  const errors = errorsOf(response.data);
  if (response.status >= 500) {
    return new VaultUnavailable(
      `Vault answered ${response.status} for ${path}${errors[0] ? `: ${errors[0]}` : ''}`,
      response.status,
      path,
    );
  }
  return new VaultError(response.status, errors, path, response.data);
}

function errorsOf(body: unknown): string[] {
  if (body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: unknown[] }).errors.map(String);
  }
  return [];
}
