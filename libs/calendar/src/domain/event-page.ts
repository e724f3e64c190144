import { createHash } from 'node:crypto';
import { InvalidEvent } from './calendar.errors';
import type { EventType } from './event-rules';

/** Largest page of GET /events (VAL-03); also the default. */
export const MAX_PAGE_SIZE = 100;

/** The query a page belongs to: events overlapping [from, to), optionally of one type. */
export interface EventRange {
  from: Date;
  to: Date;
  type?: EventType;
}

/**
 * Where a page ended: the (start, id) of its last event, the order of the listing. The start is kept
 * in whole microseconds since the epoch (PostgreSQL's precision), so that an event stored with more
 * precision than a JavaScript Date holds is neither repeated nor skipped.
 */
export interface PagePosition {
  startMicros: number;
  id: string;
}

export function assertPageSize(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new InvalidEvent(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
}

const VERSION = '1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROS = /^\d{1,16}$/;
const INVALID =
  'cursor is not valid for this query: use the Link header of the previous page, or leave it out';

/** A checksum of the position and the query it was made for; not a secret, see encodeCursor. */
function check(range: EventRange, startMicros: string, id: string): string {
  return createHash('sha256')
    .update(
      `uyoop-cal events cursor v${VERSION}\n${range.from.getTime()}\n${range.to.getTime()}\n${range.type ?? ''}\n${startMicros}\n${id}`,
    )
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The opaque `cursor` of GET /events. It is no capability: it only says where the previous page
 * ended, and every filter (range, type, visibility) is applied again to the next page, so a forged
 * cursor shows nothing its holder could not list anyway. It carries a checksum over itself and its
 * query, so a garbled cursor, or one taken from another query, is refused rather than misread.
 */
export function encodeCursor(range: EventRange, position: PagePosition): string {
  const micros = String(position.startMicros);
  return Buffer.from(
    `${VERSION}.${micros}.${position.id}.${check(range, micros, position.id)}`,
    'utf8',
  ).toString('base64url');
}

/** The position a cursor names, or a 400 when it is malformed or belongs to another query. */
export function decodeCursor(range: EventRange, cursor: string): PagePosition {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidEvent(INVALID);
  const bytes = Buffer.from(cursor, 'base64url');
  // Only the canonical spelling: base64url has several for the same bytes.
  if (bytes.toString('base64url') !== cursor) throw new InvalidEvent(INVALID);
  const [version, micros, id, sum, ...rest] = bytes.toString('utf8').split('.');
  if (
    rest.length > 0 ||
    version !== VERSION ||
    micros === undefined ||
    !MICROS.test(micros) ||
    id === undefined ||
    !UUID.test(id) ||
    sum !== check(range, micros, id)
  )
    throw new InvalidEvent(INVALID);
  const startMicros = Number(micros);
  if (!Number.isSafeInteger(startMicros)) throw new InvalidEvent(INVALID);
  return { startMicros, id };
}
