import { type DynamicModule, Global, Module } from '@nestjs/common';
import { SecretStore } from '../application/ports/secret-store.port';
import { LocalSecretStore } from './local/local-secret-store.adapter';
import { VaultClient } from './vault/vault-client';
import { VaultSecretStore } from './vault/vault-secret-store.adapter';

/**
 * Binds the secret store: Vault KV v2 when a Vault client is given, the local adapter otherwise.
 * Global because it is bound once, at the root, around the process's one Vault client, and the
 * database runtime resolves `DATABASE_URL` through it before any context module is built; the
 * calendar reads git credentials through the `SecretStore` port.
 */
@Global()
@Module({})
export class SecretsModule {
  static forRoot(vault: VaultClient | undefined): DynamicModule {
    const providers = [
      { provide: SecretStore, useValue: vault ? new VaultSecretStore(vault) : new LocalSecretStore() },
      ...(vault ? [{ provide: VaultClient, useValue: vault }] : []),
    ];
    return { module: SecretsModule, providers, exports: providers.map((p) => p.provide) };
  }
}
