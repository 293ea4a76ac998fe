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
}

/** A body that is not valid JSON; `message` is Go's error text (`EOF`, `unexpected EOF`, `invalid character ...`). */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Go's quoting of a character in syntax errors: `'b'`, `'\n'`. */
function quoteChar(c: string): string {
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
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const eof = (): never => {
    throw new JsonSyntaxError('unexpected EOF');
  };
  const bad = (context: string): never => {
    throw new JsonSyntaxError(`invalid character ${quoteChar(text[i])} ${context}`);
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
    return Number(text.slice(start, i));
  };
  const value = (): JsonValue => {
    ws();
    if (i >= n) eof();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, JsonValue]> = [];
      ws();
      if (i >= n) eof();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries };
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
        entries.push([key, v]);
        ws();
        if (i >= n) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', entries };
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
  for (const [key, v] of obj.entries) {
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
    } else if (type === 'float32') {
      if (Math.abs(v) > 3.4028234663852886e38) e = err(`number ${v}`);
      else target[field] = v;
    } else if (!Number.isInteger(v) || !Number.isSafeInteger(v)) {
      e = err(`number ${v}`);
    } else {
      target[field] = v;
    }
    if (e !== null && first === null) first = e;
  }
  if (first !== null) throw first;
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
