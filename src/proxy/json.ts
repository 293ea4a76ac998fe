/**
 * JSON reading and writing the way Toxiproxy's Go server does it (`encoding/json`), so error
 * texts and bodies match byte for byte where clients could notice.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §2 (request bodies: only the first JSON
 * value is read, trailing bytes ignored, type mismatches rejected, unknown fields ignored) and §3
 * (success bodies are compact JSON without a trailing newline).
 */

/** A parsed JSON value. Objects keep their keys in document order. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A parsed JSON object: an ordered list of entries (duplicate keys are kept, last wins on lookup). */
export interface JsonObject {
  readonly kind: 'object';
  readonly entries: Array<[string, JsonValue]>;
  /**
   * The literal text of each entry whose value is a number, by entry index (`1e3`, `1.50`): Go
   * parses the literal for the field's type, and quotes it in its errors.
   */
  readonly numberTexts?: ReadonlyMap<number, string>;
}

/** A body that is not valid JSON; `message` is Go's error text (`EOF`, `unexpected EOF`, `invalid character ...`). */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * Go's quoting of a character in syntax errors: `'b'`, `'\n'`. Go's scanner reads bytes and quotes
 * the offending one as if it were a rune: a non-ASCII character shows as its first UTF-8 byte read
 * as Latin-1 (`é` → `'Ã'`, a byte-order mark → `'ï'`).
 */
function quoteChar(c: string): string {
  if (c.charCodeAt(0) >= 0x80) c = String.fromCharCode(Buffer.from(c)[0]);
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const s = JSON.stringify(c);
  return `'${s.slice(1, -1)}'`;
}

/**
 * Parses the first JSON value of `text` (Go `json.Decoder.Decode`): leading whitespace skipped,
 * anything after the first complete value ignored.
 * @throws JsonSyntaxError with Go's message: `EOF` for an empty body, `unexpected EOF` for a
 *   truncated one, `invalid character 'x' looking for beginning of value` and friends otherwise.
 */
