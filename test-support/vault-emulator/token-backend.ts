import { humanDuration, rfc3339, unixSeconds } from './go-format';
import type { JsonMap } from './json-wire';
import { authBlock, sanitizePolicies, type TokenEntry, type TokenStore } from './token-store';
import {
  ROOT_POLICY,
  SYSTEM_MAX_TTL_MS,
  badRequest,
  empty,
  route,
  unsupported,
  type Backend,
  type Clock,
  type Operation,
  type RequestContext,
  type Result,
  type RouteLookup,
} from './types';

/** TTL settings a renewal re-reads from the AppRole role that issued the token. */
export interface RenewSettings {
  ttlMs: number;
  maxTtlMs: number;
  periodMs: number;
}

export type RenewSettingsLookup = (source: { mount: string; role: string }) => RenewSettings | null;

export interface CreateTokenOptions {
  policies?: string[];
  ttlSeconds?: number;
  explicitMaxTtlSeconds?: number;
  periodSeconds?: number;
  numUses?: number;
  noDefaultPolicy?: boolean;
  renewable?: boolean;
  displayName?: string;
  meta?: Record<string, string> | null;
  orphan?: boolean;
}

/** The token store mounted at auth/token/. */
export class TokenBackend implements Backend {
  constructor(
    private readonly store: TokenStore,
    private readonly clock: Clock,
    private readonly renewSettings: RenewSettingsLookup,
  ) {}

  match(rel: string, _op: Operation): RouteLookup {
    switch (rel) {
      case 'lookup-self':
        return route({}, { read: (ctx) => this.lookupSelf(ctx) });
      case 'renew-self':
        return route({ increment: 'duration' }, { update: (ctx) => this.renewSelf(ctx) });
      case 'revoke-self':
        return route({}, { update: (ctx) => this.revokeSelf(ctx) });
      case 'create':
      case 'create-orphan':
        return route(
          {
            policies: 'list',
            ttl: 'duration',
            explicit_max_ttl: 'duration',
            period: 'duration',
            num_uses: 'int',
            no_default_policy: 'bool',
            renewable: 'bool',
            display_name: 'string',
            meta: 'map',
            no_parent: 'bool',
          },
          { update: (ctx) => this.createFromRequest(ctx, rel === 'create-orphan') },
        );
      default:
        return unsupported;
    }
  }

  /** Issues a token as `auth/token/create` would (parent: a root token). */
  create(opts: CreateTokenOptions): TokenEntry {
    const policies = opts.policies ?? [ROOT_POLICY];
    const isRoot = sanitizePolicies(policies, false).includes(ROOT_POLICY);
    const ttlMs = (opts.ttlSeconds ?? 0) * 1000;
    const entry = this.store.issue({
      policies,
      noDefaultPolicy: opts.noDefaultPolicy ?? false,
      meta: opts.meta ?? null,
      displayName: opts.displayName ? `token-${opts.displayName}` : 'token',
      path: 'auth/token/create',
      ttlMs,
      explicitMaxTtlMs: (opts.explicitMaxTtlSeconds ?? 0) * 1000,
      periodMs: (opts.periodSeconds ?? 0) * 1000,
      numUses: opts.numUses ?? 0,
      renewable: opts.renewable ?? true,
      orphan: opts.orphan ?? false,
    });
    if (isRoot && ttlMs === 0 && !opts.periodSeconds && !opts.explicitMaxTtlSeconds) {
      // A root-policy token created without a TTL has no lease, like the initial root token.
      entry.expireAt = null;
      entry.creationTtlMs = 0;
      entry.renewable = false;
    }
    return entry;
  }

