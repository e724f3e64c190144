import { SecretStore } from '../../application/ports/secret-store.port';

/**
 * The secret store without Vault: secrets are what the operator passed in the environment, which
 * the configuration layer already reads, so this store holds only what it is constructed with.
 */
export class LocalSecretStore extends SecretStore {
  readonly kind = 'local';

  constructor(private readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>> = {}) {
    super();
  }

  async read(path: string, key: string): Promise<string | undefined> {
    return this.secrets[path]?.[key];
  }
}
