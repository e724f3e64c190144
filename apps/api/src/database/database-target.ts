import { DATABASE_URL_SECRET, type SecretStore } from '@uyoop/secrets';
import type { Env } from '../config/env';

export type DatabaseTarget =
  | { kind: 'url'; url: string; source: 'environment' | 'secret-store' }
  | { kind: 'embedded'; dataDir: string };

/**
 * Where the database is: `DATABASE_URL` from the environment, else `database_url` from the secret
 * store (Vault KV v2 `secret/app/config`), else the embedded PGlite database under `DATA_DIR`.
 */
export async function resolveDatabaseTarget(env: Env, secrets: SecretStore): Promise<DatabaseTarget> {
  if (env.DATABASE_URL) return { kind: 'url', url: env.DATABASE_URL, source: 'environment' };
  const fromStore = await secrets.read(DATABASE_URL_SECRET.path, DATABASE_URL_SECRET.key);
  if (fromStore) {
    if (!/^postgres(ql)?:\/\/\S+$/.test(fromStore)) {
      throw new Error(
        `The secret store's ${DATABASE_URL_SECRET.path}#${DATABASE_URL_SECRET.key} is not a postgres:// URL`,
      );
    }
    return { kind: 'url', url: fromStore, source: 'secret-store' };
  }
  return { kind: 'embedded', dataDir: env.DATA_DIR };
}
