import { Global, Module } from '@nestjs/common';
import { SecretStore } from '../application/ports/secret-store.port';
import { LocalSecretStore } from './local/local-secret-store.adapter';

/** Binds the secret store. The Vault adapter is chosen here when Vault is configured. */
@Global()
@Module({
  providers: [{ provide: SecretStore, useFactory: () => new LocalSecretStore() }],
  exports: [SecretStore],
})
export class SecretsModule {}
