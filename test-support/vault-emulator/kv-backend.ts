import { goDuration, rfc3339 } from './go-format';
import { toJson, type JsonMap } from './json-wire';
import {
  badRequest,
  empty,
  listResult,
  ok,
  route,
  type Backend,
  type Operation,
  type RequestContext,
  type Result,
  type RouteLookup,
} from './types';

interface KvVersion {
  data: JsonMap;
  createdAt: number;
  deletedAt: number | null;
  destroyed: boolean;
}

interface KvMetadata {
  versions: Map<number, KvVersion>;
  current: number;
  oldest: number;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfterMs: number;
  customMetadata: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
}

const DEFAULT_MAX_VERSIONS = 10;
const VERB: Readonly<Record<Operation, string>> = {
  read: 'get',
  list: 'list',
  create: 'put',
  update: 'put',
  delete: 'delete',
  patch: 'patch',
};

function invalidPath(op: Operation): Result {
  return {
    kind: 'raw',
    status: 404,
    data: null,
    warnings: [
      `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${VERB[op]}' for this operation.`,
    ],
  };
}

/** KV version 2 (`type: kv`, `options.version: "2"`). */
export class KvV2Backend implements Backend {
  private readonly secrets = new Map<string, KvMetadata>();
  private readonly config = { maxVersions: 0, casRequired: false, deleteVersionAfterMs: 0 };
  /** Simulates the short window right after enabling, while the mount "upgrades". */
  upgrading = false;

  match(rel: string, op: Operation): RouteLookup {
    if (this.upgrading) {
      return {
        kind: 'result',
        result: badRequest(
          'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.',
        ),
      };
    }
    if (rel === 'config') {
      return route(
        { max_versions: 'int', cas_required: 'bool', delete_version_after: 'duration' },
        { read: () => this.readConfig(), update: (ctx) => this.writeConfig(ctx) },
      );
    }
    if ((rel === 'data' || rel === 'metadata') && op !== 'list') {
      const warning = 'Non-listing operations on the root of a K/V v2 mount are not supported.';
      return { kind: 'result', result: { kind: 'raw', status: 404, data: null, warnings: [warning] } };
    }
    const m = /^(data|metadata|delete|undelete|destroy)\/(.*)$/.exec(rel);
    if (!m) return { kind: 'result', result: invalidPath(op) };
    const key = m[2] ?? '';
    const exists = (): boolean => this.secrets.has(key);
    switch (m[1]) {
      case 'data':
        return route(
          { data: 'map', options: 'map', version: 'int' },
          {
            read: (ctx) => this.readData(key, ctx),
            update: (ctx) => this.writeData(key, ctx),
            delete: (ctx) => this.deleteLatest(key, ctx),
          },
          { exists },
        );
      case 'metadata':
        return route(
          {
            max_versions: 'int',
            cas_required: 'bool',
            delete_version_after: 'duration',
            custom_metadata: 'map',
          },
          {
            read: () => this.readMetadata(key),
            list: () => this.list(key),
            update: (ctx) => this.writeMetadata(key, ctx),
            delete: () => {
              this.secrets.delete(key);
              return empty();
            },
          },
          { exists },
        );
      default:
        return route(
          { versions: 'list' },
          { update: (ctx) => this.changeVersions(m[1] as string, key, ctx) },
        );
    }
  }

  private readConfig(): Result {
    return ok({
      cas_required: this.config.casRequired,
      delete_version_after: goDuration(this.config.deleteVersionAfterMs),
      max_versions: this.config.maxVersions,
    });
  }

  private writeConfig(ctx: RequestContext): Result {
    const f = ctx.fields;
    this.config.maxVersions = f.int('max_versions', this.config.maxVersions);
    this.config.casRequired = f.bool('cas_required', this.config.casRequired);
    this.config.deleteVersionAfterMs =
      f.int('delete_version_after', this.config.deleteVersionAfterMs / 1000) * 1000;
    return empty();
  }

  private versionMetadata(v: KvVersion, meta: KvMetadata, version: number): JsonMap {
    return {
      created_time: rfc3339(v.createdAt),
      custom_metadata: meta.customMetadata,
      deletion_time: v.deletedAt === null ? '' : rfc3339(v.deletedAt),
      destroyed: v.destroyed,
      version,
    };
  }

  private readData(key: string, ctx: RequestContext): Result {
    const meta = this.secrets.get(key);
    if (!meta) return empty();
    const requested = ctx.fields.int('version', 0);
    const version = requested === 0 ? meta.current : requested;
    const v = meta.versions.get(version);
    if (!v || version > meta.current) return empty();
    const metadata = this.versionMetadata(v, meta, version);
    if (v.destroyed || (v.deletedAt !== null && v.deletedAt <= ctx.now)) {
      return { kind: 'raw', status: 404, data: { data: null, metadata }, warnings: null };
    }
    return ok({ data: v.data, metadata });
  }

