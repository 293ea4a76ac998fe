import {performance} from 'node:perf_hooks';
import {Bitset} from './bitset.js';
import {type CacheBudget, ConfigurationCache} from './cache.js';
import {EntryList, isCall} from './entries.js';
import type {AnyModel, Operation} from './types.js';

/** Iterations of the search loop between two looks at the clock. */
const CLOCK_CHECK_INTERVAL = 512;

/** Where a search stands. */
export type SearchStatus = 'running' | 'linearizable' | 'not-linearizable' | 'out-of-cache';

/**
 * The deepest point the search reached (by number of linearized operations), kept for evidence.
 * Operation numbers are indexes into the sub-history.
 */
export interface DeepestPoint {
  /** Linearized operations, in linearization order. */
  prefix: number[];
  /** Model state after `prefix`. */
  state: unknown;
  /** The operation whose return entry was reached unlinearized. */
  stuck: number;
  /** Operations called before that return and not linearized. */
  candidates: number[];
}

/**
 * Stage 5: the Wing & Gong (1993) backtracking search for a linearization of one sub-history,
 * with Lowe's (2017) memoization of (linearized set, state) configurations, as Porcupine
 * (Athalye 2017, checker.go) does it: walk the entry list; at a call entry, try the operation
 * in the current state and, if legal and the configuration is new, linearize it (lift its
 * entries, push an undo record) and restart from the head; at a return entry, the operation
 * should already be linearized, so undo the last choice and try the next entry.
 *
 * `info` operations return at infinity; since they may also never take effect, the search
 * succeeds as soon as every other operation is linearized.
 *
 * Three reductions on top of Porcupine's search, none of which changes a verdict (the proofs are
 * on the fields): read-only operations are linearized greedily (`stackDoomed`), identical
 * operations in call order (`twin`), and definite candidates are tried before `info` ones
 * (`deferredPhase`).
 *
 * Resumable: `run(deadline)` works until the verdict or the deadline, so a scheduler can
 * interleave keys. All state is in typed arrays and an explicit undo stack (no recursion).
 */
export class KeySearch {
  private readonly entries: EntryList;
  private readonly linearized: Bitset;
  private readonly cache: ConfigurationCache;
  private readonly inputs: unknown[];
  private readonly outputs: unknown[];
  /** 1 for `info` operations. */
  private readonly open: Uint8Array;
  /** 1 for operations that never change a state they are legal in (`Model.readOnly`). */
  private readonly readOnly: Uint8Array;
  /**
   * For each operation, an identical one (same input and output) that must be linearized before
   * it, or -1: symmetry breaking. If a and b are identical, a is called no later than b and
   * returns no later than b (always so for two `info` operations), then any linearization that
   * places b before a, or b without a, stays one with their places swapped, or with a in b's
   * place. So the search only tries b once a is in: histories with many `info` writes of the
   * same few values (Porcupine's etcd logs) shrink by orders of magnitude.
   */
  private readonly twin: Int32Array;
  /** Undo stack: the call entry linearized at each depth, and the state before it. */
  private readonly stackCall: Int32Array;
  private readonly stackState: unknown[];
  /** For nondeterministic steps: the next states of each frame and the next one to try. */
  private readonly stackChoices: Array<readonly unknown[] | null>;
  private readonly stackChoiceNext: Int32Array;
  /**
   * 1 when the frame linearized a read-only operation (`Model.readOnly`: it changes no state it
   * is legal in, like a read or a failed comparison). Such a frame has no alternatives worth
   * trying: if (linearized ∪ {op}, state) fails, so does (linearized, state). Proof: the
   * operation was reached before any pending return, so in any linearization of the rest it
   * can be moved to the front without breaking real-time order; it is legal there and, being
   * read-only, changes the state neither there nor where it was. This partial-order reduction
   * prunes most of the search on read-heavy histories; verdicts are unchanged.
   */
  private readonly stackDoomed: Uint8Array;
  private depth = 0;
  private state: unknown;
  private cursor: number;
  /** Operations with a finite return not yet linearized. */
  private pendingDefinite = 0;
  /** `info` operations in this sub-history. */
  private openCount = 0;
  /**
   * Which pass over the current configuration's candidates (the calls before the first pending
   * return) the walk is in: false = definite operations, true = `info` operations. Any order of
   * candidates is complete; trying the definite ones first finds linearizations of histories
   * with many `info` operations sooner, since an `info` operation need not take effect at all.
   */
  private deferredPhase = false;
  private bestDepth = -1;
  private deepest: DeepestPoint | null = null;
  private statusValue: SearchStatus = 'running';
  /** Search loop iterations so far (a measure of work). */
  iterations = 0;

