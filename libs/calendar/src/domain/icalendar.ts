import type { CalendarEvent } from './calendar-event';

/**
 * RFC 5545 text for a list of events: CRLF line ends, lines folded at 75 octets, times in UTC.
 *
 * Every value reaches the output through one of two encoders, so that no stored value, however it
 * got into the database, can end a content line and start another (an ATTENDEE, a whole VEVENT…):
 * `text()` for TEXT values (§3.3.11) and `uri()` for the URL property (§3.3.13). Neither lets a
 * control character through; the folding of §3.1 then only ever adds CRLF followed by one space.
 */
export function toICalendar(events: readonly CalendarEvent[], now: Date): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//uyoop-cal//calendar feed//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:uyoop-cal',
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${text(e.id)}@uyoop-cal`,
      `DTSTAMP:${utc(now)}`,
      `DTSTART:${utc(e.start)}`,
      `DTEND:${utc(e.end)}`,
      `SUMMARY:${text(e.title)}`,
      `CATEGORIES:${text(e.type)}`,
      `LAST-MODIFIED:${utc(e.updatedAt)}`,
      `STATUS:${STATUS[e.status ?? 'none']}`,
    );
    const description = describe(e);
    if (description) lines.push(`DESCRIPTION:${text(description)}`);
    const url = e.type === 'meeting' ? uri(e.extra.link) : null;
    if (url) lines.push(`URL:${url}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** §3.8.1.11: a window waiting for approval is tentative; a rejected one will not take place. */
const STATUS: Record<NonNullable<CalendarEvent['status']> | 'none', string> = {
  none: 'CONFIRMED',
  approved: 'CONFIRMED',
  pending: 'TENTATIVE',
  rejected: 'CANCELLED',
};

function describe(e: CalendarEvent): string {
  const x = e.extra;
  if (e.type === 'meeting')
    return [
      x.subtype ? `Meeting (${String(x.subtype)})` : 'Meeting',
      typeof x.notes === 'string' ? x.notes : '',
    ]
      .filter(Boolean)
      .join('\n');
  if (e.type === 'deployment_window') {
    const services = Array.isArray(x.services) && x.services.length ? ` — ${x.services.join(', ')}` : '';
    return `Deployment window on ${String(x.environment)}${services}${e.status ? ` (${e.status})` : ''}`;
  }
  return `git ${String(x.action)} ${String(x.branch)} of ${String(x.repo_url)}`;
}

function utc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OTHER_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A TEXT value (§3.3.11): backslash, semicolon and comma escaped; a line break (CRLF, LF or a lone
 * CR) becomes the two characters `\n`; a tab becomes a space; every other control character (C0,
 * DEL, C1) is dropped, and a lone surrogate becomes U+FFFD, so the output is always valid UTF-8.
 */
function text(value: string): string {
  return value
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(OTHER_CONTROLS, '')
    .replace(/\t/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_SPACE = /[\u0000-\u001f\u007f-\u009f\s]/;
const PRINTABLE_ASCII = /^[\u0021-\u007e]+$/;

/**
 * A URI value (§3.3.13) is written as it is, so it must be one that cannot break a line: an https
 * URL in the normalised form of the WHATWG URL parser (what validateExtra stores), printable ASCII
 * only. A stored value with a control character or whitespace is left out, not repaired.
 */
function uri(value: unknown): string | null {
  if (typeof value !== 'string' || CONTROL_OR_SPACE.test(value)) return null;
  let href: string;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' || url.username || url.password) return null;
    href = url.href;
  } catch {
    return null;
  }
  return PRINTABLE_ASCII.test(href) ? href : null;
}

/**
 * §3.1: a content line longer than 75 octets is split into lines of at most 75 octets (CRLF line
 * ends), each continuation starting with one space, never inside a UTF-8 character.
 */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // continuation lines start with one space
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
