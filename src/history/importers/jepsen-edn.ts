import {readFileSync} from 'node:fs';
import {casRegister, type CasRegisterOptions} from '../../checker/models/cas-register.js';
import type {SourcePosition} from '../../checker/locate.js';
import {HistoryFormatError} from '../../errors/index.js';
import type {EventType, HistoryEvent, OpFunction} from '../types.js';
import {contentColumn, keywordName, readEdnValues, showEdn} from './edn.js';
import type {ImportedHistory} from './porcupine.js';

/** The key under which single-register Jepsen/Knossos histories are imported. */
export const JEPSEN_REGISTER_KEY = 'register';

/**
 * Reads a Jepsen/Knossos EDN history: a vector of maps `{:process 0, :type :invoke, :f :read,
 * :value nil}` (or the maps one after another at top level, as Jepsen's history.edn has them).
 * `:time` (nanoseconds) is used when every event has it, else the event's position is its time.
 * Events of keyword processes (`:nemesis`) are skipped; any other non-integer `:process`, or none,
 * is an error (a map without one is not a history event: e.g. JSON read as EDN). Functions read/write/cas of one
 * register. Values that are not a register value on a completion (`:timed-out` on an `:info`)
 * are unknown: reads get null, writes and cas their invoke's value.
 *
 * @param modelOptions - e.g. `{initial: 0, nilReadMatchesAny: true}` for Knossos' examples.
 * @throws HistoryFormatError `file:line:col: expected …`
 */
export function readJepsenEdnHistory(path: string, modelOptions: CasRegisterOptions = {}): ImportedHistory<HistoryEvent> & {timed: boolean} {
  return parseJepsenEdnHistory(readFileSync(path, 'utf8'), path, modelOptions);
}

/** `readJepsenEdnHistory` on text; `file` is named in errors. */
export function parseJepsenEdnHistory(text: string, file: string, modelOptions: CasRegisterOptions = {}): ImportedHistory<HistoryEvent> & {timed: boolean} {
  const lines = text.split('\n');
  unwrapSequence(lines, file);
  const raw: Array<Omit<HistoryEvent, 'index'> & {hasTime: boolean; position: SourcePosition}> = [];
  readEdnValues(lines, file).forEach(({value: map, line, column}, position) => {
    const where = `${file}:${line}:${column}`;
    if (!(map instanceof Map)) throw new HistoryFormatError(`${where}: expected a map {:process … :type … :f … :value …}`);
    const process = map.get('process');
    if (keywordName(process) !== undefined) return; // :nemesis and other non-client processes
    if (typeof process !== 'number' || !Number.isInteger(process)) {
      throw new HistoryFormatError(`${where}: expected :process to be an integer (a client) or a keyword such as :nemesis, got ${showEdn(process)}`);
    }
    const type = keywordName(map.get('type'));
    const f = keywordName(map.get('f'));
    if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') throw new HistoryFormatError(`${where}: expected :type to be :invoke, :ok, :fail or :info`);
    if (f !== 'read' && f !== 'write' && f !== 'cas') throw new HistoryFormatError(`${where}: expected :f to be :read, :write or :cas (a register), got ${showEdn(map.get('f'))}`);
    const value = map.get('value') ?? null;
    const readable = typeof value === 'number' || value === null || Array.isArray(value);
    // e.g. :timed-out on an :info completion: the value is unknown. On an invoke it is an error.
    if (!readable && type === 'invoke') throw new HistoryFormatError(`${where}: expected :value to be nil, an integer or [from to] on an invoke`);
    const time = map.get('time');
    raw.push({
      process,
      type: type as EventType,
      f: f as OpFunction,
      key: JEPSEN_REGISTER_KEY,
      value: readable ? value : null,
      time: typeof time === 'number' ? time : position,
      hasTime: typeof time === 'number',
      position: {line, column},
    });
  });
  const allTimed = raw.every((e) => e.hasTime);
  // Completions of writes and cas carry their invoke's value when theirs is unknown.
  const open = new Map<number, unknown>();
  const positions: SourcePosition[] = [];
  const events: HistoryEvent[] = raw.map(({hasTime: _hasTime, position, ...event}, index) => {
    if (event.type === 'invoke') open.set(event.process, event.value);
    else if (event.f !== 'read' && event.value === null) event.value = open.get(event.process) ?? null;
    positions.push(position);
    return {...event, index, time: allTimed ? event.time : index};
  });
  return {events, model: casRegister(modelOptions), positions, timed: allTimed && events.length > 0};
}

/**
 * Blanks out (with spaces, so that columns stay) the brackets of a top-level vector or list of
 * events, Knossos' layout, so that each event is read as a top-level value with its own line.
 * Jepsen's layout, maps one after another, is left as it is.
 * @throws HistoryFormatError when the vector or list is not closed at the end.
 */
function unwrapSequence(lines: string[], file: string): void {
  const first = lines.findIndex((line) => contentColumn(line) > 0);
  if (first === -1) return;
  const openAt = contentColumn(lines[first]) - 1;
  const open = lines[first][openAt];
  if (open !== '[' && open !== '(') return;
  const close = open === '[' ? ']' : ')';
  lines[first] = blankOut(lines[first], openAt);
  let last = lines.length - 1;
  while (last > first && contentColumn(lines[last]) === 0) last--;
  // The closing bracket is the last on its line, before nothing but a comment.
  const closeAt = lines[last].lastIndexOf(close);
  if (closeAt === -1 || !/^[\s,]*(;.*)?$/.test(lines[last].slice(closeAt + 1))) {
    throw new HistoryFormatError(`${file}:${last + 1}:${lines[last].trimEnd().length + 1}: expected ${close} closing the ${open} at ${first + 1}:${openAt + 1}, got the end of the input`);
  }
  lines[last] = blankOut(lines[last], closeAt);
}

function blankOut(line: string, at: number): string {
  return `${line.slice(0, at)} ${line.slice(at + 1)}`;
}
