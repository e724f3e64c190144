export {
  startVaultTarget,
  provisionApp,
  newSecretId,
  revokeSelf,
} from '../infrastructure/vault/testing/vault-target';
export type { VaultTarget, AppRoleCredentials } from '../infrastructure/vault/testing/vault-target';
