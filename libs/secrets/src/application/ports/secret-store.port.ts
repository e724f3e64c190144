/**
 * Where the application reads its secrets: Vault KV v2 in production, the local adapter in the
 * embedded mode and in deployments without Vault.
 */
export abstract class SecretStore {
  /** Reads one key of the secret at `path` (e.g. `app/config`, `database_url`); undefined when absent. */
  abstract read(path: string, key: string): Promise<string | undefined>;
  /** A short name for logs and health: `local`, `vault`. */
  abstract readonly kind: string;
}
