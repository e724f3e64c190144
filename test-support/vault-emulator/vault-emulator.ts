import { VaultCore } from './core';
import { newRootToken } from './go-format';
import type { HealthState } from './health';
import { WireServer, type WireRequest, type WireResponse } from './http-wire';
import { errorBody } from './json-wire';
import { KvV2Backend } from './kv-backend';
import type { CreateTokenOptions } from './token-backend';
import { TotpBackend } from './totp-backend';

export interface VaultEmulatorOptions {
  /** Root token id; a random `hvs.…` one when omitted. */
  rootToken?: string;
  /** 0 or omitted: a free ephemeral port on 127.0.0.1. */
  port?: number;
  /** `dev` (default): KV v2 at secret/, like `vault server -dev`. `empty`: a fresh non-dev server. */
  mounts?: 'dev' | 'empty';
  /** Milliseconds since the epoch; drives TOTP steps, token TTLs, KV times, lockout and tidy. */
  now?: () => number;
  /** AppRole user lockout (on by default, as in Vault). */
  userLockout?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/totp/code/user_1`. */
  target: string;
  at: number;
}

export interface InjectedFailure {
  status: number;
  /** `errors` of the body; `[]` when omitted. */
  errors?: string[];
  /** Only requests whose target starts with this (e.g. `/v1/totp/`). */
  pathPrefix?: string;
  /** How many requests fail before normal service resumes; unlimited when omitted. */
  times?: number;
}

/**
 * An in-process stand-in for HashiCorp Vault speaking its HTTP API over real loopback TCP
 * (see README.md and docs/vault-http-api.md for what is emulated).
 */
export class VaultEmulator {
  /** Every request received, in arrival order (including ones that were delayed or failed). */
  readonly requests: RecordedRequest[] = [];
  private clockFn: () => number;
  private latencyMs = 0;
  private failure: InjectedFailure | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly core: VaultCore;
  private readonly wire: WireServer;

  private constructor(
    readonly rootToken: string,
    private boundPort: number,
    opts: VaultEmulatorOptions,
  ) {
    this.clockFn = opts.now ?? Date.now;
    this.core = new VaultCore({ rootToken, mounts: opts.mounts ?? 'dev', clock: () => this.clockFn() });
    this.core.userLockout = opts.userLockout ?? true;
    this.wire = new WireServer((req) => this.onRequest(req));
  }

  static async start(opts: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
    const emulator = new VaultEmulator(opts.rootToken ?? newRootToken(), opts.port ?? 0, opts);
    emulator.boundPort = await emulator.wire.listen(emulator.boundPort);
    return emulator;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:<port>` (no trailing slash, no /v1). */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get running(): boolean {
    return this.wire.listening;
  }

  /** The emulator's current time in milliseconds. */
  now(): number {
    return this.clockFn();
  }

  /** Replaces the clock; `null` goes back to Date.now. */
  setClock(now: (() => number) | null): void {
    this.clockFn = now ?? Date.now;
  }

  /** Delays every answer by `ms`; `Infinity` never answers (a hung Vault). 0 restores. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Makes matching requests fail with the given status and `{"errors":[…]}` body; null clears. */
  failRequests(failure: InjectedFailure | null): void {
    this.failure = failure ? { ...failure } : null;
  }

  seal(): void {
    this.core.health.sealed = true;
  }

  unseal(): void {
    this.core.health.sealed = false;
  }

  /** Only sys/health reflects standby; other requests are served as if forwarded to the active node. */
  setStandby(standby: boolean): void {
    this.core.health.standby = standby;
  }

  /** Other sys/health states: performance standby, DR secondary, uninitialised, HA unhealthy, removed. */
  setHealthFlags(flags: Partial<HealthState>): void {
    Object.assign(this.core.health, flags);
  }

  setUserLockout(enabled: boolean): void {
    this.core.userLockout = enabled;
  }

  /** Revokes a token (as `vault token revoke`); later use gets 403 "invalid token". */
  revokeToken(token: string): boolean {
    return this.core.tokens.revoke(token);
  }

  /** Issues a token directly (as `auth/token/create` with the root token); returns its id. */
  createToken(opts: CreateTokenOptions = {}): string {
    return this.core.tokenBackend.create(opts).id;
  }

  /** Stores an ACL policy (HCL or JSON); throws on a parse error. */
  writePolicy(name: string, policy: string): void {
    this.core.policies.set(name.toLowerCase(), policy);
  }

  /** Puts a KV v2 mount into (or out of) the "Upgrading from non-versioned" window. */
  setKvUpgrading(mountPath: string, upgrading: boolean): void {
    const backend = this.core.mounts.get('secret', mountPath)?.backend;
    if (!(backend instanceof KvV2Backend)) throw new Error(`no KV v2 mount at ${mountPath}`);
    backend.upgrading = upgrading;
  }

  /**
   * Simulates a Vault process restart: open connections drop, in-memory state (the TOTP
   * used-code cache) is lost, stored data (KV, TOTP keys, policies, mounts, roles, tokens) is
   * kept. Also brings a stopped emulator back on the same port. Comes back unsealed unless asked.
   */
  async restart(opts: { sealed?: boolean } = {}): Promise<void> {
    await this.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let clients see the closed sockets
    for (const totp of this.core.backends(TotpBackend)) totp.clearUsedCodes();
    this.core.health.sealed = opts.sealed ?? false;
    this.boundPort = await this.wire.listen(this.boundPort);
  }

  /** Stops listening and drops connections (in-flight requests get no answer). Idempotent. */
  async stop(): Promise<void> {
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.wire.close();
  }

  private async onRequest(req: WireRequest): Promise<WireResponse> {
    this.requests.push({ method: req.method, target: req.target, at: this.clockFn() });
    if (this.latencyMs === Infinity) return new Promise<WireResponse>(() => undefined);
    if (this.latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, this.latencyMs);
        this.timers.add(timer);
      });
    }
    const failure = this.failure;
    if (failure && (!failure.pathPrefix || req.target.startsWith(failure.pathPrefix))) {
      if (failure.times !== undefined && --failure.times <= 0) this.failure = null;
      return {
        status: failure.status,
        headers: [
          ['Cache-Control', 'no-store'],
          ['Content-Type', 'application/json'],
        ],
        body: errorBody(failure.errors ?? []),
      };
    }
    return this.core.handle(req);
  }
}

export type { CreateTokenOptions } from './token-backend';
export type { HealthState } from './health';
