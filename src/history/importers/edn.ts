/**
 * A small reader for the subset of EDN (https://github.com/edn-format/edn) that Jepsen,
 * Knossos and Porcupine histories use: maps, vectors, lists, sets, keywords, strings, integers,
 * floats, nil, booleans, symbols and characters-free text. Commas are whitespace; `;` starts a
 * comment; `#{}` is a set (read as an array); other tagged literals (`#inst "…"`) read as their value.
 */

/** An EDN keyword, e.g. `:invoke`, kept distinct from strings. */
export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

/** An EDN symbol, e.g. `foo`. */
export class EdnSymbol {
  constructor(readonly name: string) {}
}

/** An EDN value as read. Maps become `Map`s so that keyword keys keep their identity by name. */
export type EdnValue = null | boolean | number | string | Keyword | EdnSymbol | EdnValue[] | EdnMap;

/** An EDN map; keys that are keywords are stored as `:name`, strings as themselves. */
export type EdnMap = Map<string, EdnValue>;

/** A syntax error at a 0-based character offset of the input. */
export class EdnSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Reads every top-level value of `text`. @throws EdnSyntaxError */
export function readEdnAll(text: string): EdnValue[] {
  return readEdnAllLocated(text).values;
}

/**
 * Every top-level value of `text`, with the character offset where each starts (`offsets`) and,
 * for every vector, list or set read, the offsets of its items (`itemOffsets`), so that an
 * importer can name the line and column of each event.
 * @throws EdnSyntaxError
 */
export function readEdnAllLocated(text: string): {values: EdnValue[]; offsets: number[]; itemOffsets: WeakMap<EdnValue[], number[]>} {
  const reader = new Reader(text);
  const values: EdnValue[] = [];
  const offsets: number[] = [];
  for (;;) {
    reader.skipSpace();
    if (reader.atEnd()) return {values, offsets, itemOffsets: reader.itemOffsets};
    offsets.push(reader.offset);
    values.push(reader.value());
  }
}

/** Reads exactly one value from `text`. @throws EdnSyntaxError */
export function readEdn(text: string): EdnValue {
  const values = readEdnAll(text);
  if (values.length !== 1) throw new EdnSyntaxError(`expected one EDN value, got ${values.length}`, 0);
  return values[0];
}

/** The map key under which a keyword or string key is stored. */
export function mapKey(key: EdnValue): string {
  if (key instanceof Keyword) return `:${key.name}`;
  if (typeof key === 'string') return key;
  return JSON.stringify(key instanceof EdnSymbol ? key.name : key);
}

/** Whether a character code ends a token: one of `{}[]()";,` or whitespace. */
function isDelimiter(code: number): boolean {
  switch (code) {
    case 123: // {
    case 125: // }
    case 91: // [
    case 93: // ]
    case 40: // (
    case 41: // )
    case 34: // "
    case 59: // ;
    case 44: // ,
    case 32:
    case 9:
    case 10:
    case 13:
    case 12:
    case 11:
      return true;
    default:
      return code > 127 && /\s/.test(String.fromCharCode(code));
  }
}

class Reader {
  private pos = 0;
  /** Offsets of the items of each sequence read. */
  readonly itemOffsets = new WeakMap<EdnValue[], number[]>();
  constructor(private readonly text: string) {}

  get offset(): number {
    return this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos];
      if (c === ';') {
        while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
      } else if (c === ',' || c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else {
        return;
      }
    }
  }

  value(): EdnValue {
    this.skipSpace();
    const text = this.text;
    if (this.atEnd()) throw new EdnSyntaxError('expected a value, got the end of the input', this.pos);
    const c = text[this.pos];
    if (c === '{') return this.map();
    if (c === '[' || c === '(') return this.sequence(c === '[' ? ']' : ')');
    if (c === '#') {
      if (text[this.pos + 1] === '{') {
        this.pos++;
        return this.sequence('}');
      }
      this.pos++;
      this.token(); // the tag
      return this.value();
    }
    if (c === '"') return this.string();
    if (c === '}' || c === ']' || c === ')') throw new EdnSyntaxError(`expected a value, got ${c}`, this.pos);
    const start = this.pos;
    const token = this.token();
    if (token.startsWith(':')) {
      if (token.length === 1) throw new EdnSyntaxError('expected a keyword name after :', start);
      return new Keyword(token.slice(1));
    }
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[-+]?\d+N?$/.test(token)) return Number(token.replace(/N$/, ''));
    if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ''));
    return new EdnSymbol(token);
  }

  private token(): string {
    const text = this.text;
    const start = this.pos;
    while (this.pos < text.length && !isDelimiter(text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) throw new EdnSyntaxError(`expected a value, got ${JSON.stringify(text[start])}`, start);
    return text.slice(start, this.pos);
  }

  private string(): string {
    const text = this.text;
    const start = this.pos;
    this.pos++;
    let out = '';
    while (this.pos < text.length) {
      // Copy the run up to the next quote or backslash in one slice.
      let end = this.pos;
      while (end < text.length && text.charCodeAt(end) !== 34 && text.charCodeAt(end) !== 92) end++;
      out += text.slice(this.pos, end);
      this.pos = end;
      if (end === text.length) break;
      const c = text[this.pos++];
      if (c === '"') return out;
      const e = text[this.pos++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'u') {
        const hex = text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new EdnSyntaxError('bad \\u escape', this.pos);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else if (e === '"' || e === '\\') out += e;
      else throw new EdnSyntaxError(`bad escape \\${e ?? ''}`, this.pos - 1);
    }
    throw new EdnSyntaxError('expected a closing " for this string, got the end of the input', start);
  }

  private sequence(close: string): EdnValue[] {
    const start = this.pos;
    this.pos++;
    const items: EdnValue[] = [];
    const offsets: number[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) throw new EdnSyntaxError(`expected ${close}, got the end of the input`, this.pos);
      if (this.text[this.pos] === close) {
        this.pos++;
        this.itemOffsets.set(items, offsets);
        return items;
      }
      offsets.push(this.pos);
      items.push(this.value());
    }
  }

  private map(): EdnMap {
    const start = this.pos;
    const items = this.sequence('}');
    if (items.length % 2 !== 0) throw new EdnSyntaxError('expected a map of key-value pairs, got an odd number of forms', start);
    const map: EdnMap = new Map();
    for (let i = 0; i < items.length; i += 2) map.set(mapKey(items[i]), items[i + 1]);
    return map;
  }
}

/** Converts an EDN value to plain JSON-like data: keywords and symbols become their names, maps objects. */
export function ednToPlain(value: EdnValue): unknown {
  if (value instanceof Keyword || value instanceof EdnSymbol) return value.name;
  if (Array.isArray(value)) return value.map(ednToPlain);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[k.startsWith(':') ? k.slice(1) : k] = ednToPlain(v);
    return out;
  }
  return value;
}

/** 1-based line and column of a character offset. O(length of text); use `LineIndex` for many. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
  return new LineIndex(text).at(offset);
}

/** Line starts of a text, for turning many character offsets into 1-based line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of a 0-based character offset. O(log lines). */
  at(offset: number): {line: number; column: number} {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return {line: lo + 1, column: offset - starts[lo] + 1};
  }
}
