export {
  startVaultTarget,
  provisionApp,
  newSecretId,
  revokeSelf,
} from '../infrastructure/vault/testing/vault-target';
export type {
  VaultTarget,
  AppRoleCredentials,
  AppCredentials,
} from '../infrastructure/vault/testing/vault-target';
