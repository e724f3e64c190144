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

/** The event changed between reading and writing it: the caller reloads and decides again. */
export class EventChangedMeanwhile extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'CALENDAR.EVENT_CHANGED';
  constructor() {
    super('This event was changed by someone else meanwhile: reload it and try again');
  }
}

export class EventForbidden extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'CALENDAR.FORBIDDEN';
}

/** A feed token that is malformed, unknown, revoked, or whose owner is no longer active: a 401. */
export class InvalidFeedToken extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'CALENDAR.INVALID_FEED_TOKEN';
  constructor() {
    super('Invalid or revoked feed token');
  }
}
