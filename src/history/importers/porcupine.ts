import {readFileSync} from 'node:fs';
import {casRegister} from '../../checker/models/cas-register.js';
import {kvModel} from '../../checker/models/kv.js';
import type {SourcePosition} from '../../checker/locate.js';
import type {AnyModel, CheckableEvent} from '../../checker/types.js';
import {HistoryFormatError} from '../../errors/index.js';
import type {EventType, HistoryEvent, OpFunction} from '../types.js';
import {keywordName, readEdnValues} from './edn.js';

/**
 * A history read from another tool's format, with the model whose semantics its verdicts assume.
 * Pass both to `checkHistory(events, {model})`.
 */
export interface ImportedHistory<E extends CheckableEvent = CheckableEvent> {
  /** Events with dense `index` from 0; `time` is the 1-based line number (the logs carry no clock), in nanoseconds. */
  events: E[];
  model: AnyModel;
  /**
   * Where each event starts in the text (indexed by `index`), for `locateInFile`, so that the
   * checker's errors name `file:line:column`.
   */
  positions: SourcePosition[];
}

/** The single key under which etcd logs are imported (they test one register). */
export const ETCD_KEY = 'etcd';

const ETCD_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s*(.*?)\s*$/;

/**
 * Reads a Porcupine `jepsen/etcd_NNN.log` file (Jepsen's log of a single etcd cas register).
 * @throws HistoryFormatError naming the file and line of a malformed line.
 */
export function readPorcupineEtcdLog(path: string): ImportedHistory<HistoryEvent> {
  return parsePorcupineEtcdLog(readFileSync(path, 'utf8'), path);
}

/**
 * Parses the lines `INFO  jepsen.util - <process> <:type> <:f> <value>`. Values: `nil`, an
 * integer, `[from to]`, or `:timed-out` (on `:info`, and on `:fail :read`). Blank lines are
 * skipped. Completions of writes and cas carry their invoke's value; `:timed-out` and `nil`
 * become null.
 *
 * Semantics (data README): the register starts absent; `:fail :cas` means the comparison
 * failed, so the returned model is `casRegister({failedCas: 'compare-failed'})`. A
 * `:fail :read :timed-out` is a read with unknown result; it is kept as `fail`, which the
 * model drops — equivalent, since a read with unknown result constrains nothing.
 *
 * @param file - named in error messages.
 * @throws HistoryFormatError `file:line: …`
 */
export function parsePorcupineEtcdLog(text: string, file: string): ImportedHistory<HistoryEvent> {
  const events: HistoryEvent[] = [];
  const positions: SourcePosition[] = [];
  const openValue = new Map<number, unknown>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const match = ETCD_LINE.exec(line);
    if (match === null) {
      throw new HistoryFormatError(`${file}:${n + 1}:1: expected a Jepsen log line "INFO  jepsen.util - <process> :<type> :<f> <value>", got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const valueColumn = match[4] === '' ? line.trimEnd().length + 1 : line.lastIndexOf(match[4]) + 1;
    const where = `${file}:${n + 1}:${valueColumn}`;
    const process = Number(match[1]);
    const type = match[2] as EventType;
    const f = match[3] as OpFunction;
    let value = etcdValue(match[4], where);
    if (type === 'invoke') {
      if (value === TIMED_OUT) throw new HistoryFormatError(`${where}: expected a value on an invoke, got :timed-out`);
      if (f === 'cas' && !(Array.isArray(value) && value.length === 2)) throw new HistoryFormatError(`${where}: expected [from to] on a cas, got ${JSON.stringify(match[4])}`);
      if (f === 'write' && typeof value !== 'number') throw new HistoryFormatError(`${where}: expected an integer on a write, got ${JSON.stringify(match[4])}`);
      openValue.set(process, value);
    } else {
      if (value === TIMED_OUT) value = f === 'read' ? null : (openValue.get(process) ?? null);
      openValue.delete(process);
    }
    positions.push({line: n + 1, column: 1});
    events.push({index: events.length, process, type, f, key: ETCD_KEY, value, time: n + 1});
  }
  return {events, model: casRegister({failedCas: 'compare-failed'}), positions};
}

const TIMED_OUT = Symbol('timed-out');

function etcdValue(text: string, where: string): unknown {
  if (text === 'nil') return null;
  if (text === ':timed-out') return TIMED_OUT;
  if (/^-?\d+$/.test(text)) return Number(text);
  const pair = /^\[\s*(-?\d+|nil)\s+(-?\d+|nil)\s*\]$/.exec(text);
  if (pair !== null) return [pair[1] === 'nil' ? null : Number(pair[1]), pair[2] === 'nil' ? null : Number(pair[2])];
  throw new HistoryFormatError(`${where}: expected nil, an integer, [from to] or :timed-out, got ${JSON.stringify(text)}`);
}

/**
 * Reads a Porcupine `kv/*.txt` file: one EDN map per line,
 * `{:process 4, :type :ok, :f :append, :key "1", :value "x 4 0 y"}`, functions get/put/append.
 * @throws HistoryFormatError naming the file and line of a malformed line.
 */
export function readPorcupineKvLog(path: string): ImportedHistory {
  return parsePorcupineKvLog(readFileSync(path, 'utf8'), path);
}

/** Parses Porcupine kv text (see `readPorcupineKvLog`); the model is `kvModel()` (keys start as ""). */
export function parsePorcupineKvLog(text: string, file: string): ImportedHistory {
  const events: CheckableEvent[] = [];
  const positions: SourcePosition[] = [];
  const lines = text.split('\n');
  let previousLine = 0;
  for (const {value: map, line: lineNumber, column, endLine} of readEdnValues(lines, file)) {
    const where = `${file}:${lineNumber}:${column}`;
    if (lineNumber === previousLine) throw new HistoryFormatError(`${where}: expected one EDN map per line, got another on the same line`);
    if (endLine !== lineNumber) throw new HistoryFormatError(`${where}: expected one EDN map per line, got one that ends on line ${endLine}`);
    previousLine = lineNumber;
    if (!(map instanceof Map)) throw new HistoryFormatError(`${where}: expected an EDN map {:process … :type … :f … :key … :value …}`);
    const process = map.get('process');
    const type = keywordName(map.get('type'));
    const f = keywordName(map.get('f'));
    const key = map.get('key');
    const value = map.get('value') ?? null;
    if (typeof process !== 'number' || !Number.isInteger(process)) throw new HistoryFormatError(`${where}: expected :process to be an integer`);
    if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') throw new HistoryFormatError(`${where}: expected :type to be :invoke, :ok, :fail or :info`);
    if (f !== 'get' && f !== 'put' && f !== 'append') throw new HistoryFormatError(`${where}: expected :f to be :get, :put or :append`);
    if (typeof key !== 'string') throw new HistoryFormatError(`${where}: expected :key to be a string`);
    if (value !== null && typeof value !== 'string') throw new HistoryFormatError(`${where}: expected :value to be a string or nil`);
    positions.push({line: lineNumber, column});
    events.push({index: events.length, process, type, f, key, value, time: lineNumber});
  }
  return {events, model: kvModel(), positions};
}
