import { PolicyParseError, parsePolicy } from './acl';
import type { JsonMap } from './json-wire';
import { describeMount, type MountTable, type MountTableName } from './mounts';
import type { PolicyStore } from './policy-store';
import {
  ROOT_POLICY,
  badRequest,
  empty,
  listResult,
  ok,
  route,
  unsupported,
  type Backend,
  type Operation,
  type RequestContext,
  type Result,
  type RouteLookup,
} from './types';

const MOUNT_FIELDS = {
  type: 'any',
  description: 'string',
  config: 'map',
  options: 'map',
  local: 'bool',
  seal_wrap: 'bool',
  external_entropy_access: 'bool',
  plugin_name: 'string',
  plugin_version: 'string',
} as const;

/** The parts of sys/ the app and its provisioning script use: mounts, auth methods, ACL policies. */
export class SysBackend implements Backend {
  constructor(
    private readonly mounts: MountTable,
    private readonly policies: PolicyStore,
  ) {}

  match(rel: string, _op: Operation): RouteLookup {
    if (rel === 'mounts') return route({}, { read: () => this.listMounts('secret') });
    if (rel === 'auth') return route({}, { read: () => this.listMounts('auth') });
    const mount = /^(mounts|auth)\/(.+)$/.exec(rel);
    if (mount?.[2] !== undefined) {
      const table: MountTableName = mount[1] === 'auth' ? 'auth' : 'secret';
      const path = mount[2];
      return route(
        MOUNT_FIELDS,
        {
          read: () => this.readMount(table, path),
          update: (ctx) => this.enable(table, path, ctx),
          delete: () => {
            this.mounts.unmount(table, path);
            return empty();
          },
        },
        { sudo: table === 'auth' },
      );
    }
    if (rel === 'policies/acl/') return route({}, { list: () => listResult(this.policies.names()) });
    if (rel === 'policy') {
      return route(
        {},
        {
          read: () =>
            ok({
              keys: [...this.policies.names(), ROOT_POLICY],
              policies: [...this.policies.names(), ROOT_POLICY],
            }),
        },
      );
    }
    const policy = /^(policies\/acl|policy)\/([^/]+)$/.exec(rel);
    if (policy?.[2] !== undefined) {
      const legacy = policy[1] === 'policy';
      const name = policy[2];
      return route(
        { policy: 'string', rules: 'string' },
        {
          read: () => this.readPolicy(name, legacy),
          update: (ctx) => this.writePolicy(name, ctx),
          delete: () => this.deletePolicy(name),
        },
      );
    }
    return unsupported;
  }

  private listMounts(table: MountTableName): Result {
    const data: JsonMap = {};
    for (const entry of this.mounts.list(table)) data[entry.path] = describeMount(entry);
    return { kind: 'data', data, dataAtTopLevel: true };
  }

  private readMount(table: MountTableName, path: string): Result {
    const entry = this.mounts.get(table, path);
    return entry
      ? ok(describeMount(entry))
      : badRequest(`No ${table === 'auth' ? 'auth engine' : 'secret engine'} mount at ${path}/`);
  }

  private enable(table: MountTableName, path: string, ctx: RequestContext): Result {
    const f = ctx.fields;
    const result = this.mounts.mount(table, path, {
      type: f.raw('type'),
      options: f.map('options'),
      description: f.str('description'),
      local: f.bool('local', false),
      sealWrap: f.bool('seal_wrap', false),
    });
    return 'kind' in result ? result : empty();
  }

  private readPolicy(name: string, legacy: boolean): Result {
    const lower = name.toLowerCase();
    const raw = this.policies.get(lower);
    if (raw === undefined) return empty();
    return ok(legacy ? { name: lower, rules: raw } : { name: lower, policy: raw });
  }

  private writePolicy(name: string, ctx: RequestContext): Result {
    const lower = name.toLowerCase();
    const warnings = lower === name ? [] : [`policy name was converted to ${lower}`];
    let raw = ctx.fields.str('policy') || ctx.fields.str('rules');
    if (raw === '') return badRequest("'policy' parameter not supplied or empty");
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length % 4 === 0)
      raw = Buffer.from(raw, 'base64').toString('utf8');
    try {
      parsePolicy(raw);
    } catch (err) {
      if (err instanceof PolicyParseError) return badRequest(`failed to parse policy: ${err.message}`);
      throw err;
    }
    if (lower === ROOT_POLICY) return badRequest('cannot update "root" policy');
    this.policies.set(lower, raw);
    return warnings.length > 0 ? ok(null, warnings) : empty();
  }

  private deletePolicy(name: string): Result {
    const lower = name.toLowerCase();
    if (lower === ROOT_POLICY || lower === 'default') return badRequest(`cannot delete "${lower}" policy`);
    this.policies.delete(lower);
    return empty();
  }
}
