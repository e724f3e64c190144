import type { SecretStore } from '@uyoop/secrets';
import { type GitCredential, GitCredentials } from '../../application/git/ports/git-executor.port';

/**
 * Repository credentials from the secret store — Vault KV v2 `secret/<prefix>/<host>`, keys `token`
 * and `username` (default `x-access-token`) — asked for at each run (the Vault adapter may answer from
 * its one-minute read cache) and never written outside the run's workspace (GIT-09).
 * Without Vault the local store holds none: runs are anonymous.
 */
export class SecretStoreGitCredentials extends GitCredentials {
  constructor(
    private readonly store: SecretStore,
    private readonly prefix: string,
  ) {
    super();
  }

  async forRepository(repoUrl: string): Promise<GitCredential | null> {
    const path = `${this.prefix}/${new URL(repoUrl).hostname.toLowerCase()}`;
    const token = await this.store.read(path, 'token');
    if (!token) return null;
    return { username: (await this.store.read(path, 'username')) ?? 'x-access-token', token };
  }
}