  private writeData(key: string, ctx: RequestContext): Result {
    const f = ctx.fields;
    const data = f.map('data');
    if (data === undefined) return badRequest('no data provided');
    const existing = this.secrets.get(key);
    let cas: number | undefined;
    const options = f.map('options');
    if (options && options.cas !== undefined) {
      const raw = options.cas;
      if (typeof raw === 'number' && Number.isInteger(raw)) cas = raw;
      else if (typeof raw === 'string' && /^\d+$/.test(raw)) cas = Number.parseInt(raw, 10);
      else return badRequest('error parsing check-and-set parameter');
    }
    if ((existing?.casRequired || this.config.casRequired) && cas === undefined) {
      return badRequest('check-and-set parameter required for this call');
    }
    if (cas !== undefined && cas !== (existing?.current ?? 0)) {
      return badRequest('check-and-set parameter did not match the current version');
    }
    const meta: KvMetadata = existing ?? {
      versions: new Map(),
      current: 0,
      oldest: 0,
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfterMs: 0,
      customMetadata: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    this.secrets.set(key, meta);
    const version = meta.current + 1;
    const entry: KvVersion = {
      data: toJson(data) as JsonMap,
      createdAt: ctx.now,
      deletedAt: null,
      destroyed: false,
    };
    const deleteAfter = meta.deleteVersionAfterMs || this.config.deleteVersionAfterMs;
    if (deleteAfter > 0) entry.deletedAt = ctx.now + deleteAfter;
    meta.versions.set(version, entry);
    meta.current = version;
    meta.updatedAt = ctx.now;
    const max = meta.maxVersions || this.config.maxVersions || DEFAULT_MAX_VERSIONS;
    while (meta.versions.size > max) {
      meta.versions.delete(Math.min(...meta.versions.keys()));
      meta.oldest = Math.min(...meta.versions.keys());
    }
    return ok(this.versionMetadata(entry, meta, version));
  }

  private deleteLatest(key: string, ctx: RequestContext): Result {
    const meta = this.secrets.get(key);
    const v = meta?.versions.get(meta.current);
    if (v && !v.destroyed && (v.deletedAt === null || v.deletedAt > ctx.now)) v.deletedAt = ctx.now;
    return empty();
  }

  private changeVersions(action: string, key: string, ctx: RequestContext): Result {
    const versions = (ctx.fields.list('versions') ?? []).map((s) => Number.parseInt(s, 10));
    if (versions.length === 0) return badRequest('no version number provided');
    const meta = this.secrets.get(key);
    for (const n of versions) {
      const v = meta?.versions.get(n);
      if (!v) continue;
      if (action === 'delete' && !v.destroyed && v.deletedAt === null) v.deletedAt = ctx.now;
      if (action === 'undelete' && !v.destroyed) v.deletedAt = null;
      if (action === 'destroy') v.destroyed = true;
    }
    return empty();
  }

  private readMetadata(key: string): Result {
    const meta = this.secrets.get(key);
    if (!meta) return empty();
    const versions: JsonMap = {};
    for (const [n, v] of meta.versions) {
      versions[String(n)] = {
        created_time: rfc3339(v.createdAt),
        deletion_time: v.deletedAt === null ? '' : rfc3339(v.deletedAt),
        destroyed: v.destroyed,
      };
    }
    return ok({
      cas_required: meta.casRequired,
      created_time: rfc3339(meta.createdAt),
      current_version: meta.current,
      custom_metadata: meta.customMetadata,
      delete_version_after: goDuration(meta.deleteVersionAfterMs),
      max_versions: meta.maxVersions,
      oldest_version: meta.oldest,
      updated_time: rfc3339(meta.updatedAt),
      versions,
    });
  }

  private writeMetadata(key: string, ctx: RequestContext): Result {
    const f = ctx.fields;
    const meta = this.secrets.get(key) ?? {
      versions: new Map<number, KvVersion>(),
      current: 0,
      oldest: 0,
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfterMs: 0,
      customMetadata: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    meta.maxVersions = f.int('max_versions', meta.maxVersions);
    meta.casRequired = f.bool('cas_required', meta.casRequired);
    meta.deleteVersionAfterMs = f.int('delete_version_after', meta.deleteVersionAfterMs / 1000) * 1000;
    const custom = f.map('custom_metadata');
    if (custom)
      meta.customMetadata = Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, String(v)]));
    meta.updatedAt = ctx.now;
    this.secrets.set(key, meta);
    return empty();
  }

  private list(prefix: string): Result {
    const keys: string[] = [];
    for (const key of this.secrets.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      keys.push(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return listResult(keys.filter((k) => k !== ''));
  }
}
