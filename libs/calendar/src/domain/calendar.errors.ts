import { DomainError } from '@uyoop/shared';

export class InvalidEvent extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'CALENDAR.INVALID_EVENT';
}

export class EventNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'CALENDAR.EVENT_NOT_FOUND';
  constructor() {
    super('Event not found');
  }
}

export class EventForbidden extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'CALENDAR.FORBIDDEN';
}
