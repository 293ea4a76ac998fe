/**
 * EDN (https://github.com/edn-format/edn) for the Jepsen/Knossos and Porcupine kv importers. The
 * parsing is edn-data's (https://github.com/jorinvo/edn-data); this module adds what the
 * importers need on top of it:
 * - where each value starts (line, and the column of the line's first form), which edn-data
 *   does not report; values are read line by line with its incremental `EDNListParser`;
 * - malformed input as a `HistoryFormatError` naming `file:line:column` (edn-data returns
 *   nothing, or throws a bare `Error`);
 * - integers beyond ±(2^53 − 1) as an error, where edn-data would round them silently;
 * - maps keyed by the names of their keyword keys.
 *
 * Values read (`EdnValue`): a map is a `Map` from the name of each keyword key (`:process` →
 * `process`; keys that are not keywords are left out) to its value; a keyword is edn-data's
 * `{key: name}` (`keywordName` gives the name, without the colon), a symbol `{sym}`, a
 * character `{char}`; vectors, lists and sets are arrays; `N` integers are numbers; a tagged
 * literal (`#inst "…"`, `#jepsen.history.Op{…}`) is its value.
 *
 * edn-data does not notice, so neither does this: a map with an odd number of forms (it drops
 * the last key), a `}` that closes nothing, a lone `:` (read as the keyword with an empty name).
 */
import {toEDNString, type EDNChar, type EDNKeyword, type EDNSymbol, type EDNVal} from 'edn-data';
import {EDNListParser, type ParseOptions} from 'edn-data/dist/parse.js';
import {HistoryFormatError} from '../../errors/index.js';

/** An EDN value as the importers see it (see the module comment). */
export type EdnValue = null | boolean | number | string | EDNKeyword | EDNSymbol | EDNChar | EdnValue[] | EdnMap;

/** An EDN map: the name of each keyword key (without the colon) to its value. */
export type EdnMap = Map<string, EdnValue>;

/** A top-level value and where it starts: its first line, and the column of that line's first form. Both 1-based. */
export interface LocatedEdnValue {
  value: EdnValue;
  line: number;
  column: number;
  /** The line where it ends. */
  endLine: number;
}

/** Maps as key-value pairs (so that keyword keys stay keywords), sequences as arrays, `#inst` as its string. */
const PARSE_OPTIONS: ParseOptions = {
  mapAs: 'doubleArray',
  setAs: 'array',
  listAs: 'array',
  keywordAs: 'object',
  symbolAs: 'object',
  charAs: 'object',
  tagHandlers: {inst: (value) => value},
};

/** An integer token of 16 digits or more (15 always fit in a double), which may be beyond 2^53. */
const LONG_INTEGER = /(?:^|[\s,[\](){}])([-+]?(\d{16,})N?)(?=[\s,[\](){};]|$)/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer written beyond ±(2^53 − 1), and where. */
interface BigInteger {
  line: number;
  column: number;
  token: string;
}

/** Where the value being read starts, and the first integer beyond 2^53 seen since. */
interface Start {
  line: number;
  column: number;
  big?: BigInteger;
}

/**
 * Reads the top-level EDN values of `lines` (a text split at `\n`), each with where it starts.
 * A value may span lines. edn-data gives no positions, so the column is that of the first form
 * on the value's first line; when several values end on one line, those after the first are
 * placed at column 1 of it.
 *
 * @param firstLine - the line number of `lines[0]`, for a text that is a part of a file.
 * @throws HistoryFormatError `file:line:column: expected …` for malformed EDN, or an integer
 *   beyond ±(2^53 − 1) (written with or without `N`).
 */