export function parseFirstJsonValue(text: string): JsonValue {
  let i = 0;
  const n = text.length;
  let lastNumberText = '';
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const eof = (): never => {
    throw new JsonSyntaxError('unexpected EOF');
  };
  const bad = (context: string): never => {
    throw new JsonSyntaxError(`invalid character ${quoteChar(String.fromCodePoint(text.codePointAt(i)!))} ${context}`);
  };
  const literal = (word: string, value: JsonValue): JsonValue => {
    for (let k = 0; k < word.length; k++) {
      if (i >= n) eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k])})`);
      i++;
    }
    return value;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (true) {
      if (i >= n) eof();
      const c = text[i];
      if (c === '"') break;
      if (c === '\\') {
        i++;
        if (i >= n) eof();
        const e = text[i];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= n) eof();
            if (!/[0-9a-fA-F]/.test(text[i])) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(e)) {
          bad('in string escape code');
        }
      } else if (c < ' ') {
        bad('in string literal');
      }
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const num = (): number => {
    const start = i;
    if (text[i] === '-') {
      i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i])) bad('in numeric literal');
    }
    if (text[i] === '0') i++;
    else while (i < n && /[0-9]/.test(text[i])) i++;
    if (i < n && text[i] === '.') {
      i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i])) bad('after decimal point in numeric literal');
      while (i < n && /[0-9]/.test(text[i])) i++;
    }
    if (i < n && (text[i] === 'e' || text[i] === 'E')) {
      i++;
      if (i < n && (text[i] === '+' || text[i] === '-')) i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i])) bad('in exponent of numeric literal');
      while (i < n && /[0-9]/.test(text[i])) i++;
    }
    lastNumberText = text.slice(start, i);
    return Number(lastNumberText);
  };
  const value = (): JsonValue => {
    ws();
    if (i >= n) eof();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, JsonValue]> = [];
      const numberTexts = new Map<number, string>();
      ws();
      if (i >= n) eof();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries, numberTexts };
      }
      while (true) {
        ws();
        if (i >= n) eof();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        const key = str();
        ws();
        if (i >= n) eof();
        if (text[i] !== ':') bad('after object key');
        i++;
        const v = value();
        if (typeof v === 'number') numberTexts.set(entries.length, lastNumberText);
        entries.push([key, v]);
        ws();
        if (i >= n) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', entries, numberTexts };
        }
        bad('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      ws();
      if (i >= n) eof();
      if (text[i] === ']') {
        i++;
        return items;
      }
      while (true) {
        items.push(value());
        ws();
        if (i >= n) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return items;
        }
        bad('after array element');
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    return bad('looking for beginning of value');
  };
  ws();
  if (i >= n) throw new JsonSyntaxError('EOF');
  return value();
}

/** Go's name for the JSON kind of a value in `cannot unmarshal <kind>` errors. */
export function jsonKind(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // 'string' | 'number'
}

/** True for a parsed JSON object. */
export function isJsonObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A type mismatch while decoding into a Go struct; `message` is Go's `json: cannot unmarshal ...` text. */
export class JsonTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonTypeError';
  }
}

/**
 * Go field types we decode into. `struct:<Go type>` is a nested struct decoded separately: here
 * any JSON object is accepted as is and any other value is a type error naming `<Go type>`.
 */
export type GoFieldType = 'string' | 'bool' | 'float32' | 'int64' | 'int' | `struct:${string}`;

/**
 * Decodes `obj`'s fields onto `target` like Go's `json.Unmarshal` into a struct: keys match field
 * names case-insensitively (exact match preferred), `null` leaves a field unchanged, unknown keys
 * are ignored, the first type mismatch (in document order) is thrown after all fields were tried.
 * @param structName Go struct name for error texts, e.g. `Proxy`, `ToxicWrapper`, `LatencyToxic`.
 * @param pathPrefix dotted prefix before the field in error texts (e.g. `attributes.`).
 * @throws JsonTypeError e.g. `json: cannot unmarshal string into Go struct field Proxy.enabled of type bool`
 */
export function decodeFields(
  obj: JsonObject,
  fields: Record<string, GoFieldType>,
  target: Record<string, unknown>,
  structName: string,
  pathPrefix = '',
): void {
  let first: JsonTypeError | null = null;
  const names = Object.keys(fields);
  for (const [index, [key, v]] of obj.entries.entries()) {
    const field = names.find((f) => f === key) ?? names.find((f) => f.toLowerCase() === key.toLowerCase());
    if (field === undefined || v === null) continue;
    const type = fields[field];
    const err = (value: string, goType: string = type): JsonTypeError =>
      new JsonTypeError(
        `json: cannot unmarshal ${value} into Go struct field ${structName}.${pathPrefix}${field} of type ${goType}`,
      );
    let e: JsonTypeError | null = null;
    if (type.startsWith('struct:')) {
      if (isJsonObject(v)) target[field] = v;
      else e = err(jsonKind(v), type.slice('struct:'.length));
    } else if (type === 'string') {
      if (typeof v === 'string') target[field] = v;
      else e = err(jsonKind(v));
    } else if (type === 'bool') {
      if (typeof v === 'boolean') target[field] = v;
      else e = err(jsonKind(v));
    } else if (typeof v !== 'number') {
      e = err(jsonKind(v));
    } else {
      const literal = obj.numberTexts?.get(index) ?? String(v);
      if (type === 'float32') {
        // strconv.ParseFloat(literal, 32): out of range once it rounds past the largest float32.
        if (!Number.isFinite(Math.fround(v))) e = err(`number ${literal}`);
        else target[field] = v;
      } else if (!isInt64Literal(literal)) {
        // strconv.ParseInt(literal, 10, 64): no fraction, no exponent, within int64.
        e = err(`number ${literal}`);
      } else {
        target[field] = v; // beyond 2^53 this is the nearest double, where Go keeps every digit
      }
    }
    if (e !== null && first === null) first = e;
  }
  if (first !== null) throw first;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** True for a JSON number literal that Go's `strconv.ParseInt(s, 10, 64)` accepts. */
function isInt64Literal(literal: string): boolean {
  if (!/^-?\d+$/.test(literal)) return false;
  const n = BigInt(literal);
  return n >= INT64_MIN && n <= INT64_MAX;
}

/**
 * `JSON.stringify` plus Go's HTML-safe escaping (`<`, `>`, `&`, U+2028, U+2029 as `\u00xx`), which
 * `json.Marshal` applies by default.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Shortest decimal text that reads back as the same float32 (Go's `float32` marshalling). */
export function float32Json(x: number): string {
  const f = Math.fround(x);
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return String(f);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}
