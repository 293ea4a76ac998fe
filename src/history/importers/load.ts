import type {SourcePosition} from '../../checker/locate.js';
import type {ModelName, NamedModelOptions} from '../../checker/models/index.js';
import type {CheckableEvent} from '../../checker/types.js';
import {parseJsonlHistory, readText} from '../jsonl.js';
import {detectFormat, type HistoryFormat} from './detect.js';
import {parseJepsenEdnHistory} from './jepsen-edn.js';
import {parsePorcupineEtcdLog, parsePorcupineKvLog} from './porcupine.js';

/** A history file read for checking, in any format, with what its verdicts assume. */
export interface LoadedHistory {
  file: string;
  /** The format read (detected, or as asked). */
  format: HistoryFormat;
  /** Events with dense `index` from 0, in file order. */
  events: CheckableEvent[];
  /** Where each event starts in the file, by `index`. */
  positions: SourcePosition[];
  /** Whether event times are a clock (jsonl; EDN with `:time` on every event), not just an order. */
  timed: boolean;
  /** The model the format's own checker uses, and its options (`FORMAT_MODELS`). */
  model: ModelName;
  modelOptions: NamedModelOptions;
}

/**
 * The model each format's histories are checked against by the tool that writes them:
 * - `jsonl` (faultline): cas-register; a `fail` cas did not happen.
 * - `jepsen-edn` (Jepsen, Knossos): cas-register; a read of nil matches any state, as Knossos'
 *   `register` and `cas-register` models have it; a `fail` cas did not happen.
 * - `porcupine-etcd`: cas-register; a `fail` cas means its comparison failed (data README).
 * - `porcupine-kv`: kv; every key starts as "".
 */
export const FORMAT_MODELS: Readonly<Record<HistoryFormat, {model: ModelName; modelOptions: NamedModelOptions}>> = {
  jsonl: {model: 'cas-register', modelOptions: {}},
  'jepsen-edn': {model: 'cas-register', modelOptions: {nilReadMatchesAny: true}},
  'porcupine-etcd': {model: 'cas-register', modelOptions: {failedCas: 'compare-failed'}},
  'porcupine-kv': {model: 'kv', modelOptions: {}},
};

/**
 * Reads a history file in any supported format (`'auto'` detects it from the content).
 * @throws HistoryFormatError `file:line:column: expected …` for an unreadable file or line.
 */
export function loadHistory(file: string, format: HistoryFormat | 'auto' = 'auto'): LoadedHistory {
  const text = readText(file);
  const chosen = format === 'auto' ? detectFormat(text, file) : format;
  const {events, positions, timed} = parseAs(chosen, text, file);
  return {file, format: chosen, events, positions, timed, ...FORMAT_MODELS[chosen]};
}

function parseAs(format: HistoryFormat, text: string, file: string): {events: CheckableEvent[]; positions: SourcePosition[]; timed: boolean} {
  switch (format) {
    case 'jsonl': {
      const read = parseJsonlHistory<CheckableEvent>(text, file, {anyFunction: true});
      // Evidence and errors refer to events by position; in files faultline writes, `index` is it.
      return {events: read.events.map((event, index) => (event.index === index ? event : {...event, index})), positions: read.positions, timed: true};
    }
    case 'jepsen-edn':
      return parseJepsenEdnHistory(text, file);
    case 'porcupine-etcd':
      return {...parsePorcupineEtcdLog(text, file), timed: false};
    case 'porcupine-kv':
      return {...parsePorcupineKvLog(text, file), timed: false};
  }
}
