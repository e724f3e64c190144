// JSON as Vault's Go code writes it: structs keep their field order, maps come out with sorted
// keys, and encoding/json escapes <, > and & (HTML-safe) by default.

export type Json = null | boolean | number | string | Json[] | JsonMap | Ordered;
/** A Go map: its keys are written sorted. Undefined members are skipped. */
export interface JsonMap {
  [key: string]: Json | undefined;
}

/** A Go struct: its fields are written in the given order. */
export class Ordered {
  constructor(readonly entries: ReadonlyArray<readonly [string, Json]>) {}
}

export function ordered(...entries: Array<readonly [string, Json]>): Ordered {
  return new Ordered(entries);
}

function encodeString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const s = String(n);
  // Go writes two-digit exponents ("1e-07"), JavaScript one ("1e-7").
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Encodes like Go's json.Marshal (no trailing newline). */
export function encodeGo(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return encodeNumber(value);
  if (typeof value === 'string') return encodeString(value);
  if (Array.isArray(value)) return `[${value.map(encodeGo).join(',')}]`;
  if (value instanceof Ordered) {
    return `{${value.entries.map(([k, v]) => `${encodeString(k)}:${encodeGo(v)}`).join(',')}}`;
  }
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${encodeString(k)}:${encodeGo(value[k] as Json)}`).join(',')}}`;
}

/** Converts a value parsed from a request body into Json (drops what JSON cannot hold). */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: JsonMap = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJson(v);
    return out;
  }
  return null;
}

export interface EnvelopeParts {
  requestId: string;
  leaseDuration?: number;
  renewable?: boolean;
  data: JsonMap | null;
  warnings: string[] | null;
  auth: Ordered | null;
  mountType: string;
}

/** The logical response envelope (`logical.HTTPResponse` field order plus `mount_type`). */
export function envelope(p: EnvelopeParts): Ordered {
  return ordered(
    ['request_id', p.requestId],
    ['lease_id', ''],
    ['renewable', p.renewable ?? false],
    ['lease_duration', p.leaseDuration ?? 0],
    ['data', p.data],
    ['wrap_info', null],
    ['warnings', p.warnings && p.warnings.length > 0 ? p.warnings : null],
    ['auth', p.auth],
    ['mount_type', p.mountType],
  );
}

/** The sys/ "inject data into top level" form: data members first, then the envelope. */
export function withDataAtTopLevel(env: Ordered, data: JsonMap): Ordered {
  const dataEntries = Object.keys(data)
    .filter((k) => data[k] !== undefined)
    .sort()
    .map((k) => [k, data[k] as Json] as const);
  return new Ordered([...dataEntries, ...env.entries]);
}

/** `{"errors":[…]}` followed by the newline json.Encoder writes. */
export function errorBody(errors: string[]): string {
  return `${encodeGo(ordered(['errors', errors]))}\n`;
}

/** The multierror text Vault's core wraps single errors in. */
export function multiError(...messages: string[]): string {
  const head = messages.length === 1 ? '1 error occurred:' : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}
