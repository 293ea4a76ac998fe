import {readFileSync} from 'node:fs';
import {casRegister, type CasRegisterOptions} from '../../checker/models/cas-register.js';
import type {SourcePosition} from '../../checker/locate.js';
import {HistoryFormatError} from '../../errors/index.js';
import type {EventType, HistoryEvent, OpFunction} from '../types.js';
import {EdnSyntaxError, Keyword, LineIndex, readEdnAllLocated, type EdnValue} from './edn.js';
import type {ImportedHistory} from './porcupine.js';

/** The key under which single-register Jepsen/Knossos histories are imported. */
export const JEPSEN_REGISTER_KEY = 'register';

/**
 * Reads a Jepsen/Knossos EDN history: a vector of maps `{:process 0, :type :invoke, :f :read,
 * :value nil}` (or the maps one after another at top level, as Jepsen's history.edn has them).
 * `:time` (nanoseconds) is used when every event has it, else the event's position is its time.
 * Events of non-integer processes (`:nemesis`) are skipped. Functions read/write/cas of one
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
  const lines = new LineIndex(text);
  const at = (offset: number): string => {
    const {line, column} = lines.at(offset);
    return `${file}:${line}:${column}`;
  };
  let read: ReturnType<typeof readEdnAllLocated>;
  try {
    read = readEdnAllLocated(text);
  } catch (error) {
    if (error instanceof EdnSyntaxError) throw new HistoryFormatError(`${at(error.offset)}: ${error.message}`);
    throw error;
  }
  const {values: top} = read;
  const inVector = top.length === 1 && Array.isArray(top[0]);
  const maps = inVector ? (top[0] as EdnValue[]) : top;
  const offsets = inVector ? (read.itemOffsets.get(top[0] as EdnValue[]) ?? []) : read.offsets;

  const raw: Array<Omit<HistoryEvent, 'index'> & {hasTime: boolean; offset: number}> = [];
  maps.forEach((map, position) => {
    const offset = offsets[position] ?? 0;
    const where = at(offset);
    if (!(map instanceof Map)) throw new HistoryFormatError(`${where}: expected a map {:process … :type … :f … :value …}`);
    const process = map.get(':process');
    if (typeof process !== 'number') return; // :nemesis and other non-client processes
    const type = name(map.get(':type'));
    const f = name(map.get(':f'));
    if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') throw new HistoryFormatError(`${where}: expected :type to be :invoke, :ok, :fail or :info`);
    if (f !== 'read' && f !== 'write' && f !== 'cas') throw new HistoryFormatError(`${where}: expected :f to be :read, :write or :cas (a register), got ${String(map.get(':f'))}`);
    const value = map.get(':value') ?? null;
    const readable = typeof value === 'number' || value === null || Array.isArray(value);
    // e.g. :timed-out on an :info completion: the value is unknown. On an invoke it is an error.
    if (!readable && type === 'invoke') throw new HistoryFormatError(`${where}: expected :value to be nil, an integer or [from to] on an invoke`);
    const time = map.get(':time');
    raw.push({
      process,
      type: type as EventType,
      f: f as OpFunction,
      key: JEPSEN_REGISTER_KEY,
      value: readable ? value : null,
      time: typeof time === 'number' ? time : position,
      hasTime: typeof time === 'number',
      offset,
    });
  });
  const allTimed = raw.every((e) => e.hasTime);
  // Completions of writes and cas carry their invoke's value when theirs is unknown.
  const open = new Map<number, unknown>();
  const positions: SourcePosition[] = [];
  const events: HistoryEvent[] = raw.map(({hasTime: _hasTime, offset, ...event}, index) => {
    if (event.type === 'invoke') open.set(event.process, event.value);
    else if (event.f !== 'read' && event.value === null) event.value = open.get(event.process) ?? null;
    positions.push(lines.at(offset));
    return {...event, index, time: allTimed ? event.time : index};
  });
  return {events, model: casRegister(modelOptions), positions, timed: allTimed && events.length > 0};
}

function name(value: EdnValue | undefined): string | undefined {
  return value instanceof Keyword ? value.name : undefined;
}
