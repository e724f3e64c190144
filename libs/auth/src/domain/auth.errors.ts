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
