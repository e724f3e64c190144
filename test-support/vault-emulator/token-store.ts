import { newAccessor, newServiceToken } from './go-format';
import { ordered, type Ordered } from './json-wire';
import { DEFAULT_POLICY, ROOT_POLICY, SYSTEM_MAX_TTL_MS, type Clock } from './types';

export interface TokenEntry {
  id: string;
  accessor: string;
  /** Sorted, lower-cased, de-duplicated. */
  policies: string[];
  meta: Record<string, string> | null;
  displayName: string;
  /** Creation path, e.g. `auth/approle/login`. */
  path: string;
  entityId: string;
  issuedAt: number;
  /** TTL at issue; 0 for a token with no lease (root). */
  creationTtlMs: number;
  /** null: never expires (root). */
  expireAt: number | null;
  /** Cap measured from issue time (role token_max_ttl or the system max). */
  maxTtlMs: number;
  explicitMaxTtlMs: number;
  periodMs: number;
  /** Uses left; 0 = unlimited. */
  numUses: number;
  renewable: boolean;
  orphan: boolean;
  lastRenewal: number | null;
  /** For AppRole tokens: where to re-read token_ttl/token_max_ttl on renewal. */
  source: { mount: string; role: string } | null;
}

export interface IssueOptions {
  policies: string[];
  noDefaultPolicy?: boolean;
  meta?: Record<string, string> | null;
  displayName: string;
  path: string;
  entityId?: string;
  ttlMs: number;
  maxTtlMs?: number;
  explicitMaxTtlMs?: number;
  periodMs?: number;
  numUses?: number;
  renewable?: boolean;
  orphan?: boolean;
  source?: { mount: string; role: string } | null;
}

/** Vault's policyutil sanitising: trim, lower-case, drop empties, add `default`, sort. */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  if (set.has(ROOT_POLICY)) return [ROOT_POLICY];
  if (addDefault) set.add(DEFAULT_POLICY);
  return [...set].sort();
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();

  constructor(private readonly clock: Clock) {}

  createRoot(id: string): TokenEntry {
    const entry: TokenEntry = {
      id,
      accessor: newAccessor(),
      policies: [ROOT_POLICY],
      meta: null,
      displayName: 'root',
      path: 'auth/token/root',
      entityId: '',
      issuedAt: this.clock(),
      creationTtlMs: 0,
      expireAt: null,
      maxTtlMs: 0,
      explicitMaxTtlMs: 0,
      periodMs: 0,
      numUses: 0,
      renewable: false,
      orphan: true,
      lastRenewal: null,
      source: null,
    };
    this.tokens.set(id, entry);
    return entry;
  }

  issue(opts: IssueOptions): TokenEntry {
    const now = this.clock();
    const periodMs = opts.periodMs ?? 0;
    const explicitMaxTtlMs = opts.explicitMaxTtlMs ?? 0;
    let ttlMs = periodMs > 0 ? periodMs : opts.ttlMs > 0 ? opts.ttlMs : SYSTEM_MAX_TTL_MS;
    const maxTtlMs = opts.maxTtlMs && opts.maxTtlMs > 0 ? opts.maxTtlMs : SYSTEM_MAX_TTL_MS;
    if (periodMs === 0) ttlMs = Math.min(ttlMs, maxTtlMs);
    if (explicitMaxTtlMs > 0) ttlMs = Math.min(ttlMs, explicitMaxTtlMs);
    const entry: TokenEntry = {
      id: newServiceToken(),
      accessor: newAccessor(),
      policies: sanitizePolicies(opts.policies, !opts.noDefaultPolicy),
      meta: opts.meta ?? null,
      displayName: opts.displayName,
      path: opts.path,
      entityId: opts.entityId ?? '',
      issuedAt: now,
      creationTtlMs: ttlMs,
      expireAt: now + ttlMs,
      maxTtlMs,
      explicitMaxTtlMs,
      periodMs,
      numUses: opts.numUses ?? 0,
      renewable: opts.renewable ?? true,
      orphan: opts.orphan ?? true,
      lastRenewal: null,
      source: opts.source ?? null,
    };
    this.tokens.set(entry.id, entry);
    return entry;
  }

  /** A live token, or undefined when unknown, revoked, expired or used up. */
  lookup(id: string): TokenEntry | undefined {
    const entry = this.tokens.get(id);
    if (!entry) return undefined;
    if (entry.expireAt !== null && this.clock() >= entry.expireAt) {
      this.tokens.delete(id);
      return undefined;
    }
    return entry;
  }

  revoke(id: string): boolean {
    return this.tokens.delete(id);
  }

  /** Counts one use of a limited-use token; returns true when that was its last one. */
  use(entry: TokenEntry): boolean {
    if (entry.numUses === 0) return false;
    entry.numUses -= 1;
    return entry.numUses === 0;
  }
}

/** The `auth` block of login, token create and renew-self responses (`logical.HTTPAuth` order). */
export function authBlock(entry: TokenEntry, now: number): Ordered {
  const ttlMs = entry.expireAt === null ? 0 : Math.max(0, entry.expireAt - now);
  return ordered(
    ['client_token', entry.id],
    ['accessor', entry.accessor],
    ['policies', entry.policies],
    ['token_policies', entry.policies],
    ['metadata', entry.meta],
    ['lease_duration', Math.floor(ttlMs / 1000)],
    ['renewable', entry.renewable],
    ['entity_id', entry.entityId],
    ['token_type', 'service'],
    ['orphan', entry.orphan],
    ['mfa_requirement', null],
    ['num_uses', entry.numUses],
  );
}
