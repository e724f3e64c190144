import { randomBytes, randomUUID } from 'node:crypto';

// Formatting and parsing helpers that reproduce what Go (and so Vault) puts on the wire.

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;

/** Go's time.Duration.String() for a whole number of milliseconds ("1h0m0s", "29m30s", "500ms"). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.trunc(ms));
  if (rest < MS_PER_SECOND) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / MS_PER_HOUR);
  rest -= hours * MS_PER_HOUR;
  const minutes = Math.floor(rest / MS_PER_MINUTE);
  rest -= minutes * MS_PER_MINUTE;
  const whole = Math.floor(rest / MS_PER_SECOND);
  const frac = rest % MS_PER_SECOND;
  const seconds = frac === 0 ? `${whole}` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  let out = sign;
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${seconds}s`;
}

/** Vault's "human" duration used in TTL warnings: "1h0m0s" → "1h", "2m0s" → "2m". */
export function humanDuration(ms: number): string {
  let s = goDuration(ms);
  if (s.endsWith('m0s')) s = s.slice(0, -2);
  if (s.endsWith('h0m')) s = s.slice(0, -2);
  return s;
}

/** time.Time marshalled by Go (RFC 3339 with nanoseconds, trailing zeros trimmed), in UTC. */
export function rfc3339(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-10T12:00:00.120Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / MS_PER_SECOND);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: MS_PER_SECOND,
  m: MS_PER_MINUTE,
  h: MS_PER_HOUR,
  d: 24 * MS_PER_HOUR,
};

/**
 * Parses what Vault accepts for a duration field: a number of seconds, a numeric string, or a Go
 * duration string ("1h30m", "90s", "1.5h", "2d"). Returns milliseconds, or null when unparsable.
 */
export function parseDurationMs(input: unknown): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? Math.trunc(input) * MS_PER_SECOND : null;
  if (typeof input !== 'string') return null;
  const text = input.trim();
  if (text === '') return 0;
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10) * MS_PER_SECOND;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;
  let sign = 1;
  let pos = 0;
  if (text[0] === '-' || text[0] === '+') {
    sign = text[0] === '-' ? -1 : 1;
    pos = 1;
  }
  let total = 0;
  if (pos >= text.length) return null;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || m[1] === undefined || m[2] === undefined) return null;
    total += Number.parseFloat(m[1]) * (DURATION_UNITS[m[2]] ?? 0);
    pos = re.lastIndex;
  }
  return sign * Math.round(total);
}

/** strconv.ParseBool. Returns null when the text is not a boolean. */
export function parseGoBool(text: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return null;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export const newUuid = (): string => randomUUID();

/** A service token shaped like Vault's ("hvs.CAES…", 95 characters). */
export function newServiceToken(): string {
  return `hvs.CAESI${randomAlnum(86, `${ALNUM}_-`)}`;
}

/** A root token shaped like the ones `vault operator generate-root` prints. */
export function newRootToken(): string {
  return `hvs.${randomAlnum(24)}`;
}

export function newAccessor(): string {
  return randomAlnum(24);
}

export function newMountAccessor(type: string): string {
  return `${type}_${randomBytes(4).toString('hex')}`;
}
