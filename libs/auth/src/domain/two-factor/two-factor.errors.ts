import { DomainError } from '@uyoop/shared';

export class InvalidTwoFactorCode extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'TWO_FACTOR.INVALID_CODE';
  constructor() {
    super('Invalid 2FA code');
  }
}

export class TwoFactorAlreadyEnabled extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'TWO_FACTOR.ALREADY_ENABLED';
  constructor() {
    super('Two-factor authentication is already enabled; disable it first');
  }
}

export class NoPendingSetup extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'TWO_FACTOR.NO_PENDING_SETUP';
  constructor() {
    super('No pending two-factor setup: call POST /2fa/setup first');
  }
}

export class TwoFactorNotEnabled extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'TWO_FACTOR.NOT_ENABLED';
  constructor() {
    super('Two-factor authentication is not enabled');
  }
}

export class TwoFactorForbidden extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'TWO_FACTOR.FORBIDDEN';
}

/** The TOTP engine (Vault) cannot answer: fail closed, never a bypass (TOTP-07). */
export class TwoFactorUnavailable extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'TWO_FACTOR.UNAVAILABLE';
  constructor() {
    super('Two-factor verification is temporarily unavailable, try again shortly');
  }
}

export class NothingToReset extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'TWO_FACTOR.NOTHING_TO_RESET';
  constructor() {
    super('This user has no two-factor authentication to reset');
  }
}
