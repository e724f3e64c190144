import { AppRoleBackend } from './approle-backend';
import { FieldError, FieldValues, unknownFieldsWarning } from './fields';
import { newUuid, parseGoBool } from './go-format';
import { sysHealth, type HealthState } from './health';
import type { WireRequest, WireResponse } from './http-wire';
import { encodeGo, envelope, errorBody, multiError, withDataAtTopLevel } from './json-wire';
import { KvV1Backend } from './kv-v1-backend';
import { KvV2Backend } from './kv-backend';
import { MountTable } from './mounts';
import { PolicyStore } from './policy-store';
import { SysBackend } from './sys-backend';
import { TokenBackend } from './token-backend';
import { TokenStore } from './token-store';
import { TotpBackend } from './totp-backend';
import {
  UNSUPPORTED_OPERATION,
  UNSUPPORTED_PATH,
  unsupported,
  type Backend,
  type Clock,
  type MountEntry,
  type Operation,
  type Result,
  type Route,
} from './types';

export interface CoreOptions {
  rootToken: string;
  mounts: 'dev' | 'empty';
  clock: Clock;
}

type Outcome = { status: number; body?: string };

const passive: Backend = { match: () => unsupported };
const MERGE_PATCH = 'application/merge-patch+json';

function errors(status: number, ...texts: string[]): Outcome {
  return { status, body: errorBody(texts) };
}

/** Vault's request pipeline: verbs, body parsing, seal, token, ACL, routing, response shape. */
export class VaultCore {
  readonly tokens: TokenStore;
  readonly policies = new PolicyStore();
  readonly mounts: MountTable;
  readonly tokenBackend: TokenBackend;
  readonly health: HealthState = {
    initialized: true,
    sealed: false,
    standby: false,
    performanceStandby: false,
    drSecondary: false,
    haUnhealthy: false,
    removedFromCluster: false,
  };
  userLockout = true;
  private readonly cluster = { name: `vault-cluster-${newUuid().slice(0, 8)}`, id: newUuid() };

  constructor(private readonly opts: CoreOptions) {
    const clock = opts.clock;
    this.tokens = new TokenStore(clock);
    this.tokens.createRoot(opts.rootToken);
    this.mounts = new MountTable((table, type, version, path) => {
      if (table === 'secret' && type === 'kv') return version === '2' ? new KvV2Backend() : new KvV1Backend();
      if (table === 'secret' && type === 'totp') return new TotpBackend(clock);
      if (table === 'auth' && type === 'approle') {
        return new AppRoleBackend(path, this.tokens, clock, () => this.userLockout);
      }
      return null;
    });
    this.tokenBackend = new TokenBackend(this.tokens, clock, (source) => {
      const backend = this.mounts.get('auth', source.mount)?.backend;
      return backend instanceof AppRoleBackend ? backend.renewSettings(source.role) : null;
    });
    this.mounts.addBuiltin('secret', 'cubbyhole/', 'cubbyhole', passive, true);
    this.mounts.addBuiltin('secret', 'identity/', 'identity', passive);
    this.mounts.addBuiltin('secret', 'sys/', 'system', new SysBackend(this.mounts, this.policies));
    this.mounts.addBuiltin('auth', 'token/', 'token', this.tokenBackend);
    if (opts.mounts === 'dev')
      this.mounts.mount('secret', 'secret', { type: 'kv', options: { version: '2' } });
  }

  /** Backends of one kind across all mounts (e.g. every TOTP engine, to clear its used codes). */
  backends<T extends Backend>(kind: new (...args: never[]) => T): T[] {
    const all = [...this.mounts.list('secret'), ...this.mounts.list('auth')];
    return all.map((m) => m.backend).filter((b): b is T => b instanceof kind);
  }

  async handle(req: WireRequest): Promise<WireResponse> {
    const headers: Array<readonly [string, string]> = [['Cache-Control', 'no-store']];
    const namespace = req.headers.get('x-vault-namespace');
    if (namespace) headers.push(['X-Vault-Namespace', namespace]);
    let outcome: Outcome;
    try {
      outcome = await this.process(req);
    } catch {
      outcome = errors(500, 'internal error');
    }
    if (outcome.body !== undefined) headers.push(['Content-Type', 'application/json']);
    return { status: outcome.status, headers, body: outcome.body };
  }

