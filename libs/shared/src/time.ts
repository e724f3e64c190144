/**
 * Strict RFC 3339 date-times with an explicit offset (VAL-01). `Date` would roll 2025-02-30 into
 * March, so the parsed value is checked by rebuilding the calendar date it claims.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

export function parseRfc3339(value: string): Date | null {
  if (value.length > 40) return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1970 || year > 2100 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
    return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** What a field must look like, for the 400 that refuses it. */
export const RFC3339_EXPECTED =
  'an RFC 3339 date-time with an offset between 1970 and 2100, e.g. 2026-03-02T09:00:00Z';
