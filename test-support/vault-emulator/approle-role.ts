import { newUuid } from './go-format';
import type { FieldValues } from './fields';
import type { JsonMap } from './json-wire';

// An AppRole role: its fields, how a POST updates them, and how a read shows them.

export interface Role {
  roleId: string;
  bindSecretId: boolean;
  secretIdNumUses: number;
  secretIdTtl: number;
  secretIdBoundCidrs: string[];
  tokenBoundCidrs: string[];
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenPeriod: number;
  tokenExplicitMaxTtl: number;
  tokenPolicies: string[];
  tokenNumUses: number;
  tokenNoDefaultPolicy: boolean;
  tokenType: string;
  localSecretIds: boolean;
}

export const ROLE_FIELDS = {
  role_id: 'string',
  bind_secret_id: 'bool',
  secret_id_num_uses: 'int',
  secret_id_ttl: 'duration',
  secret_id_bound_cidrs: 'list',
  bound_cidr_list: 'list',
  local_secret_ids: 'bool',
  token_ttl: 'duration',
  token_max_ttl: 'duration',
  token_period: 'duration',
  period: 'duration',
  token_explicit_max_ttl: 'duration',
  token_policies: 'list',
  policies: 'list',
  token_num_uses: 'int',
  token_no_default_policy: 'bool',
  token_type: 'string',
  token_bound_cidrs: 'list',
} as const;

const TOKEN_TYPES = ['', 'default', 'service', 'batch', 'default-service', 'default-batch'];

/** Applies the posted fields over the previous role (re-posting keeps unsent fields and the role_id). */
export function buildRole(prev: Role | undefined, f: FieldValues): Role | string {
  const role: Role = {
    roleId: f.str('role_id') || prev?.roleId || newUuid(),
    bindSecretId: f.bool('bind_secret_id', prev?.bindSecretId ?? true),
    secretIdNumUses: f.int('secret_id_num_uses', prev?.secretIdNumUses ?? 0),
    secretIdTtl: f.int('secret_id_ttl', prev?.secretIdTtl ?? 0),
    secretIdBoundCidrs:
      f.list('secret_id_bound_cidrs') ?? f.list('bound_cidr_list') ?? prev?.secretIdBoundCidrs ?? [],
    tokenBoundCidrs: f.list('token_bound_cidrs') ?? prev?.tokenBoundCidrs ?? [],
    tokenTtl: f.int('token_ttl', prev?.tokenTtl ?? 0),
    tokenMaxTtl: f.int('token_max_ttl', prev?.tokenMaxTtl ?? 0),
    tokenPeriod: f.int('token_period', f.int('period', prev?.tokenPeriod ?? 0)),
    tokenExplicitMaxTtl: f.int('token_explicit_max_ttl', prev?.tokenExplicitMaxTtl ?? 0),
    tokenPolicies: f.list('token_policies') ?? f.list('policies') ?? prev?.tokenPolicies ?? [],
    tokenNumUses: f.int('token_num_uses', prev?.tokenNumUses ?? 0),
    tokenNoDefaultPolicy: f.bool('token_no_default_policy', prev?.tokenNoDefaultPolicy ?? false),
    tokenType: f.str('token_type', prev?.tokenType ?? 'default-service'),
    localSecretIds: f.bool('local_secret_ids', prev?.localSecretIds ?? false),
  };
  if (role.secretIdNumUses < 0) return 'secret_id_num_uses cannot be negative';
  if (!TOKEN_TYPES.includes(role.tokenType)) return `invalid 'token_type' value "${role.tokenType}"`;
  if (role.tokenType === '') role.tokenType = 'default-service';
  if (role.tokenMaxTtl > 0 && role.tokenTtl > role.tokenMaxTtl) {
    return "'token_ttl' cannot be greater than 'token_max_ttl'";
  }
  return role;
}

export function describeRole(r: Role): JsonMap {
  return {
    bind_secret_id: r.bindSecretId,
    local_secret_ids: r.localSecretIds,
    policies: r.tokenPolicies,
    secret_id_bound_cidrs: r.secretIdBoundCidrs,
    secret_id_num_uses: r.secretIdNumUses,
    secret_id_ttl: r.secretIdTtl,
    token_bound_cidrs: r.tokenBoundCidrs,
    token_explicit_max_ttl: r.tokenExplicitMaxTtl,
    token_max_ttl: r.tokenMaxTtl,
    token_no_default_policy: r.tokenNoDefaultPolicy,
    token_num_uses: r.tokenNumUses,
    token_period: r.tokenPeriod,
    token_policies: r.tokenPolicies,
    token_ttl: r.tokenTtl,
    token_type: r.tokenType,
  };
}
