import {closeSync, openSync, readFileSync, writeSync} from 'node:fs';
import {fsErrorText, HistoryFormatError} from '../errors/index.js';
import type {EventType, HistoryEvent, OpFunction} from './types.js';

/**
 * Appends events to a JSONL file, one JSON object per line, written to the OS as each event
 * happens (a synchronous write per line), so a harness that dies mid-run leaves every event
 * recorded so far on disk.
 */
export class JsonlWriter<T> {
  private fd: number | null;

  /** Opens (creating or appending to) `file`. */
  constructor(readonly file: string) {
    this.fd = openSync(file, 'a');
  }

  /** Writes one record as a line. Writes after `close()` are ignored. */
  append(record: T): void {
    if (this.fd === null) return;
    writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

const TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];
const FUNCTIONS: readonly OpFunction[] = ['read', 'write', 'cas', 'add', 'read-set'];

/** A history read from JSONL, with where each event starts (line, column 1). */
export interface JsonlHistory<E> {
  events: E[];
  /** 1-based line and column of each event, by position (= `index` in files faultline writes). */
  positions: Array<{line: number; column: number}>;
}

/**
 * Validates one parsed history line.
 * @param anyFunction - accept any string `f` (the model checks it later), not only read/write/cas.
 * @returns the offending field and what was expected, or null when the object is valid.
 */
function invalidField(o: Record<string, unknown>, anyFunction: boolean): {field: string; expected: string} | null {
  if (!Number.isSafeInteger(o.index)) return {field: 'index', expected: 'an integer'};
  if (!Number.isSafeInteger(o.process)) return {field: 'process', expected: 'an integer'};
  if (!TYPES.includes(o.type as EventType)) return {field: 'type', expected: `one of ${TYPES.join(', ')}`};
  if (anyFunction ? typeof o.f !== 'string' || o.f === '' : !FUNCTIONS.includes(o.f as OpFunction)) {
    return {field: 'f', expected: anyFunction ? 'a function name' : `one of ${FUNCTIONS.join(', ')}`};
  }
  if (typeof o.key !== 'string') return {field: 'key', expected: 'a string'};
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) return {field: 'time', expected: 'a number of nanoseconds'};
  if (!('value' in o)) return {field: 'value', expected: 'a value (null if none)'};
  // The set workload's values are checked here, as no model sees them (a run's set check reads them).
  if (o.f === 'add' && !Number.isSafeInteger(o.value)) return {field: 'value', expected: 'an integer element (add)'};
  if (o.f === 'read-set' && o.type === 'ok' && !(Array.isArray(o.value) && o.value.every(Number.isSafeInteger))) return {field: 'value', expected: 'an array of integers (an ok read-set)'};
  return null;
}

/**
 * Reads history.jsonl. A torn last line (a run killed mid-write) is ignored; any other bad line
 * is an error.
 * @throws HistoryFormatError `file:line:column: field: expected …`.
 */
export function readHistory(file: string): HistoryEvent[] {
  return parseJsonlHistory<HistoryEvent>(readText(file), file, {anyFunction: false}).events;
}

/** Reads a file as UTF-8. @throws HistoryFormatError `file: cannot read history: no such file (ENOENT)`. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new HistoryFormatError(`${file}: cannot read history: ${fsErrorText(error)}`);
  }
}

/**
 * Parses history.jsonl text (one JSON object per line; blank lines skipped; a torn last line
 * without a newline ignored), with each event's line.
 *
 * @param options.anyFunction - accept any `f` (for `faultline check` with other models). @default false
 * @throws HistoryFormatError `file:line:column: field: expected …` (the column of the field, or
 *   of the JSON syntax error).
 */
export function parseJsonlHistory<E extends {index: number} = HistoryEvent>(text: string, file: string, options: {anyFunction?: boolean} = {}): JsonlHistory<E> {
  const lines = text.split('\n');
  const events: E[] = [];
  const positions: Array<{line: number; column: number}> = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const line = raw.trim();
    if (line === '') continue;
    const indent = raw.length - raw.trimStart().length;
    const last = i >= lines.length - 2 && !text.endsWith('\n');
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (error) {
      if (last) break;
      const position = /position (\d+)/.exec((error as Error).message);
      const column = indent + (position === null ? 0 : Number(position[1])) + 1;
      throw new HistoryFormatError(`${file}:${i + 1}:${column}: expected a JSON object, got invalid JSON (${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')})`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new HistoryFormatError(`${file}:${i + 1}:${indent + 1}: expected a JSON object`);
    const problem = invalidField(o as Record<string, unknown>, options.anyFunction ?? false);
    if (problem) {
      const at = raw.indexOf(`"${problem.field}"`);
      throw new HistoryFormatError(`${file}:${i + 1}:${at === -1 ? indent + 1 : at + 1}: ${problem.field}: expected ${problem.expected}`);
    }
    events.push(o as E);
    positions.push({line: i + 1, column: indent + 1});
  }
  return {events, positions};
}
