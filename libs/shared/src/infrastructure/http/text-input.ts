import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The one rule for text that comes in (VAL-07): every string of every body, query and path parameter
 * is well-formed Unicode (no lone surrogate: refused, never turned into U+FFFD) and holds no control
 * character — C0, DEL or C1 — except line feeds and tabs in the fields marked `@MultilineText()` (VAL-07).
 */
const MULTILINE = Symbol('uyoop:multiline');

/** Per body field: true (the field's own text) or the keys of a nested object that may break lines. */
type MultilineFields = Map<string | symbol, true | ReadonlySet<string>>;

/**
 * This body field may hold line breaks and tabs (comments, reasons, descriptions: VAL-07); with
 * `nested`, it is an object and only those of its keys may (`extra.notes`).
 */
export function MultilineText(nested?: readonly string[]): PropertyDecorator {
  return (target, property) => {
    const fields: MultilineFields = new Map(
      (Reflect.getMetadata(MULTILINE, target) as MultilineFields | undefined) ?? [],
    );
    fields.set(property, nested ? new Set(nested) : true);
    Reflect.defineMetadata(MULTILINE, fields, target);
  };
}

/** For mapped DTO types (`PartialType(A)` copies validation metadata, not ours): B's fields break lines like A's. */
export function inheritMultilineText(from: abstract new () => object, to: abstract new () => object): void {
  const fields = Reflect.getMetadata(MULTILINE, from.prototype as object) as MultilineFields | undefined;
  if (fields) Reflect.defineMetadata(MULTILINE, new Map(fields), to.prototype as object);
}

function multilineOf(type: unknown, property: string): true | ReadonlySet<string> | undefined {
  if (typeof type !== 'function') return undefined;
  return (Reflect.getMetadata(MULTILINE, type.prototype as object) as MultilineFields | undefined)?.get(
    property,
  );
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- the same, with TAB and LF allowed
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with one string, as a sentence starting with its field name; null when nothing. */
export function textProblem(path: string, value: string, multiline: boolean): string | null {
  if (LONE_SURROGATE.test(value))
    return `${path} must be well-formed Unicode text (it holds a lone surrogate)`;
  if ((multiline ? CONTROL_BUT_LINES : CONTROL).test(value))
    return multiline
      ? `${path} must not contain control characters other than line feeds and tabs`
      : `${path} must not contain control characters`;
  return null;
}

/**
 * Every problem of a parsed JSON value or query object, with the path of each field (`extra.link`,
 * `codes[2]`). Keys are checked like values. Fields of `type` marked `@MultilineText` may break lines.
 */
export function textProblems(value: unknown, type?: unknown): string[] {
  const problems: string[] = [];
  const visit = (
    node: unknown,
    path: string,
    multiline: true | ReadonlySet<string> | undefined,
    depth: number,
  ): void => {
    if (typeof node === 'string') {
      const problem = textProblem(path || 'value', node, multiline === true);
      if (problem) problems.push(problem);
      return;
    }
    if (typeof node !== 'object' || node === null || depth > 32) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`, undefined, depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const field = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(`${field} (its name)`, key, false);
      if (keyProblem) problems.push(keyProblem);
      const own =
        depth === 0
          ? multilineOf(type, key)
          : multiline instanceof Set && multiline.has(key)
            ? true
            : undefined;
      visit(item, field, own, depth + 1);
    }
  };
  visit(value, '', undefined, 0);
  return problems;
}

// Bidirectional overrides and isolates, marks, zero-width characters, the BOM, soft hyphen, the
// Mongolian vowel separator and the like: invisible, and used to make one name look like another.
const INVISIBLE =
  /[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]/;

/** For usernames and e-mail addresses: no invisible or direction-changing characters (VAL-07). */
export function NoInvisibleCharacters(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noInvisibleCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !INVISIBLE.test(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must not contain invisible or direction-changing characters`,
      },
    },
    options,
  );
}
