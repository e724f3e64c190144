import { DomainError } from '@uyoop/shared';

export class InvalidUsername extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'AUTH.INVALID_USERNAME';
  constructor() {
    super(
      'username must be 3 to 64 characters: letters, digits, dot, dash or underscore, starting with a letter or digit',
    );
  }
}

export class WeakPassword extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'AUTH.WEAK_PASSWORD';
  constructor(reason: string) {
    super(`password is too weak: ${reason}`);
  }
}

export class UsernameTaken extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'AUTH.USERNAME_TAKEN';
  constructor() {
    super('username is already taken');
  }
}

export class AdminAlreadyExists extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'AUTH.ADMIN_EXISTS';
  constructor() {
    super('an ADMIN user already exists');
  }
}

/** The one answer for every failed password login (AUTH-03): same status, same body. */
export class InvalidCredentials extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'AUTH.INVALID_CREDENTIALS';
  constructor() {
    super('Incorrect username or password');
  }
}

export class InvalidSecondFactor extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'AUTH.INVALID_2FA_CODE';
  constructor() {
    super('Invalid 2FA code');
  }
}

export class InvalidRefreshToken extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'AUTH.INVALID_REFRESH_TOKEN';
  constructor() {
    super('Invalid or expired refresh token');
  }
}

export class InvalidMfaToken extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'AUTH.INVALID_MFA_TOKEN';
  constructor() {
    super('Invalid or expired mfa_token');
  }
}

export class NotAllowed extends DomainError {
  readonly kind = 'forbidden';
  readonly code: string;
  constructor(message: string, code = 'AUTH.FORBIDDEN') {
    super(message);
    this.code = code;
  }
}

export class UserNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'AUTH.USER_NOT_FOUND';
  constructor() {
    super('User not found');
  }
}

export class WrongCurrentPassword extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'AUTH.WRONG_CURRENT_PASSWORD';
  constructor() {
    super('current_password is not correct');
  }
}

export class LastAdmin extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'AUTH.LAST_ADMIN';
  constructor() {
    super('The last active ADMIN cannot be demoted or deactivated');
  }
}
