import { InvalidEvent } from './calendar.errors';

/** Widest range of a listing (VAL-03). */
export const MAX_RANGE_MS = 366 * 24 * 3_600_000;

/** A listing's [from, to): not empty, at most 366 days (VAL-03). */
export function assertRange(from: Date, to: Date): void {
  if (to <= from) throw new InvalidEvent('to must be after from');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new InvalidEvent('from and to may be at most 366 days apart');
}
