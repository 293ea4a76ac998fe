import {performance} from 'node:perf_hooks';
import type {CacheBudget} from './cache.js';
import {CACHE_RECORD_OVERHEAD_BYTES} from './cache.js';
import {buildEvidence} from './evidence.js';
import {type ModelName, modelByName} from './models/index.js';
import {pairOperations} from './operations.js';
import {compareKeys, type KeyHistory, partitionByKey} from './partition.js';
import {KeySearch} from './search.js';
import {type HistorySource, locateByIndex, locateInFile} from './locate.js';
import type {AnyModel, CheckableEvent, CheckResult, KeyResult, Operation, Verdict} from './types.js';

/**
 * Default cap on cached configurations over all keys being searched at once. With the byte cap
 * below it bounds the checker's memory; reaching either gives `'unknown'`, never an OOM.
 */
export const DEFAULT_MAX_CACHE_ENTRIES = 4_000_000;

/**
 * Default cap on the approximate bytes of cached configurations (bitset words plus
 * `CACHE_RECORD_OVERHEAD_BYTES` each), over all keys. 768 MiB: well under Node 20's default
 * old-space limit on a 64-bit machine with 4 GiB or more, leaving room for the history itself.
 */
export const DEFAULT_MAX_CACHE_BYTES = 768 * 1024 * 1024;

/**
 * Time slice a key gets before the scheduler moves to the next unfinished key, milliseconds.
 * Small enough that many keys share a budget fairly, large enough that the clock and the
 * switch cost nothing measurable.
 */
export const TIME_SLICE_MS = 20;

/** Options of `checkHistory` and `checkOperations`. */
export interface CheckOptions {
  /**
   * The sequential specification: a name (with default options) or a model, e.g.
   * `casRegister({initial: 0, nilReadMatchesAny: true})` for Knossos histories.
   * @default 'cas-register'
   */
  model?: ModelName | AnyModel;
  /**
   * Wall-clock budget for the whole check, milliseconds. Keys are searched round-robin in
   * slices of `TIME_SLICE_MS`, smallest first, so a hard key only uses the time the others
   * leave; keys unfinished when it runs out are `'unknown'`. `0` searches nothing.
   * @default Infinity (keys are then checked one after another, smallest first)
   */
  timeLimitMs?: number;
  /** Cap on cached configurations over all keys searched at once. @default DEFAULT_MAX_CACHE_ENTRIES */
  maxCacheEntries?: number;
  /** Cap on approximate cache bytes over all keys searched at once. @default DEFAULT_MAX_CACHE_BYTES */
  maxCacheBytes?: number;
  /**
   * The file the events came from: errors then name `file:line:column`, and evidence names lines
   * (and leaves out times when the file has no clock). @default none (events named by index)
   */
  source?: HistorySource;
}

/**
 * Checks a history for linearizability (Herlihy & Wing 1990) against a model: pairs invokes
 * with completions, splits per key (P-compositionality, Horn & Kroening 2015), and searches
 * each key with Wing & Gong's (1993) algorithm and Lowe's (2017) memoization, as Porcupine does.
 * Every key is checked, even after one is found non-linearizable, so a report can show all.
 *
 * Synchronous: it blocks for up to `timeLimitMs` (plus one slice).
 *
 * @param events - the history, in time order as recorded (`index`, `time` in nanoseconds).
 * @returns `valid` true, false (with per-key evidence) or `'unknown'` (a budget ran out; see `reason`).
 * @throws HistoryFormatError when events do not pair up or values do not fit the model.
 */
export function checkHistory(events: readonly CheckableEvent[], options: CheckOptions = {}): CheckResult {
  const model = resolveModel(options.model);
  const locate = options.source === undefined ? locateByIndex : locateInFile(options.source.file, options.source.positions);
  return checkOperations(pairOperations(events, model, locate), {...options, model});
}

/**
 * `checkHistory` that yields to the event loop between time slices, so that signals, timers and
 * I/O go on while a long check runs. Aborting `signal` stops the search at the next slice: keys
 * not settled by then are `'unknown'` ("interrupted").
 * @throws HistoryFormatError as `checkHistory`.
 */
