import type {Operation} from './types.js';

/**
 * Stage 3: the call/return entry list of one sub-history (Wing & Gong 1993; Lowe 2017 §3),
 * as a doubly linked list over typed arrays.
 *
 * Operation `i` (its index in the sub-history) owns entries `2i` (call) and `2i + 1` (return),
 * so `isCall(e)`, `operationOf(e)` and a call's matching return are arithmetic. Entry `2m` is
 * the head sentinel. Order: by time; at equal times calls come before returns, so intervals
 * are closed (an operation invoked at the instant another returns is concurrent with it);
 * `info` operations return at `Infinity`, after every other entry.
 *
 * Invariant: a call precedes its return in the list; `lift`/`unlift` are LIFO-paired.
 */
export class EntryList {
  /** The head sentinel's entry number (`2 * size`). */
  readonly head: number;
  /** Next entry, or -1 at the end. Indexed by entry number. */
  readonly next: Int32Array;
  /** Previous entry (the head sentinel for the first). Indexed by entry number. */
  readonly prev: Int32Array;

  /** @param operations - one sub-history; entry numbers follow array positions. */
  constructor(readonly operations: readonly Operation[]) {
    const m = operations.length;
    this.head = 2 * m;
    this.next = new Int32Array(2 * m + 1).fill(-1);
    this.prev = new Int32Array(2 * m + 1).fill(-1);
    const order = sortedEntries(operations);
    let last = this.head;
    for (let k = 0; k < order.length; k++) {
      const e = order[k];
      this.next[last] = e;
      this.prev[e] = last;
      last = e;
    }
  }

  /** The first entry after the head, or -1 when the list is empty. */
  first(): number {
    return this.next[this.head];
  }

  /** Removes a call entry and its return (an operation is linearized). O(1). */
  lift(call: number): void {
    const {next, prev} = this;
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    const ret = call + 1;
    const after = next[ret];
    next[prev[ret]] = after;
    if (after !== -1) prev[after] = prev[ret];
  }

  /** Puts back the last lifted call entry and its return. O(1). */
  unlift(call: number): void {
    const {next, prev} = this;
    const ret = call + 1;
    const after = next[ret];
    next[prev[ret]] = ret;
    if (after !== -1) prev[after] = ret;
    next[prev[call]] = call;
    prev[next[call]] = call;
  }
}

/** True for a call entry. */
export function isCall(entry: number): boolean {
  return (entry & 1) === 0;
}

/** The sub-history index of the operation an entry belongs to. */
export function operationOf(entry: number): number {
  return entry >> 1;
}

/** Entry numbers in list order: by time, calls before returns at equal times, then by operation. */
export function sortedEntries(operations: readonly Operation[]): Int32Array {
  const m = operations.length;
  const entries = new Int32Array(2 * m);
  const times = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    entries[2 * i] = 2 * i;
    entries[2 * i + 1] = 2 * i + 1;
    times[2 * i] = operations[i].callNs;
    times[2 * i + 1] = operations[i].returnNs;
  }
  // Entry numbers already encode "call first" (even) and operation order, so ties break on them.
  entries.sort((a, b) => times[a] - times[b] || (a & 1) - (b & 1) || a - b);
  return entries;
}
