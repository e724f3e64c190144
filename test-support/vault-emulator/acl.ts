import { HclError, parseHcl, type HclBody, type HclValue } from './hcl';
import type { Operation } from './types';

export type Capability =
  'deny' | 'create' | 'read' | 'update' | 'delete' | 'list' | 'sudo' | 'patch' | 'subscribe' | 'recover';

const CAPABILITIES: ReadonlySet<string> = new Set([
  'deny',
  'create',
  'read',
  'update',
  'delete',
  'list',
  'sudo',
  'patch',
  'subscribe',
  'recover',
]);

/** The pre-0.9 `policy = "…"` shorthand. */
const LEGACY: Readonly<Record<string, Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

const PATH_KEYS = new Set([
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
]);

export interface PathRule {
  pattern: string;
  capabilities: ReadonlySet<Capability>;
}

export class PolicyParseError extends Error {}

function pathRule(pattern: string, body: HclBody): PathRule {
  const caps = new Set<Capability>();
  for (const item of body.items) {
    const key = item.keys[0] ?? '';
    if (!PATH_KEYS.has(key))
      throw new PolicyParseError(`path "${pattern}": invalid key "${key}" on line ${item.line}`);
    if (key === 'capabilities') {
      if (!Array.isArray(item.value))
        throw new PolicyParseError(`path "${pattern}": capabilities must be a list`);
      for (const cap of item.value) {
        if (typeof cap !== 'string' || !CAPABILITIES.has(cap.toLowerCase())) {
          throw new PolicyParseError(`path "${pattern}": invalid capability "${String(cap)}"`);
        }
        caps.add(cap.toLowerCase() as Capability);
      }
    } else if (key === 'policy') {
      const legacy = typeof item.value === 'string' ? LEGACY[item.value.toLowerCase()] : undefined;
      if (!legacy) throw new PolicyParseError(`path "${pattern}": invalid policy "${String(item.value)}"`);
      legacy.forEach((c) => caps.add(c));
    }
  }
  return { pattern: pattern.replace(/^\//, ''), capabilities: caps };
}

const isBody = (v: HclValue): v is HclBody => typeof v === 'object' && !Array.isArray(v);

/** Parses policy text (HCL or JSON) into its path rules. */
export function parsePolicy(text: string): PathRule[] {
  let doc: HclBody;
  try {
    doc = parseHcl(text);
  } catch (err) {
    if (err instanceof HclError) throw new PolicyParseError(err.message);
    throw err;
  }
  const rules: PathRule[] = [];
  for (const item of doc.items) {
    const [key, label] = item.keys;
    if (key === 'name') continue;
    if (key !== 'path') throw new PolicyParseError(`invalid key "${key ?? ''}" on line ${item.line}`);
    if (label !== undefined && isBody(item.value)) {
      rules.push(pathRule(label, item.value));
    } else if (label === undefined && isBody(item.value)) {
      for (const inner of item.value.items) {
        if (!isBody(inner.value))
          throw new PolicyParseError(`path "${inner.keys[0] ?? ''}": expected an object`);
        rules.push(pathRule(inner.keys[0] ?? '', inner.value));
      }
    } else {
      throw new PolicyParseError(`path: expected an object on line ${item.line}`);
    }
  }
  return rules;
}

interface WildRule {
  pattern: string;
  regex: RegExp;
  caps: Set<Capability>;
}

function compileWild(pattern: string): RegExp {
  const glob = pattern.endsWith('*');
  const base = glob ? pattern.slice(0, -1) : pattern;
  const body = base
    .split('/')
    .map((seg) => (seg === '+' ? '[^/]*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}${glob ? '[\\s\\S]*' : ''}$`);
}

const isWild = (p: string): boolean => p.endsWith('*') || p.split('/').includes('+');

/** Vault's priority rules between two matching wildcard paths; > 0 when a wins. */
function comparePriority(a: string, b: string): number {
  const firstWild = (p: string): number => {
    const i = p.search(/[+*]/);
    return i < 0 ? p.length : i;
  };
  const plusCount = (p: string): number => p.split('/').filter((s) => s === '+').length;
  if (firstWild(a) !== firstWild(b)) return firstWild(a) - firstWild(b);
  const aGlob = a.endsWith('*');
  if (aGlob !== b.endsWith('*')) return aGlob ? -1 : 1;
  if (plusCount(a) !== plusCount(b)) return plusCount(b) - plusCount(a);
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The merged rules of a token's policies. */
export class Acl {
  private readonly exact = new Map<string, Set<Capability>>();
  private readonly wild: WildRule[] = [];

  constructor(rules: Iterable<PathRule>) {
    const wild = new Map<string, WildRule>();
    for (const rule of rules) {
      let caps: Set<Capability>;
      if (isWild(rule.pattern)) {
        let w = wild.get(rule.pattern);
        if (!w) {
          w = { pattern: rule.pattern, regex: compileWild(rule.pattern), caps: new Set() };
          wild.set(rule.pattern, w);
        }
        caps = w.caps;
      } else {
        caps = this.exact.get(rule.pattern) ?? new Set();
        this.exact.set(rule.pattern, caps);
      }
      rule.capabilities.forEach((c) => caps.add(c));
    }
    this.wild = [...wild.values()].sort((a, b) => comparePriority(b.pattern, a.pattern));
  }

  /** Capabilities granted on a path (deny wins over everything else on the same rule). */
  capabilities(path: string, op: Operation): ReadonlySet<Capability> {
    let caps: Set<Capability> | undefined;
    if (op === 'list' && path.endsWith('/')) caps = this.exact.get(path.slice(0, -1));
    caps ??= this.exact.get(path) ?? this.wild.find((w) => w.regex.test(path))?.caps;
    if (!caps || caps.has('deny')) return new Set();
    return caps;
  }
}

export const DEFAULT_POLICY_TEXT = `# Lets a token look itself up, renew and revoke itself.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}

path "auth/token/revoke-self" {
  capabilities = ["update"]
}

path "sys/capabilities-self" {
  capabilities = ["update"]
}

path "cubbyhole/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
`;