  private createFromRequest(ctx: RequestContext, orphan: boolean): Result {
    const f = ctx.fields;
    const entry = this.create({
      policies: f.list('policies') ?? ctx.token?.policies ?? [],
      ttlSeconds: f.int('ttl', 0),
      explicitMaxTtlSeconds: f.int('explicit_max_ttl', 0),
      periodSeconds: f.int('period', 0),
      numUses: f.int('num_uses', 0),
      noDefaultPolicy: f.bool('no_default_policy', false),
      renewable: f.bool('renewable', true),
      displayName: f.str('display_name'),
      meta: (f.map('meta') as Record<string, string> | undefined) ?? null,
      orphan: orphan || f.bool('no_parent', false),
    });
    return { kind: 'data', data: null, auth: authBlock(entry, ctx.now) };
  }

  private lookupSelf(ctx: RequestContext): Result {
    const t = ctx.token;
    if (!t) return empty();
    const hasLease = t.expireAt !== null;
    const data: JsonMap = {
      accessor: t.accessor,
      creation_time: unixSeconds(t.issuedAt),
      creation_ttl: Math.floor(t.creationTtlMs / 1000),
      display_name: t.displayName,
      entity_id: t.entityId,
      expire_time: t.expireAt === null ? null : rfc3339(t.expireAt),
      explicit_max_ttl: Math.floor(t.explicitMaxTtlMs / 1000),
      id: t.id,
      meta: t.meta,
      num_uses: t.numUses,
      orphan: t.orphan,
      path: t.path,
      policies: t.policies,
      ttl: t.expireAt === null ? 0 : Math.max(0, Math.floor((t.expireAt - ctx.now) / 1000)),
      type: 'service',
    };
    if (hasLease) {
      data.issue_time = rfc3339(t.issuedAt);
      data.renewable = t.renewable;
    }
    if (t.lastRenewal !== null) {
      data.last_renewal = rfc3339(t.lastRenewal);
      data.last_renewal_time = unixSeconds(t.lastRenewal);
    }
    if (t.periodMs > 0) data.period = Math.floor(t.periodMs / 1000);
    return { kind: 'data', data };
  }

  private renewSelf(ctx: RequestContext): Result {
    const t = ctx.token;
    if (!t || t.expireAt === null) return badRequest('invalid lease ID');
    if (!t.renewable) return badRequest('lease is not renewable');
    let settings: RenewSettings = { ttlMs: t.creationTtlMs, maxTtlMs: t.maxTtlMs, periodMs: t.periodMs };
    if (t.source) {
      const fromRole = this.renewSettings(t.source);
      if (!fromRole) return badRequest(`role "${t.source.role}" does not exist during renewal`);
      settings = fromRole;
    }
    const now = this.clock();
    const warnings: string[] = [];
    const incrementMs = ctx.fields.int('increment', 0) * 1000;
    let ttlMs: number;
    if (settings.periodMs > 0) {
      ttlMs = settings.periodMs;
    } else {
      ttlMs = incrementMs > 0 ? incrementMs : settings.ttlMs > 0 ? settings.ttlMs : SYSTEM_MAX_TTL_MS;
      const maxTtlMs = settings.maxTtlMs > 0 ? settings.maxTtlMs : SYSTEM_MAX_TTL_MS;
      ttlMs = this.cap(ttlMs, t.issuedAt + maxTtlMs, now, warnings);
    }
    if (t.explicitMaxTtlMs > 0) ttlMs = this.cap(ttlMs, t.issuedAt + t.explicitMaxTtlMs, now, warnings);
    t.expireAt = now + ttlMs;
    t.lastRenewal = now;
    return { kind: 'data', data: null, auth: authBlock(t, now), warnings };
  }

  private cap(ttlMs: number, limit: number, now: number, warnings: string[]): number {
    if (now + ttlMs <= limit) return ttlMs;
    const capped = Math.max(0, limit - now);
    warnings.push(
      `TTL of "${humanDuration(ttlMs)}" exceeded the effective max_ttl of "${humanDuration(capped)}"; TTL value is capped accordingly`,
    );
    return capped;
  }

  private revokeSelf(ctx: RequestContext): Result {
    if (ctx.token) this.store.revoke(ctx.token.id);
    return empty();
  }
}