  constructor(
    readonly operations: readonly Operation[],
    private readonly model: AnyModel,
    budget: CacheBudget,
  ) {
    const m = operations.length;
    this.entries = new EntryList(operations);
    this.linearized = new Bitset(m);
    this.cache = new ConfigurationCache(model, budget, m);
    this.inputs = operations.map((op) => op.input);
    this.outputs = operations.map((op) => op.output);
    this.open = new Uint8Array(m);
    this.readOnly = new Uint8Array(m);
    const readOnly = model.readOnly;
    if (readOnly !== undefined) {
      for (let i = 0; i < m; i++) if (readOnly(operations[i].input, operations[i].output)) this.readOnly[i] = 1;
    }
    for (let i = 0; i < m; i++) {
      if (operations[i].returnNs === Infinity) {
        this.open[i] = 1;
        this.openCount++;
      } else this.pendingDefinite++;
    }
    this.twin = twins(operations);
    this.stackCall = new Int32Array(m);
    this.stackState = new Array<unknown>(m);
    this.stackChoices = new Array<readonly unknown[] | null>(m).fill(null);
    this.stackChoiceNext = new Int32Array(m);
    this.stackDoomed = new Uint8Array(m);
    this.state = model.init();
    this.cursor = this.entries.first();
    if (this.pendingDefinite === 0) this.finish('linearizable');
  }

  get status(): SearchStatus {
    return this.statusValue;
  }

  /** The deepest point reached so far (set once the search has backtracked at least once). */
  get deepestPoint(): DeepestPoint | null {
    return this.deepest;
  }

  /** Records held by this search's cache. */
  get cacheSize(): number {
    return this.cache.size;
  }

