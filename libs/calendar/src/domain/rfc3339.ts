import { parseRfc3339, RFC3339_EXPECTED } from '@uyoop/shared';
import { InvalidEvent } from './calendar.errors';

/** A required date-time field of an event or freeze, or the 400 that says what is expected (VAL-01). */
export function requireRfc3339(field: string, value: string): Date {
  const parsed = parseRfc3339(value);
  if (!parsed) throw new InvalidEvent(`${field} must be ${RFC3339_EXPECTED}`);
  return parsed;
}
