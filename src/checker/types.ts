/**
 * Types shared by the stages of the linearizability checker (DESIGN.md "Checker").
 *
 * The pipeline: pair events into operations (operations.ts) → split per key (partition.ts) →
 * build call/return entries (entries.ts) → search (search.ts, with bitset.ts and cache.ts) →
 * merge (check.ts) → evidence (evidence.ts).
 */
import type {EventType, Nanoseconds} from '../history/types.js';

/** The three answers of the checker. `'unknown'` only when a budget ran out, always with a reason. */
export type Verdict = true | false | 'unknown';

/**
 * The part of a history event the checker reads. `HistoryEvent` (src/history/types.ts) is one;
 * importers of other formats (Porcupine's kv logs: `get`/`put`/`append`) produce these with
 * their own `f` names, and the model interprets `f` and `value`.
 */
export interface CheckableEvent {
  /** Position in the history, from 0. Evidence refers to operations by these indexes. */
  index: number;
  process: number;
  type: EventType;
  f: string;
  key: string;
  value: unknown;
  /** Nanoseconds since the run started (importers of logs without clocks use the line number). */
  time: Nanoseconds;
}

/**
 * Names where an event is in its source, for error messages: `history.jsonl:12:1` when the
 * history came from a file, `history event 12` otherwise (`locateByIndex`).
 */
export type EventLocator = (event: CheckableEvent) => string;

/** How an operation completed, as far as the search is concerned. */
export type OperationStatus = 'ok' | 'info' | 'fail';

/**
 * One operation: an invoke and its completion, with the model's typed input and output.
 *
 * Invariant: `callNs <= returnNs`; `returnNs` is `Infinity` exactly when `status` is `'info'`
 * (the operation may take effect at any time after its invoke, or never).
 */
export interface Operation<I = unknown, O = unknown> {
  /** Dense id in the whole history, 0..n-1, in invoke order. */
  id: number;
  key: string;
  process: number;
  /** The function name as in the history (`read`, `write`, `cas`, `get`, ...). */
  f: string;
  input: I;
  output: O;
  status: OperationStatus;
  /** `index` of the invoke event. */
  invokeIndex: number;
  /** `index` of the completion event; null when the history ended with the operation open. */
  completionIndex: number | null;
  /** Invoke time, nanoseconds. */
  callNs: Nanoseconds;
  /** Completion time, nanoseconds; `Infinity` for `info` operations. */
  returnNs: Nanoseconds;
}

/**
 * What `Model.step` returns: either one outcome (`ok` says whether the operation is legal in
 * `state`, and `state` is the state after it), or, for a nondeterministic model, the list of
 * possible next states (empty = illegal).
 */
export type StepResult<S> = {readonly ok: boolean; readonly state: S} | readonly S[];

/**
 * A sequential specification: a record of pure functions (STYLE "For faultline" 4, after
 * Porcupine's `Model`). Build one with `defineModel` (models/define.ts), which fills defaults.
 *
 * @typeParam S - model state; treated as immutable.
 * @typeParam I - operation input, produced by `parse`.
 * @typeParam O - operation output, produced by `parse`.
 */