  /**
   * Searches until a verdict or until `performance.now()` reaches `deadlineMs`.
   * @param deadlineMs - a `performance.now()` timestamp, milliseconds; Infinity for no limit.
   * @returns the status: `'running'` if the deadline came first.
   */
  run(deadlineMs: number): SearchStatus {
    if (this.statusValue !== 'running') return this.statusValue;
    const {entries, linearized, cache, model, inputs, outputs, open, readOnly, twin, stackCall, stackState, stackChoices, stackChoiceNext, stackDoomed} = this;
    const next = entries.next;
    const head = entries.head;
    const hasOpen = this.openCount > 0;
    let entry = this.cursor;
    let state = this.state;
    let depth = this.depth;
    let deferred = this.deferredPhase;
    let countdown = CLOCK_CHECK_INTERVAL;
    const save = (): void => {
      this.cursor = entry;
      this.state = state;
      this.depth = depth;
      this.deferredPhase = deferred;
    };

    for (;;) {
      if (--countdown === 0) {
        this.iterations += CLOCK_CHECK_INTERVAL;
        countdown = CLOCK_CHECK_INTERVAL;
        if (performance.now() >= deadlineMs) {
          save();
          return 'running';
        }
      }
      if (this.pendingDefinite === 0) {
        save();
        return this.finish('linearizable');
      }
      if ((entry & 1) === 0) {
        // A call entry. Definite operations are tried in a first pass over the candidates, `info`
        // ones in a second (see `deferredPhase`).
        const op = entry >> 1;
        if ((open[op] === 1) !== deferred || (twin[op] !== -1 && !linearized.has(twin[op]))) {
          entry = next[entry];
          continue;
        }
        const result = model.step(state, inputs[op], outputs[op]);
        let chosen = -1;
        let nextState: unknown;
        let choices: readonly unknown[] | null = null;
        let preserving = false;
        if (Array.isArray(result)) {
          choices = result as readonly unknown[];
          chosen = this.firstNewChoice(op, choices, 0);
          if (chosen === -2) {
            save();
            return this.finish('out-of-cache');
          }
          if (chosen >= 0) nextState = choices[chosen];
        } else {
          const single = result as {ok: boolean; state: unknown};
          if (single.ok) {
            const after = single.state;
            preserving = readOnly[op] === 1;
            const added = cache.addIfNew(linearized, op, after, model.hash(after));
            if (added === null) {
              save();
              return this.finish('out-of-cache');
            }
            if (added) {
              chosen = 0;
              nextState = after;
            }
          }
        }
        if (chosen >= 0) {
          stackCall[depth] = entry;
          stackState[depth] = state;
          stackChoices[depth] = choices;
          stackChoiceNext[depth] = chosen + 1;
          stackDoomed[depth] = preserving ? 1 : 0;
          depth++;
          state = nextState;
          linearized.set(op);
          entries.lift(entry);
          if (open[op] === 0) this.pendingDefinite--;
          entry = next[head];
          deferred = false;
          continue;
        }
        if (!preserving) {
          entry = next[entry];
          continue;
        }
        // A legal state-preserving operation whose successor configuration was already explored
        // (and failed): the current configuration fails too (see `stackDoomed`). Backtrack.
      } else {
        // A return entry: the candidates end here. After the first pass, try the `info` ones.
        if (!deferred && hasOpen) {
          deferred = true;
          entry = next[head];
          continue;
        }
        // Its operation had to be linearized by now. Backtrack.
        if (depth > this.bestDepth) this.recordDeepest(entry, depth, state);
      }

      // Backtrack: undo the last choice and try the next entry after it, skipping frames whose
      // configuration is known to fail.
      for (;;) {
        if (depth === 0) {
          save();
          return this.finish('not-linearizable');
        }
        depth--;
        entry = stackCall[depth];
        state = stackState[depth];
        const op = entry >> 1;
        linearized.clear(op);
        entries.unlift(entry);
        if (open[op] === 0) this.pendingDefinite++;
        if (stackDoomed[depth] === 1) continue;
        deferred = open[op] === 1;
        const choices = stackChoices[depth];
        if (choices !== null) {
          stackChoices[depth] = null;
          const chosen = this.firstNewChoice(op, choices, stackChoiceNext[depth]);
          if (chosen === -2) {
            save();
            return this.finish('out-of-cache');
          }
          if (chosen >= 0) {
            stackCall[depth] = entry;
            stackState[depth] = state;
            stackChoices[depth] = choices;
            stackChoiceNext[depth] = chosen + 1;
            stackDoomed[depth] = 0;
            depth++;
            state = choices[chosen];
            linearized.set(op);
            entries.lift(entry);
            if (open[op] === 0) this.pendingDefinite--;
            entry = next[head];
            deferred = false;
            break;
          }
        }
        entry = next[entry];
        break;
      }
    }
  }

  /** Index of the first choice from `from` whose configuration is new; -1 if none; -2 if out of cache. */
  private firstNewChoice(op: number, choices: readonly unknown[], from: number): number {
    for (let k = from; k < choices.length; k++) {
      const added = this.cache.addIfNew(this.linearized, op, choices[k], this.model.hash(choices[k]));
      if (added === null) return -2;
      if (added) return k;
    }
    return -1;
  }

  private recordDeepest(returnEntry: number, depth: number, state: unknown): void {
    this.bestDepth = depth;
    const prefix = new Array<number>(depth);
    for (let k = 0; k < depth; k++) prefix[k] = this.stackCall[k] >> 1;
    const candidates: number[] = [];
    const next = this.entries.next;
    for (let e = next[this.entries.head]; e !== returnEntry && e !== -1; e = next[e]) {
      if (isCall(e)) candidates.push(e >> 1);
    }
    this.deepest = {prefix, state, stuck: returnEntry >> 1, candidates};
  }

  private finish(status: SearchStatus): SearchStatus {
    this.statusValue = status;
    this.cache.release();
    return status;
  }
}

/**
 * `KeySearch.twin`: for each operation, the previous operation in call order with the same input
 * and output that also returns no later, or -1. Compared by JSON text, once per search.
 */
export function twins(operations: readonly Operation[]): Int32Array {
  const m = operations.length;
  const twin = new Int32Array(m).fill(-1);
  const order = Array.from({length: m}, (_, i) => i).sort((a, b) => operations[a].callNs - operations[b].callNs || a - b);
  const last = new Map<string, number>();
  for (const i of order) {
    const op = operations[i];
    const key = JSON.stringify([op.input, op.output]);
    const previous = last.get(key);
    if (previous !== undefined && operations[previous].returnNs <= op.returnNs) twin[i] = previous;
    last.set(key, i);
  }
  return twin;
}
