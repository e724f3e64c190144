// A reader for the HCL subset Vault policies use:
//   # comment
//   path "secret/data/app/*" { capabilities = ["read", "list"] }
// Blocks with string labels, attributes with strings, numbers, bools, lists and nested objects.

export type HclValue = string | number | boolean | HclValue[] | HclBody;
export interface HclItem {
  keys: string[];
  value: HclValue;
  line: number;
}
export interface HclBody {
  kind: 'body';
  items: HclItem[];
}

export class HclError extends Error {}

type Token =
  | { type: 'string' | 'ident'; text: string; line: number }
  | { type: 'number'; value: number; line: number }
  | { type: 'punct'; text: string; line: number }
  | { type: 'eof'; line: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new HclError(`At ${line}: comment not terminated`);
      line += (src.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        const ch = src[i];
        if (ch === undefined || ch === '\n') throw new HclError(`At ${line}: literal not terminated`);
        i++;
        if (ch === '"') break;
        if (ch === '\\') {
          const esc = src[i++];
          text += esc === 'n' ? '\n' : esc === 't' ? '\t' : (esc ?? '');
        } else text += ch;
      }
      tokens.push({ type: 'string', text, line });
    } else if ('{}[]=,:'.includes(c)) {
      tokens.push({ type: 'punct', text: c, line });
      i++;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new HclError(`At ${line}: illegal char "${c}"`);
      tokens.push({ type: 'number', value: Number(m[0]), line });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'ident', text: m[0], line });
      i += m[0].length;
    } else {
      throw new HclError(`At ${line}: illegal char "${c}"`);
    }
  }
  tokens.push({ type: 'eof', line });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.type === 'punct' && t.text === text;
  }

  private unexpected(t: Token): never {
    const what = t.type === 'eof' ? 'EOF' : t.type === 'number' ? String(t.value) : `"${t.text}"`;
    throw new HclError(`At ${t.line}: unexpected token ${what}`);
  }

  body(closing: '}' | 'eof'): HclBody {
    const items: HclItem[] = [];
    for (;;) {
      const t = this.peek();
      if (closing === 'eof' ? t.type === 'eof' : this.isPunct('}')) break;
      if (t.type === 'eof') this.unexpected(t);
      const keys: string[] = [];
      let k = this.peek();
      while (k.type === 'ident' || k.type === 'string') {
        keys.push(k.text);
        this.next();
        k = this.peek();
      }
      if (keys.length === 0) this.unexpected(k);
      if (this.isPunct('=') || this.isPunct(':')) {
        this.next();
        if (keys.length !== 1) throw new HclError(`At ${t.line}: nested object expected: LBRACE got: ASSIGN`);
        items.push({ keys, value: this.value(), line: t.line });
      } else if (this.isPunct('{')) {
        this.next();
        items.push({ keys, value: this.body('}'), line: t.line });
        this.next(); // '}'
      } else {
        this.unexpected(this.peek());
      }
      if (this.isPunct(',')) this.next();
    }
    return { kind: 'body', items };
  }

  private value(): HclValue {
    const t = this.next();
    if (t.type === 'string') return t.text;
    if (t.type === 'number') return t.value;
    if (t.type === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.type === 'punct' && t.text === '[') {
      const list: HclValue[] = [];
      while (!this.isPunct(']')) {
        if (this.peek().type === 'eof') this.unexpected(this.peek());
        list.push(this.value());
        if (this.isPunct(',')) this.next();
        else if (!this.isPunct(']')) this.unexpected(this.peek());
      }
      this.next();
      return list;
    }
    if (t.type === 'punct' && t.text === '{') {
      const body = this.body('}');
      this.next();
      return body;
    }
    return this.unexpected(t);
  }
}

/** Converts a parsed JSON document into the same item shape (Vault accepts JSON policies too). */
function fromJson(value: unknown, line: number): HclValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => fromJson(v, line));
  if (value !== null && typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) => ({
      keys: [k],
      value: fromJson(v, line),
      line,
    }));
    return { kind: 'body', items };
  }
  throw new HclError('unsupported JSON value');
}

export function parseHcl(src: string): HclBody {
  if (src.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(src);
    } catch (err) {
      throw new HclError((err as Error).message);
    }
    const body = fromJson(doc, 1);
    if (typeof body !== 'object' || Array.isArray(body)) throw new HclError('expected a JSON object');
    return body;
  }
  return new Parser(tokenize(src)).body('eof');
}
