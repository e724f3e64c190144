import { parseDurationMs, parseGoBool } from './go-format';

// Request fields the way Vault's framework sees them: a schema per path, weak type conversion
// (strings to ints/bools, comma strings to lists), and a list of the fields nobody asked for.

export type FieldType = 'string' | 'bool' | 'int' | 'duration' | 'map' | 'list' | 'any';
export type FieldSchema = Readonly<Record<string, FieldType>>;

export class FieldError extends Error {}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function fail(name: string, value: unknown, want: string): never {
  throw new FieldError(`error converting input ${show(value)} for field "${name}": cannot use it as ${want}`);
}

function convert(name: string, type: FieldType, input: unknown): unknown {
  // Query strings repeat a key as an array; scalar fields take the first value.
  const value = Array.isArray(input) && type !== 'list' && type !== 'any' ? input[0] : input;
  switch (type) {
    case 'any':
      return value;
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (value === null) return '';
      return fail(name, value, 'a string');
    case 'bool': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') {
        if (value === '') return false;
        const parsed = parseGoBool(value);
        if (parsed === null) return fail(name, value, 'a bool');
        return parsed;
      }
      return fail(name, value, 'a bool');
    }
    case 'int': {
      if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') {
        if (value === '') return 0;
        if (/^[+-]?\d+$/.test(value.trim())) return Number.parseInt(value, 10);
      }
      return fail(name, value, 'an int');
    }
    case 'duration': {
      const ms = parseDurationMs(value);
      if (ms === null) return fail(name, value, 'a duration');
      return Math.trunc(ms / 1000);
    }
    case 'map':
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
      return fail(name, value, 'a map');
    case 'list':
      if (typeof value === 'string') {
        return value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
      }
      if (Array.isArray(value)) {
        return value.map((v) => (typeof v === 'string' ? v.trim() : String(v))).filter((s) => s !== '');
      }
      if (value === null) return [];
      return fail(name, value, 'a list');
  }
}

/** Converted request fields with typed accessors. A schema key `*` accepts any other field. */
export class FieldValues {
  private constructor(
    private readonly values: ReadonlyMap<string, unknown>,
    readonly unknown: readonly string[],
  ) {}

  /** Converts raw request data against a schema; throws FieldError on a type mismatch. */
  static parse(schema: FieldSchema, raw: Readonly<Record<string, unknown>>): FieldValues {
    const values = new Map<string, unknown>();
    const unknown: string[] = [];
    for (const [name, value] of Object.entries(raw)) {
      const type = schema[name] ?? schema['*'];
      if (type === undefined) unknown.push(name);
      else values.set(name, convert(name, type, value));
    }
    return new FieldValues(values, unknown.sort());
  }

  /** Every converted field (for paths that take arbitrary input, schema key `*`). */
  all(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  raw(name: string): unknown {
    return this.values.get(name);
  }

  str(name: string, fallback = ''): string {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.values.get(name);
    return typeof v === 'boolean' ? v : fallback;
  }

  /** Ints and durations (durations are held in whole seconds). */
  int(name: string, fallback: number): number {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : fallback;
  }

  map(name: string): Record<string, unknown> | undefined {
    const v = this.values.get(name);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  }

  list(name: string): string[] | undefined {
    const v = this.values.get(name);
    return Array.isArray(v) ? (v as string[]) : undefined;
  }
}

export function unknownFieldsWarning(names: readonly string[]): string {
  return `Endpoint ignored these unrecognized parameters: [${names.join(' ')}]`;
}
