import type { FieldSchema, FieldValues } from './fields';
import type { JsonMap, Ordered } from './json-wire';
import type { TokenEntry } from './token-store';

/** Milliseconds since the epoch; overridable so TOTP and TTL tests can move time. */
export type Clock = () => number;

export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch';

export const ROOT_POLICY = 'root';
export const DEFAULT_POLICY = 'default';
export const VAULT_VERSION = '1.21.2';
export const BUILTIN_VERSION = `v${VAULT_VERSION}+builtin.vault`;
/** Vault's system default and maximum lease TTL: 768h. */
export const SYSTEM_MAX_TTL_MS = 768 * 3600 * 1000;

export const UNSUPPORTED_PATH = 'unsupported path';
export const UNSUPPORTED_OPERATION = 'unsupported operation';

/** What a handler answers; the core turns it into status, headers and body. */
export type Result =
  | {
      kind: 'data';
      data: JsonMap | null;
      warnings?: string[];
      auth?: Ordered;
      /** Login responses carry `mount_type: ""`. */
      login?: boolean;
      /** sys/mounts and sys/auth copy `data` to the top level of the body as well. */
      dataAtTopLevel?: boolean;
      leaseDuration?: number;
    }
  /** Nothing to say: 204 for writes and deletes, 404 `{"errors":[]}` for reads and lists. */
  | { kind: 'empty' }
  | { kind: 'error'; status: number; errors: string[] }
  /** A backend-built envelope with its own status (`mount_type` is ""). */
  | { kind: 'raw'; status: number; data: JsonMap | null; warnings: string[] | null };

export const ok = (data: JsonMap | null, warnings?: string[]): Result => ({ kind: 'data', data, warnings });
export const empty = (): Result => ({ kind: 'empty' });
export const badRequest = (text: string): Result => ({ kind: 'error', status: 400, errors: [text] });
export const failure = (status: number, text?: string): Result => ({
  kind: 'error',
  status,
  errors: text === undefined ? [] : [text],
});

export interface RequestContext {
  op: Operation;
  /** The logical path (after /v1/), with the trailing slash a list request gets. */
  path: string;
  /** The path inside the mount that serves it. */
  rel: string;
  fields: FieldValues;
  token: TokenEntry | null;
  now: number;
}

export type Handler = (ctx: RequestContext) => Result | Promise<Result>;

export interface Route {
  fields: FieldSchema;
  /** Paths with an existence check turn an update on a missing entry into `create`. */
  exists?: () => boolean;
  /** Login paths: no token needed, a stale one is ignored. */
  unauthenticated?: boolean;
  /** Root-protected paths (e.g. sys/auth/*) also need the `sudo` capability. */
  sudo?: boolean;
  /** `update` also serves `create` unless `create` is given. */
  handlers: Partial<Record<Operation, Handler>>;
}

export type RouteLookup =
  | { kind: 'route'; route: Route }
  /** The backend answers every operation on this path itself (e.g. KV v2 "invalid path"). */
  | { kind: 'result'; result: Result }
  | { kind: 'unsupported' };

export interface Backend {
  match(rel: string, op: Operation): RouteLookup;
}

export interface MountEntry {
  /** Path in its table, with a trailing slash: `secret/`, `approle/`. */
  path: string;
  table: 'secret' | 'auth';
  type: string;
  description: string;
  accessor: string;
  uuid: string;
  local: boolean;
  sealWrap: boolean;
  options: Record<string, string> | null;
  runningVersion: string;
  backend: Backend;
}

export const route = (
  fields: FieldSchema,
  handlers: Partial<Record<Operation, Handler>>,
  extra: Omit<Route, 'fields' | 'handlers'> = {},
): RouteLookup => ({ kind: 'route', route: { fields, handlers, ...extra } });

export const unsupported: RouteLookup = { kind: 'unsupported' };

/** Vault names for keys and roles: `\w(([\w-.@]+)?\w)?`. */
export const NAME_RE = /^\w(?:[\w\-.@]*\w)?$/;

export function listResult(keys: Iterable<string>): Result {
  const sorted = [...new Set(keys)].sort();
  return sorted.length === 0 ? empty() : ok({ keys: sorted });
}
