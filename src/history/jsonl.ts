import {closeSync, openSync, readFileSync, writeSync} from 'node:fs';
import {HistoryFormatError} from '../errors/index.js';
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
const FUNCTIONS: readonly OpFunction[] = ['read', 'write', 'cas'];

/**
 * Validates one parsed history line.
 * @returns an error description, or null when the object is a valid HistoryEvent.
 */
function invalidField(o: Record<string, unknown>): string | null {
  if (!Number.isSafeInteger(o.index)) return 'index: expected an integer';
  if (!Number.isSafeInteger(o.process)) return 'process: expected an integer';
  if (!TYPES.includes(o.type as EventType)) return `type: expected one of ${TYPES.join(', ')}`;
  if (!FUNCTIONS.includes(o.f as OpFunction)) return `f: expected one of ${FUNCTIONS.join(', ')}`;
  if (typeof o.key !== 'string') return 'key: expected a string';
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) return 'time: expected a number of nanoseconds';
  if (!('value' in o)) return 'value: required';
  return null;
}

/**
 * Reads history.jsonl. A torn last line (a run killed mid-write) is ignored; any other bad line
 * is an error.
 * @throws HistoryFormatError `file:line: what is wrong`.
 */
export function readHistory(file: string): HistoryEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HistoryFormatError(`${file}: cannot read history: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const lines = text.split('\n');
  const events: HistoryEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const last = i >= lines.length - 2 && !text.endsWith('\n');
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      if (last) break;
      throw new HistoryFormatError(`${file}:${i + 1}: not valid JSON`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new HistoryFormatError(`${file}:${i + 1}: expected a JSON object`);
    const problem = invalidField(o as Record<string, unknown>);
    if (problem) throw new HistoryFormatError(`${file}:${i + 1}: ${problem}`);
    events.push(o as HistoryEvent);
  }
  return events;
}
