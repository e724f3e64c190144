import { newMountAccessor, newUuid } from './go-format';
import type { JsonMap } from './json-wire';
import { BUILTIN_VERSION, badRequest, type Backend, type MountEntry, type Result } from './types';

export const KV_PLUGIN_VERSION = 'v0.26.2+builtin';

export type MountTableName = MountEntry['table'];

/** Builds the backend for a resolved engine; null when the type is not emulated. */
export type BackendFactory = (
  table: MountTableName,
  type: string,
  version: '1' | '2',
  path: string,
) => Backend | null;

export interface MountRequest {
  type: unknown;
  options?: Record<string, unknown>;
  description?: string;
  local?: boolean;
  sealWrap?: boolean;
}

const normalize = (path: string): string => `${path.replace(/^\/+|\/+$/g, '')}/`;

/** The secrets and auth mount tables, and routing of a logical path to its mount. */
export class MountTable {
  private readonly entries: MountEntry[] = [];

  constructor(private readonly factory: BackendFactory) {}

  list(table: MountTableName): MountEntry[] {
    return this.entries.filter((e) => e.table === table).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  get(table: MountTableName, path: string): MountEntry | undefined {
    const wanted = normalize(path);
    return this.entries.find((e) => e.table === table && e.path === wanted);
  }

  /** Adds a built-in mount (sys/, cubbyhole/, identity/, token/) without checks. */
  addBuiltin(table: MountTableName, path: string, type: string, backend: Backend, local = false): MountEntry {
    const entry: MountEntry = {
      path,
      table,
      type,
      description: '',
      accessor: newMountAccessor(type),
      uuid: newUuid(),
      local,
      sealWrap: type === 'system',
      options: null,
      runningVersion: BUILTIN_VERSION,
      backend,
    };
    this.entries.push(entry);
    return entry;
  }

  /** `POST sys/mounts/:path` / `POST sys/auth/:path`: an error result, or the new entry. */
  mount(table: MountTableName, rawPath: string, req: MountRequest): Result | MountEntry {
    if (typeof req.type !== 'string' || req.type === '') {
      return badRequest('backend type must be specified as a string');
    }
    const path = normalize(rawPath);
    let type = req.type;
    const requestedVersion = req.options?.version;
    let version: '1' | '2' = '1';
    let options: Record<string, string> | null = null;
    if (table === 'secret' && (type === 'kv' || type === 'kv-v2')) {
      version = type === 'kv-v2' || String(requestedVersion ?? '') === '2' ? '2' : '1';
      if (type === 'kv-v2' || requestedVersion !== undefined) options = { version };
      type = 'kv';
    } else if (requestedVersion !== undefined && requestedVersion !== '') {
      return badRequest(`secrets engine "${type}" does not allow setting a version`);
    }
    const conflict = this.entries.find(
      (e) => e.table === table && (path.startsWith(e.path) || e.path.startsWith(path)),
    );
    if (conflict) return badRequest(`path is already in use at ${conflict.path}`);
    const backend = this.factory(table, type, version, path);
    if (!backend) return badRequest(`plugin not found in the catalog: ${type}`);
    const entry: MountEntry = {
      path,
      table,
      type,
      description: req.description ?? '',
      accessor: newMountAccessor(type),
      uuid: newUuid(),
      local: req.local ?? false,
      sealWrap: req.sealWrap ?? false,
      options,
      runningVersion: type === 'kv' ? KV_PLUGIN_VERSION : BUILTIN_VERSION,
      backend,
    };
    this.entries.push(entry);
    return entry;
  }

  unmount(table: MountTableName, path: string): void {
    const entry = this.get(table, path);
    if (entry && !['sys/', 'cubbyhole/', 'identity/', 'token/'].includes(entry.path)) {
      this.entries.splice(this.entries.indexOf(entry), 1);
    }
  }

  /** Longest-prefix match of a logical path to a mount; `rel` is the rest of the path. */
  resolve(path: string): { mount: MountEntry; rel: string } | null {
    let best: { mount: MountEntry; prefix: string } | null = null;
    for (const mount of this.entries) {
      const prefix = mount.table === 'auth' ? `auth/${mount.path}` : mount.path;
      const matches = path.startsWith(prefix) || path === prefix.slice(0, -1);
      if (matches && (!best || prefix.length > best.prefix.length)) best = { mount, prefix };
    }
    return best ? { mount: best.mount, rel: path.slice(best.prefix.length) } : null;
  }
}

/** One entry of `GET sys/mounts` / `GET sys/auth`. */
export function describeMount(e: MountEntry): JsonMap {
  const config: JsonMap = { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 };
  if (e.table === 'auth') config.token_type = 'default-service';
  return {
    accessor: e.accessor,
    config,
    deprecation_status: 'supported',
    description: e.description,
    external_entropy_access: false,
    local: e.local,
    options: e.options,
    plugin_version: '',
    running_plugin_version: e.runningVersion,
    running_sha256: '',
    seal_wrap: e.sealWrap,
    type: e.type,
    uuid: e.uuid,
  };
}