export interface Model<S = unknown, I = unknown, O = unknown> {
  /** Short name for reports, e.g. `cas-register`. */
  name: string;
  /** The initial state. */
  init(): S;
  /**
   * Turns an invoke and its completion (null if the history ended with it open) into the
   * model's input and output, or returns null when the operation certainly did not happen and
   * is dropped from the search (e.g. a `fail` in Jepsen semantics).
   *
   * @param locate - names an event in error messages. @default `locateByIndex`
   * @throws HistoryFormatError `<where>: expected …, got …` when a value has the wrong shape.
   */
  parse(invoke: CheckableEvent, completion: CheckableEvent | null, locate?: EventLocator): {input: I; output: O; status: OperationStatus} | null;
  /**
   * Applies one operation to `state`. Pure. The search reads the result before it calls `step`
   * again, so a model may return one reused object (`reusableOutcome`).
   */
  step(state: S, input: I, output: O): StepResult<S>;
  /** State equality, used on cache-bucket collisions. */
  equal(a: S, b: S): boolean;
  /** A 32-bit integer hash of a state, consistent with `equal`. */
  hash(state: S): number;
  /**
   * Splits one history into independent sub-histories (P-compositionality, Horn & Kroening
   * 2015). @default by `key`.
   */
  partition?(operations: readonly Operation<I, O>[]): Operation<I, O>[][];
  /**
   * True when the operation changes no state in which it is legal: a read, a comparison that
   * failed. The search then linearizes it as soon as it is legal and never tries it later (a
   * partial-order reduction; see search.ts). Must be exact: an operation that may change the
   * state somewhere (an `info` cas, a write) is not read-only. Optional; omitting it only costs
   * speed. @default none (no operation is read-only)
   */
  readOnly?(input: I, output: O): boolean;
  /**
   * Drops operations of one key's sub-history that cannot change its verdict, before the search:
   * e.g. `info` operations whose effect no completed operation can observe. Must be sound: the
   * sub-history is linearizable iff the pruned one is. Optional; omitting it only costs speed.
   */
  prune?(operations: readonly Operation<I, O>[]): Operation<I, O>[];
  /** One short phrase, e.g. `read returned 7`, `cas 3→4 (succeeded)`. */
  describeOperation(input: I, output: O): string;
  /** e.g. `the register held 9`. */
  describeState(state: S): string;
}

/** A model with its type parameters erased, as the checker's stages hold it. */
export type AnyModel = Model<any, any, any>;

/** One operation as evidence shows it: enough for a report to draw it on a timeline. */
export interface EvidenceOperation {
  /** Operation id (dense, in invoke order). */
  id: number;
  process: number;
  key: string;
  f: string;
  /** `Model.describeOperation`, e.g. `read returned 7`. */
  description: string;
  status: OperationStatus;
  /** History index of the invoke event. */
  invokeIndex: number;
  /** History index of the completion event, or null if none. */
  completionIndex: number | null;
  /** Invoke time, nanoseconds. */
  callNs: Nanoseconds;
  /** Completion time, nanoseconds; null for `info` operations (they return "at infinity"). */
  returnNs: Nanoseconds | null;
}

/** Why one key is not linearizable. Evidence is data; `report/` renders it. */
export interface Evidence {
  /** The longest linearizable prefix found, in linearization order. */
  prefix: EvidenceOperation[];
  /** `Model.describeState` of the state after `prefix`. */
  stateAfterPrefix: string;
  /**
   * The operations pending at that deepest point (called, not yet linearized, called before the
   * earliest pending return): none of them could be linearized next.
   */
  candidates: EvidenceOperation[];
  /** The operation whose completion was reached without it being linearizable: the culprit. */
  stuck: EvidenceOperation | null;
  /** One plain-English sentence, e.g. "read of k3 returned 7 at 12.410 s, but …". */
  sentence: string;
}

/** The verdict on one key (one independent sub-history). */
export interface KeyResult {
  key: string;
  valid: Verdict;
  /** Operations searched for this key (`fail` operations dropped by the model are not counted). */
  operationCount: number;
  /** Wall-clock time spent searching this key, milliseconds. */
  durationMs: number;
  /** Set when `valid` is `'unknown'` (which budget ran out) and, briefly, when false. */
  reason?: string;
  /** Set when `valid` is false. */
  evidence?: Evidence;
}

/** The verdict on a whole history. Merging ranks false over `'unknown'` over true. */
export interface CheckResult {
  valid: Verdict;
  /** One result per key, in key order (natural sort). */
  keys: KeyResult[];
  /** Operations searched over all keys. */
  operationCount: number;
  /** Wall-clock time of the whole check, milliseconds. */
  durationMs: number;
  /** Set when `valid` is not true: which keys failed or were left unknown, and why. */
  reason?: string;
}