export function readEdnValues(lines: readonly string[], file: string, firstLine = 1): LocatedEdnValue[] {
  const parser = new EDNListParser(PARSE_OPTIONS);
  parser.next('('); // edn-data reads a list of top-level values: open it
  const read: LocatedEdnValue[] = [];
  let start: Start | undefined;
  /** Values that ended on `endLine`: the first started at `at`; any other started on `endLine`, after it. */
  const take = (values: readonly unknown[], at: Start, endLine: number): void => {
    values.forEach((value, i) => {
      const from = i === 0 ? at : {line: endLine, column: 1, big: at.big};
      read.push({value: plain(value, from, file), line: from.line, column: from.column, endLine});
    });
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const lineNumber = firstLine + n;
    const column = contentColumn(line);
    if (start === undefined && column > 0) start = {line: lineNumber, column};
    if (start !== undefined && start.big === undefined) start.big = bigInteger(line, lineNumber);
    let values: unknown[];
    try {
      values = parser.next(`${line}\n`);
    } catch (error) {
      // edn-data throws on a bad string escape, and (a TypeError) on a ] that closes nothing.
      const why = error instanceof TypeError ? 'a ] that closes nothing?' : (error as Error).message;
      throw new HistoryFormatError(`${file}:${lineNumber}:${Math.max(column, 1)}: expected well-formed EDN, got ${snippet(line)} (${why})`);
    }
    // The list opened above was closed: a ) that closes nothing.
    if (parser.isDone()) throw new HistoryFormatError(`${file}:${lineNumber}:${Math.max(column, 1)}: expected well-formed EDN, got ${snippet(line)} (a ) that closes nothing?)`);
    if (values.length > 0) {
      take(values, start ?? {line: lineNumber, column: Math.max(column, 1)}, lineNumber);
      // Unless a value was left half read on this line (it started here), the next starts afresh.
      start = parser.stack.length === 0 && parser.result === undefined ? undefined : {line: lineNumber, column: 1};
    }
  }
  const lastLine = firstLine + Math.max(lines.length - 1, 0);
  const at = start ?? {line: lastLine, column: 1};
  take(parser.next(')'), at, lastLine);
  if (!parser.isDone()) {
    throw new HistoryFormatError(`${file}:${at.line}:${at.column}: expected the EDN value that starts here to end, got the end of the input (a string, map, vector or list left open?)`);
  }
  return read;
}

/** The name of a keyword, without the colon; undefined for anything else. */
export function keywordName(value: EdnValue | undefined): string | undefined {
  return typeof value === 'object' && value !== null && 'key' in value ? value.key : undefined;
}

/** A value written as EDN, for messages: `:txn`, `"x"`, `nil`; `nothing` when absent. */
export function showEdn(value: EdnValue | undefined): string {
  return value === undefined ? 'nothing' : toEDNString(value as EDNVal);
}

/** The 1-based column of the first form on a line; 0 when there is none (blank, commas, or a comment). */
export function contentColumn(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ';') return 0;
    if (c !== ' ' && c !== '\t' && c !== ',' && c !== '\r') return i + 1;
  }
  return 0;
}

/** edn-data's value as an `EdnValue`. @throws HistoryFormatError for an integer beyond ±(2^53 − 1). */
function plain(value: unknown, at: Start, file: string): EdnValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // A 16-digit-or-more integer token was rounded; a float such as 1e20 is left alone.
      if (at.big !== undefined && Number.isInteger(value) && !Number.isSafeInteger(value)) throw bigIntegerError(at.big, file);
      return value;
    case 'bigint':
      if (value > MAX_SAFE || value < -MAX_SAFE) throw bigIntegerError(at.big ?? {line: at.line, column: at.column, token: `${value}N`}, file);
      return Number(value);
  }
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => plain(item, at, file));
  const object = value as {map?: Array<[unknown, unknown]>; tag?: string; val?: unknown};
  if (object.map !== undefined) {
    const map: EdnMap = new Map();
    for (const [key, item] of object.map) {
      const name = keywordName(key as EdnValue);
      if (name !== undefined) map.set(name, plain(item, at, file));
    }
    return map;
  }
  if (object.tag !== undefined) return plain(object.val, at, file);
  return value as EDNKeyword | EDNSymbol | EDNChar;
}

/** The first integer token on a line beyond ±(2^53 − 1), if any. */
function bigInteger(line: string, lineNumber: number): BigInteger | undefined {
  if (line.length < 16 || !/\d{16}/.test(line)) return undefined;
  for (const match of line.matchAll(LONG_INTEGER)) {
    if (BigInt(match[2]) > MAX_SAFE) return {line: lineNumber, column: match.index + match[0].length - match[1].length + 1, token: match[1]};
  }
  return undefined;
}

function bigIntegerError(big: BigInteger, file: string): HistoryFormatError {
  const rounded = Number(big.token.replace(/N$/, ''));
  return new HistoryFormatError(
    `${file}:${big.line}:${big.column}: expected an integer between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} (2^53 - 1), ` +
      `got ${big.token}, which would be rounded to ${rounded}`,
  );
}

function snippet(line: string): string {
  const text = line.trim();
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
