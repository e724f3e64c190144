import { DomainError } from '@uyoop/shared';

export class InvalidAuditQuery extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'ACTIVITY.INVALID_QUERY';
}

export class NoticeNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'ACTIVITY.NOTICE_NOT_FOUND';
  constructor() {
    super('Notification not found');
  }
}
