/**
 * The kinds of failure the domain can report. The HTTP edge maps each kind to a status;
 * nothing below the edge knows about HTTP.
 */
export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  /** Well-formed, but contradicts what the same request said before (a reused idempotency key). */
  | 'unprocessable'
  | 'forbidden'
  | 'unauthenticated'
  | 'unavailable'
  | 'too_many_requests';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable, machine-readable code, e.g. `AUTH.WEAK_PASSWORD`. */
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