  private async process(req: WireRequest): Promise<Outcome> {
    const url = new URL(req.target, 'http://vault.invalid');
    if (!url.pathname.startsWith('/v1/')) return errors(404);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.slice(4));
    } catch {
      return errors(400);
    }
    if (path === 'sys/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return errors(405);
      return sysHealth(req.method === 'HEAD', url.searchParams, this.health, this.opts.clock(), this.cluster);
    }

    let op: Operation;
    const query = new URLSearchParams(url.searchParams);
    switch (req.method) {
      case 'GET': {
        const list = query.get('list');
        query.delete('list');
        const listFlag = list === null || list === '' ? false : parseGoBool(list);
        if (listFlag === null) return errors(400);
        op = listFlag ? 'list' : 'read';
        break;
      }
      case 'LIST':
        op = 'list';
        break;
      case 'POST':
      case 'PUT':
        op = 'update';
        break;
      case 'DELETE':
        op = 'delete';
        break;
      case 'PATCH': {
        const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (type !== MERGE_PATCH) {
          return errors(415, `PATCH requires Content-Type of ${MERGE_PATCH}, provided ${type}`);
        }
        op = 'patch';
        break;
      }
      default:
        return errors(405);
    }

    let raw: Record<string, unknown> = {};
    if (op === 'update' || op === 'patch') {
      const text = req.body.toString('utf8');
      if (text.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return errors(400, 'error parsing JSON');
        }
        if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
          return errors(400, 'error parsing JSON');
        }
        raw = (parsed as Record<string, unknown> | null) ?? {};
      }
    } else {
      for (const key of new Set(query.keys())) {
        const values = query.getAll(key);
        raw[key] = values.length === 1 ? values[0] : values;
      }
    }

    if (this.health.sealed || !this.health.initialized) return errors(503, 'Vault is sealed');
    if (op === 'list' && !path.endsWith('/')) path += '/';
    if ((op === 'update' || op === 'patch') && path.endsWith('/')) {
      return errors(400, "cannot write to a path ending in '/'");
    }
    return this.dispatch(req, op, path, raw);
  }

  private async dispatch(
    req: WireRequest,
    op: Operation,
    path: string,
    raw: Record<string, unknown>,
  ): Promise<Outcome> {
    const now = this.opts.clock();
    const resolved = this.mounts.resolve(path);
    const lookup = resolved ? resolved.mount.backend.match(resolved.rel, op) : null;
    const found: Route | null = lookup?.kind === 'route' ? lookup.route : null;
    const effectiveOp: Operation = op === 'update' && found?.exists && !found.exists() ? 'create' : op;

    let token = null;
    let lastUse = false;
    if (!found?.unauthenticated) {
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
      const tokenId = req.headers.get('x-vault-token') || bearer || '';
      if (tokenId === '') return errors(403, 'permission denied');
      token = this.tokens.lookup(tokenId) ?? null;
      if (!token) return errors(403, multiError('permission denied', 'invalid token'));
      const acl = this.policies.aclFor(token.policies);
      if (acl !== 'root') {
        const caps = acl.capabilities(path, effectiveOp);
        if (!caps.has(effectiveOp) || (found?.sudo && !caps.has('sudo'))) {
          return errors(403, multiError('permission denied'));
        }
      }
      lastUse = this.tokens.use(token);
    }

    try {
      if (!resolved || !lookup) return errors(404, `no handler for route "${path}". route entry not found.`);
      if (lookup.kind === 'unsupported') return errors(404, multiError(UNSUPPORTED_PATH));
      if (lookup.kind === 'result') return this.render(lookup.result, op, resolved.mount, []);
      const handler =
        lookup.route.handlers[effectiveOp] ??
        (effectiveOp === 'create' ? lookup.route.handlers.update : undefined);
      if (!handler) return errors(405, multiError(UNSUPPORTED_OPERATION));
      let fields: FieldValues;
      try {
        fields = FieldValues.parse(lookup.route.fields, raw);
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        return errors(400, lookup.route.exists ? err.message : `Field validation failed: ${err.message}`);
      }
      const result = await handler({ op: effectiveOp, path, rel: resolved.rel, fields, token, now });
      return this.render(result, op, resolved.mount, fields.unknown);
    } finally {
      if (lastUse && token) this.tokens.revoke(token.id);
    }
  }

  private render(result: Result, op: Operation, mount: MountEntry, unknown: readonly string[]): Outcome {
    switch (result.kind) {
      case 'empty':
        return op === 'read' || op === 'list' ? errors(404) : { status: 204 };
      case 'error':
        return errors(result.status, ...result.errors);
      case 'raw': {
        const env = envelope({
          requestId: newUuid(),
          data: result.data,
          warnings: result.warnings,
          auth: null,
          mountType: '',
        });
        return { status: result.status, body: encodeGo(env) };
      }
      case 'data': {
        const warnings = [...(result.warnings ?? [])];
        if (unknown.length > 0) warnings.push(unknownFieldsWarning(unknown));
        const env = envelope({
          requestId: newUuid(),
          leaseDuration: result.leaseDuration,
          data: result.data,
          warnings,
          auth: result.auth ?? null,
          mountType: result.login ? '' : mount.type,
        });
        const body = result.dataAtTopLevel && result.data ? withDataAtTopLevel(env, result.data) : env;
        return { status: 200, body: `${encodeGo(body)}\n` };
      }
    }
  }
}
