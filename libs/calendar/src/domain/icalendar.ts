import type { CalendarEvent } from './calendar-event';

/**
 * RFC 5545 text for a list of events: CRLF line ends, lines folded at 75 octets, TEXT values
 * escaped (backslash, semicolon, comma, newline), times in UTC.
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
      `UID:${e.id}@uyoop-cal`,
      `DTSTAMP:${utc(now)}`,
      `DTSTART:${utc(e.start)}`,
      `DTEND:${utc(e.end)}`,
      `SUMMARY:${text(e.title)}`,
      `CATEGORIES:${text(e.type)}`,
      `LAST-MODIFIED:${utc(e.updatedAt)}`,
      `STATUS:${e.status === 'pending' ? 'TENTATIVE' : 'CONFIRMED'}`,
    );
    const description = describe(e);
    if (description) lines.push(`DESCRIPTION:${text(description)}`);
    if (e.type === 'meeting' && typeof e.extra.link === 'string') lines.push(`URL:${e.extra.link}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

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

function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line into 75-octet pieces, never splitting a UTF-8 character. */
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
