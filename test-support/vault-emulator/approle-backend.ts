import { buildRole, describeRole, ROLE_FIELDS, type Role } from './approle-role';
import type { FieldValues } from './fields';
import { newUuid } from './go-format';
import type { RenewSettings } from './token-backend';
import { authBlock, type TokenStore } from './token-store';
import {
  NAME_RE,
  SYSTEM_MAX_TTL_MS,
  badRequest,
  empty,
  failure,
  listResult,
  ok,
  route,
  unsupported,
  type Backend,
  type Clock,
  type Operation,
  type RequestContext,
  type Result,
  type RouteLookup,
} from './types';

interface SecretId {
  role: string;
  accessor: string;
  numUses: number;
  expiresAt: number | null;
}

const LOCKOUT_THRESHOLD = 5;
const LOCKOUT_MS = 15 * 60 * 1000;
const TIDY_INTERVAL_MS = 60 * 1000;

/** The AppRole auth method, with Vault's user lockout (5 bad secret IDs → 15 min). */
export class AppRoleBackend implements Backend {
  private readonly roles = new Map<string, Role>();
  private readonly secretIds = new Map<string, SecretId>();
  private readonly failures = new Map<string, { count: number; lastAt: number }>();
  private readonly entities = new Map<string, string>();
  private lastTidy: number;

  constructor(
    private readonly mountPath: string,
    private readonly tokens: TokenStore,
    private readonly clock: Clock,
    private readonly lockoutEnabled: () => boolean,
  ) {
    this.lastTidy = Math.floor(clock() / TIDY_INTERVAL_MS);
  }

  match(rel: string, _op: Operation): RouteLookup {
    if (rel === 'login') {
      return route(
        { role_id: 'string', secret_id: 'string' },
        { update: (ctx) => this.login(ctx) },
        { unauthenticated: true },
      );
    }
    if (rel === 'role/') return route({}, { list: () => listResult(this.roles.keys()) });
    const m = /^role\/([^/]+)(\/role-id|\/secret-id\/destroy|\/secret-id\/?)?$/.exec(rel);
    if (!m || m[1] === undefined || !NAME_RE.test(m[1])) return unsupported;
    const name = m[1].toLowerCase();
    if (m[2] === undefined) {
      return route(
        ROLE_FIELDS,
        {
          read: () => this.readRole(name),
          update: (ctx) => this.writeRole(name, ctx.fields),
          delete: () => this.deleteRole(name),
        },
        { exists: () => this.roles.has(name) },
      );
    }
    if (m[2] === '/secret-id/destroy') {
      // Destroys one secret id of the role; 204 whether or not it existed.
      return route(
        { secret_id: 'string' },
        {
          update: (ctx) => this.destroySecretId(name, ctx.fields),
          delete: (ctx) => this.destroySecretId(name, ctx.fields),
        },
      );
    }
    if (m[2] === '/role-id') {
      return route(
        { role_id: 'string' },
        { read: () => this.readRoleId(name), update: (ctx) => this.setRoleId(name, ctx) },
      );
    }
    return route(
      { metadata: 'string', ttl: 'duration', num_uses: 'int', cidr_list: 'list', token_bound_cidrs: 'list' },
      { update: (ctx) => this.generateSecretId(name, ctx), list: () => this.listAccessors(name) },
    );
  }

  /** TTL settings re-read by renew-self (AppRole's renew callback reads the role again). */
  renewSettings(roleName: string): RenewSettings | null {
    const role = this.roles.get(roleName);
    if (!role) return null;
    return {
      ttlMs: role.tokenTtl * 1000,
      maxTtlMs: role.tokenMaxTtl * 1000,
      periodMs: role.tokenPeriod * 1000,
    };
  }

  private readRole(name: string): Result {
    const role = this.roles.get(name);
    return role ? ok(describeRole(role)) : empty();
  }

  private writeRole(name: string, f: FieldValues): Result {
    const role = buildRole(this.roles.get(name), f);
    if (typeof role === 'string') return badRequest(role);
    this.roles.set(name, role);
    if (role.tokenMaxTtl * 1000 > SYSTEM_MAX_TTL_MS) {
      return ok(null, [
        "token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
      ]);
    }
    return empty();
  }

  private destroySecretId(name: string, fields: FieldValues): Result {
    const id = fields.str('secret_id').trim();
    if (!id) return badRequest('missing secret_id');
    const secret = this.secretIds.get(id);
    if (secret && secret.role === name) this.secretIds.delete(id);
    return empty();
  }

  private deleteRole(name: string): Result {
    this.roles.delete(name);
    for (const [id, s] of this.secretIds) if (s.role === name) this.secretIds.delete(id);
    return empty();
  }

