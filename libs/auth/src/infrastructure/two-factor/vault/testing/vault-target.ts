/** The contract tests' Vault target and client, from the secrets context's public index. */
export { VaultClient, VaultUnavailable } from '@uyoop/secrets';
export {
  provisionApp,
  revokeSelf,
  startVaultTarget,
  type AppCredentials,
  type AppRoleCredentials,
  type VaultTarget,
} from '@uyoop/secrets/testing';
