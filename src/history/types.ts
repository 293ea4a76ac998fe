/**
 * History events, in Jepsen's model (DESIGN.md "History").
 *
 * An operation is an `invoke` event followed by one completion by the same process: `ok` (it
 * happened), `fail` (it certainly did not happen) or `info` (unknown: it may take effect at any time
 * after its invoke, or never). A process that gets `info` is retired; its client continues as a new
 * process number.
 */

/** Integer nanoseconds since the run started, from a monotonic clock. */
export type Nanoseconds = number;

export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

/** Operation functions: `read`, `write`, `cas` on registers; `add`, `read-set` on grow-only sets. */
export type OpFunction = 'read' | 'write' | 'cas' | 'add' | 'read-set';

/** The register functions, the ones a linearizability check of a register model takes. */
export const REGISTER_FUNCTIONS: readonly OpFunction[] = ['read', 'write', 'cas'];
/** The set workload's functions, judged by the set check, never by a linearizability model. */
export const SET_FUNCTIONS: readonly OpFunction[] = ['add', 'read-set'];

/**
 * One line of history.jsonl, e.g.
 * `{"index":42,"process":3,"type":"invoke","f":"cas","key":"k1","value":[1,2],"time":123456789}`.
 *
 * `value` by function: read — null on invoke, the value read (or null if absent) on ok;
 * write — the integer written; cas — `[from, to]`; add — the integer element added;
 * read-set — null on invoke, the sorted elements read on ok.
 */
export interface HistoryEvent {
  /** Position in the history, from 0, dense. */
  index: number;
  process: number;
  type: EventType;
  f: OpFunction;
  key: string;
  value: unknown;
  time: Nanoseconds;
  /** Node the client sent the request to (completions only). */
  node?: string;
  /** Why a `fail` or `info` happened (error code or text). */
  error?: string;
}