  private readRoleId(name: string): Result {
    const role = this.roles.get(name);
    return role ? ok({ role_id: role.roleId }) : empty();
  }

  private setRoleId(name: string, ctx: RequestContext): Result {
    const role = this.roles.get(name);
    if (!role) return failure(404, `role "${name}" does not exist`);
    const roleId = ctx.fields.str('role_id').trim();
    if (roleId === '') return badRequest('missing role_id');
    role.roleId = roleId;
    return empty();
  }

  private generateSecretId(name: string, ctx: RequestContext): Result {
    const role = this.roles.get(name);
    if (!role) return failure(404, `role "${name}" does not exist`);
    const f = ctx.fields;
    let numUses = f.int('num_uses', 0);
    let ttl = f.int('ttl', 0);
    if (numUses < 0) return badRequest('num_uses cannot be negative');
    if (role.secretIdNumUses > 0 && numUses > role.secretIdNumUses) {
      return badRequest("num_uses cannot be higher than the role's secret_id_num_uses");
    }
    if (role.secretIdTtl > 0 && ttl > role.secretIdTtl) {
      return badRequest("ttl cannot be longer than the role's secret_id_ttl");
    }
    if (numUses === 0) numUses = role.secretIdNumUses;
    if (ttl === 0) ttl = role.secretIdTtl;
    const secretId = newUuid();
    const accessor = newUuid();
    this.secretIds.set(secretId, {
      role: name,
      accessor,
      numUses,
      expiresAt: ttl > 0 ? ctx.now + ttl * 1000 : null,
    });
    return ok({
      secret_id: secretId,
      secret_id_accessor: accessor,
      secret_id_num_uses: numUses,
      secret_id_ttl: ttl,
    });
  }

  private listAccessors(name: string): Result {
    if (!this.roles.has(name)) return failure(404, `role "${name}" does not exist`);
    const accessors = [...this.secretIds.values()].filter((s) => s.role === name).map((s) => s.accessor);
    return listResult(accessors);
  }

  /** Expired secret IDs are removed by a tidy that runs about once a minute, not at login. */
  private tidy(now: number): void {
    const slot = Math.floor(now / TIDY_INTERVAL_MS);
    if (slot <= this.lastTidy) return;
    this.lastTidy = slot;
    for (const [id, s] of this.secretIds)
      if (s.expiresAt !== null && s.expiresAt <= now) this.secretIds.delete(id);
  }

  private login(ctx: RequestContext): Result {
    const roleId = ctx.fields.str('role_id').trim();
    const lockout = this.lockoutEnabled();
    if (roleId === '') {
      return lockout
        ? failure(500, 'failed to determine alias name from login request')
        : badRequest('invalid credentials');
    }
    const now = ctx.now;
    const failures = this.failures.get(roleId);
    if (failures && now - failures.lastAt >= LOCKOUT_MS) this.failures.delete(roleId);
    else if (lockout && failures && failures.count >= LOCKOUT_THRESHOLD)
      return failure(403, 'permission denied');
    this.tidy(now);

    const entry = [...this.roles.entries()].find(([, r]) => r.roleId === roleId);
    if (!entry) return badRequest('invalid role or secret ID');
    const [roleName, role] = entry;
    if (role.bindSecretId) {
      const secretId = ctx.fields.str('secret_id').trim();
      if (secretId === '') return badRequest('missing secret_id');
      const secret = this.secretIds.get(secretId);
      if (!secret || secret.role !== roleName) {
        const prev = this.failures.get(roleId);
        this.failures.set(roleId, { count: (prev?.count ?? 0) + 1, lastAt: now });
        return badRequest('invalid role or secret ID');
      }
      if (secret.numUses > 0) {
        secret.numUses -= 1;
        if (secret.numUses === 0) this.secretIds.delete(secretId);
      }
    }
    this.failures.delete(roleId);

    const entityKey = `${this.mountPath}${roleId}`;
    const entityId = this.entities.get(entityKey) ?? newUuid();
    this.entities.set(entityKey, entityId);
    const token = this.tokens.issue({
      policies: role.tokenPolicies,
      noDefaultPolicy: role.tokenNoDefaultPolicy,
      meta: { role_name: roleName },
      displayName: this.mountPath.replace(/\/$/, ''),
      path: `auth/${this.mountPath}login`,
      entityId,
      ttlMs: role.tokenTtl * 1000,
      maxTtlMs: role.tokenMaxTtl * 1000,
      explicitMaxTtlMs: role.tokenExplicitMaxTtl * 1000,
      periodMs: role.tokenPeriod * 1000,
      numUses: role.tokenNumUses,
      source: { mount: this.mountPath, role: roleName },
    });
    return { kind: 'data', data: null, auth: authBlock(token, now), login: true };
  }
}