export async function checkHistoryAsync(events: readonly CheckableEvent[], options: CheckOptions & {signal?: AbortSignal} = {}): Promise<CheckResult> {
  const model = resolveModel(options.model);
  const locate = options.source === undefined ? locateByIndex : locateInFile(options.source.file, options.source.positions);
  const steps = schedule(pairOperations(events, model, locate), {...options, model}, true);
  for (;;) {
    const next = steps.next(options.signal?.aborted ?? false);
    if (next.done) return next.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `checkHistory` for operations already paired (stage 1 done by the caller). */
export function checkOperations(operations: readonly Operation[], options: CheckOptions = {}): CheckResult {
  const steps = schedule(operations, options, false);
  for (;;) {
    const next = steps.next(false);
    if (next.done) return next.value;
  }
}

/**
 * The scheduler behind both entry points: yields after each slice (when `sliced` or a time
 * limit is set); the value sent back says whether to stop (interrupted).
 */
function* schedule(operations: readonly Operation[], options: CheckOptions, sliced: boolean): Generator<void, CheckResult, boolean> {
  const startMs = performance.now();
  const model = resolveModel(options.model);
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  const deadlineMs = startMs + Math.max(0, timeLimitMs);
  const budget: CacheBudget = {
    maxEntries: options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES,
    maxBytes: options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES,
    entries: 0,
    bytes: 0,
  };
  // Stage 2 and the model's pruning of operations that cannot change a key's verdict.
  const parts = partitionByKey(operations, model).map((part) => (model.prune ? {...part, operations: model.prune(part.operations)} : part));
  const jobs: Job[] = parts
    .map((part) => ({part, search: null as KeySearch | null, durationMs: 0, result: null as KeyResult | null}))
    .sort((a, b) => a.part.operations.length - b.part.operations.length || compareKeys(a.part.key, b.part.key));

  const source = options.source;
  let interrupted = false;
  if (!Number.isFinite(timeLimitMs) && !sliced) {
    for (const job of jobs) runSlice(job, Infinity, model, budget, source);
  } else {
    let active = jobs;
    while (active.length > 0 && performance.now() < deadlineMs && !interrupted) {
      for (const job of active) {
        const now = performance.now();
        if (now >= deadlineMs) break;
        runSlice(job, Math.min(deadlineMs, now + TIME_SLICE_MS), model, budget, source);
        if ((interrupted = yield)) break;
      }
      active = active.filter((job) => job.result === null);
    }
  }

  for (const job of jobs) {
    if (job.result === null) job.result = interrupted ? stopped(job) : timedOut(job, timeLimitMs);
  }
  const keys = jobs.map((job) => job.result!).sort((a, b) => compareKeys(a.key, b.key));
  return merge(keys, operations.length, performance.now() - startMs);
}

interface Job {
  part: KeyHistory;
  search: KeySearch | null;
  durationMs: number;
  result: KeyResult | null;
}

function runSlice(job: Job, untilMs: number, model: AnyModel, budget: CacheBudget, source: HistorySource | undefined): void {
  const begin = performance.now();
  job.search ??= new KeySearch(job.part.operations, model, budget);
  const status = job.search.run(untilMs);
  job.durationMs += performance.now() - begin;
  const {key, operations} = job.part;
  const base = {key, operationCount: operations.length, durationMs: job.durationMs};
  if (status === 'linearizable') {
    job.result = {...base, valid: true};
  } else if (status === 'not-linearizable') {
    const evidence = buildEvidence(operations, job.search.deepestPoint!, model, source);
    job.result = {...base, valid: false, reason: evidence.sentence, evidence};
  } else if (status === 'out-of-cache') {
    job.result = {
      ...base,
      valid: 'unknown',
      reason:
        `cache budget ran out on key ${key} (${budget.maxEntries} configurations or ${formatMiB(budget.maxBytes)} over all keys searched at once, ` +
        `about ${CACHE_RECORD_OVERHEAD_BYTES + 4 * Math.ceil(operations.length / 32)} bytes each for its ${operations.length} operations)`,
    };
  }
  if (job.result !== null) job.search = null;
}

function stopped(job: Job): KeyResult {
  const {key, operations} = job.part;
  return {key, valid: 'unknown', operationCount: operations.length, durationMs: job.durationMs, reason: `interrupted before key ${key} was settled`};
}

function timedOut(job: Job, timeLimitMs: number): KeyResult {
  const {key, operations} = job.part;
  const depth = job.search?.deepestPoint?.prefix.length;
  const progress = job.search === null ? 'before its search started' : `after ${job.durationMs.toFixed(0)} ms of search${depth === undefined ? '' : ` (deepest linearizable prefix: ${depth} of ${operations.length} operations)`}`;
  return {
    key,
    valid: 'unknown',
    operationCount: operations.length,
    durationMs: job.durationMs,
    reason: `time budget of ${timeLimitMs} ms ran out on key ${key} ${progress}`,
  };
}

/** Stage 6: merges per-key verdicts, ranking false over `'unknown'` over true. */
export function merge(keys: KeyResult[], operationCount: number, durationMs: number): CheckResult {
  const failed = keys.filter((k) => k.valid === false);
  const unknown = keys.filter((k) => k.valid === 'unknown');
  const valid: Verdict = failed.length > 0 ? false : unknown.length > 0 ? 'unknown' : true;
  const result: CheckResult = {valid, keys, operationCount, durationMs};
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`not linearizable on ${plural(failed.length, 'key')} ${failed.map((k) => k.key).join(', ')}: ${failed[0].reason}`);
  if (unknown.length > 0) parts.push(`${plural(unknown.length, 'key')} left unknown: ${unknown.map((k) => k.reason).join('; ')}`);
  if (parts.length > 0) result.reason = parts.join(' ');
  return result;
}

function resolveModel(model: CheckOptions['model']): AnyModel {
  if (model === undefined) return modelByName('cas-register');
  return typeof model === 'string' ? modelByName(model) : model;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
