import {InputError} from '../errors/index.js';
import type {HistoryFormat} from '../history/importers/detect.js';
import {loadHistory} from '../history/importers/load.js';
import {SET_FUNCTIONS, type OpFunction} from '../history/types.js';
import {checkHistory} from './check.js';
import {type ModelName, modelByName, type NamedModelOptions} from './models/index.js';
import type {CheckResult} from './types.js';

/** Options of `checkFile` (the flags of `faultline check`). */
export interface CheckFileOptions {
  /** The file's format; `'auto'` tells it from the content. @default 'auto' */
  format?: HistoryFormat | 'auto';
  /** The model; @default the format's own (`FORMAT_MODELS`: kv for porcupine-kv, else cas-register) */
  model?: ModelName;
  /**
   * Initial value as typed: an integer or `nil` for the registers, any text for kv.
   * @default the model's (absent for the registers, "" for kv)
   */
  initial?: string;
  /** Registers: a read of nil matches any state (Knossos). @default true for jepsen-edn, else false */
  nilReadMatchesAny?: boolean;
  /** Wall-clock budget, milliseconds; keys not settled in time are `'unknown'`. @default Infinity */
  timeLimitMs?: number;
}

/** `CheckResult` plus what was checked. This is what `faultline check --json` prints. */
export interface FileCheckResult extends CheckResult {
  file: string;
  format: HistoryFormat;
  /** The model's name, e.g. `cas-register`. */
  model: ModelName;
  /**
   * Events left out because they belong to the set workload (`add`, `read-set` in a faultline JSONL
   * history): a run checks those with its `set` check, not against a register model.
   */
  setEventsSkipped: number;
}



/**
 * Reads a history file (any supported format) and checks it for linearizability. The only
 * function of the checker that touches the disk: `faultline check` is a thin wrapper around it.
 *
 * @returns the verdict per key, with evidence for keys that are not linearizable.
 * @throws HistoryFormatError `file:line:column: expected …` for a bad file or event (exit 2).
 * @throws InputError for an `initial` value that does not fit the model (exit 2).
 */
export function checkFile(file: string, options: CheckFileOptions = {}): FileCheckResult {
  const history = loadHistory(file, options.format ?? 'auto');
  const model = options.model ?? history.model;
  const modelOptions: NamedModelOptions = {...history.modelOptions};
  if (options.nilReadMatchesAny !== undefined) modelOptions.nilReadMatchesAny = options.nilReadMatchesAny;
  if (options.initial !== undefined) modelOptions.initial = parseInitial(options.initial, model);
  const events = history.format === 'jsonl' ? history.events.filter((e) => !SET_FUNCTIONS.includes(e.f as OpFunction)) : history.events;
  const result = checkHistory(events, {
    model: modelByName(model, modelOptions),
    timeLimitMs: options.timeLimitMs,
    source: {file, positions: history.positions, timed: history.timed},
  });
  return {file, format: history.format, model, setEventsSkipped: history.events.length - events.length, ...result};
}

/**
 * Reads `--initial` for a model: `nil`/`null` or an integer for the registers, the text itself for kv.
 * @throws InputError when a register gets something else.
 */
export function parseInitial(text: string, model: ModelName): number | string | null {
  if (model === 'kv') return text;
  if (text === 'nil' || text === 'null') return null;
  if (/^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text))) return Number(text);
  throw new InputError(`--initial: expected an integer or nil for the ${model} model, got ${JSON.stringify(text)}`);
}
