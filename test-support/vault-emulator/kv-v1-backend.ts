import { toJson, type JsonMap } from './json-wire';
import {
  SYSTEM_MAX_TTL_MS,
  empty,
  listResult,
  route,
  type Backend,
  type Operation,
  type RouteLookup,
} from './types';

/** KV version 1 (`type: kv` without a version): plain key → JSON object storage. */
export class KvV1Backend implements Backend {
  private readonly entries = new Map<string, JsonMap>();

  match(rel: string, _op: Operation): RouteLookup {
    return route(
      { '*': 'any' },
      {
        read: () => {
          const data = this.entries.get(rel);
          if (!data) return empty();
          return { kind: 'data', data, leaseDuration: SYSTEM_MAX_TTL_MS / 1000 };
        },
        update: (ctx) => {
          this.entries.set(rel, toJson(ctx.fields.all()) as JsonMap);
          return empty();
        },
        delete: () => {
          this.entries.delete(rel);
          return empty();
        },
        list: () => {
          const keys: string[] = [];
          for (const key of this.entries.keys()) {
            if (!key.startsWith(rel)) continue;
            const rest = key.slice(rel.length);
            const slash = rest.indexOf('/');
            keys.push(slash === -1 ? rest : rest.slice(0, slash + 1));
          }
          return listResult(keys);
        },
      },
      { exists: () => this.entries.has(rel) },
    );
  }
}
