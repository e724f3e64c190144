export { SecretStore } from './application/ports/secret-store.port';
export { LocalSecretStore } from './infrastructure/local/local-secret-store.adapter';
export { SecretsModule } from './infrastructure/secrets.module';

/** Where the database URL lives in the secret store (Vault KV v2 `secret/app/config`). */
export const DATABASE_URL_SECRET = { path: 'app/config', key: 'database_url' } as const;
