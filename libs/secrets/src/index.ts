export { SecretStore } from './application/ports/secret-store.port';
export { LocalSecretStore } from './infrastructure/local/local-secret-store.adapter';
export { SecretsModule } from './infrastructure/secrets.module';

/** Where the database URL lives in the secret store (Vault KV v2 `secret/app/config`). */
export const DATABASE_URL_SECRET = { path: 'app/config', key: 'database_url' } as const;
export { VaultClient, VaultError, VaultUnavailable } from './infrastructure/vault/vault-client';
export type { VaultClientOptions, VaultHealth } from './infrastructure/vault/vault-client';
export { VaultSecretStore } from './infrastructure/vault/vault-secret-store.adapter';
export {
  vaultClientOptionsFrom,
  vaultConfigured,
  vaultEnrolClientOptionsFrom,
} from './infrastructure/vault/vault-settings';
export type { VaultSettings } from './infrastructure/vault/vault-settings';
