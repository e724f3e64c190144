import { SecretStore } from '../../application/ports/secret-store.port';
import type { VaultClient } from './vault-client';

export interface VaultSecretStoreOptions {
  /** KV v2 mount, default `secret`. */
  mount?: string;
  /** How long a read secret (or its absence) is kept, default 60 s. */
  cacheTtlMs?: number;
  now?: () => number;
}

interface Cached {
  at: number;
  data: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Secrets from Vault KV v2 (`<mount>/data/<path>`), read through hashi-vault-js and cached briefly, so
 * a burst of reads costs one Vault call and a rotated value is seen within the cache TTL. A secret that
 * was never written, or is deleted, reads as undefined; an unreachable Vault rejects with VaultUnavailable.
 */
export class VaultSecretStore extends SecretStore {
  readonly kind = 'vault';
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Cached['data']>>();
  private readonly mount: string;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: VaultClient,
    options: VaultSecretStoreOptions = {},
  ) {
    super();
    this.mount = options.mount ?? 'secret';
    this.ttlMs = options.cacheTtlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async read(path: string, key: string): Promise<string | undefined> {
    const data = await this.secret(path);
    const value = data?.[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** Forgets cached secrets (all, or one path). */
  invalidate(path?: string): void {
    if (path === undefined) this.cache.clear();
    else this.cache.delete(path);
  }

  private async secret(path: string): Promise<Cached['data']> {
    const hit = this.cache.get(path);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.data;
    let pending = this.inflight.get(path);
    if (!pending) {
      pending = this.client.readKv(path, this.mount).finally(() => this.inflight.delete(path));
      this.inflight.set(path, pending);
    }
    const data = await pending;
    this.cache.set(path, { at: this.now(), data });
    return data;
  }
}
