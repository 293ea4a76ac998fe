import {readFileSync} from 'node:fs';
import {casRegister, type CasRegisterOptions} from '../../checker/models/cas-register.js';
import {HistoryFormatError} from '../../errors/index.js';
import type {EventType, HistoryEvent, OpFunction} from '../types.js';
import {EdnSyntaxError, Keyword, lineColumn, readEdnAll, type EdnValue} from './edn.js';
import type {ImportedHistory} from './porcupine.js';

/** The key under which single-register Jepsen/Knossos histories are imported. */
export const JEPSEN_REGISTER_KEY = 'register';

/**
 * Reads a Jepsen/Knossos EDN history: a vector of maps `{:process 0, :type :invoke, :f :read,
 * :value nil}` (or the maps one after another at top level). `:time` (nanoseconds) is used when
 * every event has it, else the event's position is its time. Events of non-integer processes
 * (`:nemesis`) are skipped. Functions read/write/cas of one register.
 *
 * @param modelOptions - e.g. `{initial: 0, nilReadMatchesAny: true}` for Knossos' examples.
 * @throws HistoryFormatError `file:line:col: …`
 */
export function readJepsenEdnHistory(path: string, modelOptions: CasRegisterOptions = {}): ImportedHistory<HistoryEvent> {
  return parseJepsenEdnHistory(readFileSync(path, 'utf8'), path, modelOptions);
}

/** `readJepsenEdnHistory` on text; `file` is named in errors. */
export function parseJepsenEdnHistory(text: string, file: string, modelOptions: CasRegisterOptions = {}): ImportedHistory<HistoryEvent> {
  let top: EdnValue[];
  try {
    top = readEdnAll(text);
  } catch (error) {
    if (error instanceof EdnSyntaxError) {
      const {line, column} = lineColumn(text, error.offset);
      throw new HistoryFormatError(`${file}:${line}:${column}: ${error.message}`);
    }
    throw error;
  }
  const maps = top.length === 1 && Array.isArray(top[0]) ? top[0] : top;
  const raw: Array<Omit<HistoryEvent, 'index'> & {hasTime: boolean}> = [];
  maps.forEach((map, position) => {
    const where = `${file}: event ${position}`;
    if (!(map instanceof Map)) throw new HistoryFormatError(`${where}: expected a map {:process … :type … :f … :value …}`);
    const process = map.get(':process');
    if (typeof process !== 'number') return; // :nemesis and other non-client processes
    const type = name(map.get(':type'));
    const f = name(map.get(':f'));
    if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') throw new HistoryFormatError(`${where}: :type must be :invoke, :ok, :fail or :info`);
    if (f !== 'read' && f !== 'write' && f !== 'cas') throw new HistoryFormatError(`${where}: :f must be :read, :write or :cas`);
    const value = map.get(':value') ?? null;
    if (value instanceof Keyword || (value !== null && typeof value !== 'number' && !Array.isArray(value))) {
      // e.g. :timed-out on an :info completion: the value is unknown.
      if (type === 'invoke') throw new HistoryFormatError(`${where}: unreadable invoke value`);
    }
    const time = map.get(':time');
    raw.push({
      process,
      type: type as EventType,
      f: f as OpFunction,
      key: JEPSEN_REGISTER_KEY,
      value: typeof value === 'number' || value === null || Array.isArray(value) ? value : null,
      time: typeof time === 'number' ? time : position,
      hasTime: typeof time === 'number',
    });
  });
  const allTimed = raw.every((e) => e.hasTime);
  // Completions of writes and cas carry their invoke's value when theirs is unknown.
  const open = new Map<number, unknown>();
  const events: HistoryEvent[] = raw.map(({hasTime: _hasTime, ...event}, index) => {
    if (event.type === 'invoke') open.set(event.process, event.value);
    else if (event.f !== 'read' && event.value === null) event.value = open.get(event.process) ?? null;
    return {...event, index, time: allTimed ? event.time : index};
  });
  return {events, model: casRegister(modelOptions)};
}

function name(value: EdnValue | undefined): string | undefined {
  return value instanceof Keyword ? value.name : undefined;
}
