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
  /** Undo stack: the call entry linearized at each depth, and the state before it. */
  private readonly stackCall: Int32Array;
  private readonly stackState: unknown[];
  /** For nondeterministic steps: the next states of each frame and the next one to try. */
  private readonly stackChoices: Array<readonly unknown[] | null>;
  private readonly stackChoiceNext: Int32Array;
  private depth = 0;
  private state: unknown;
  private cursor: number;
  /** Operations with a finite return not yet linearized. */
  private pendingDefinite = 0;
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
    for (let i = 0; i < m; i++) {
      if (operations[i].returnNs === Infinity) this.open[i] = 1;
      else this.pendingDefinite++;
    }
    this.stackCall = new Int32Array(m);
    this.stackState = new Array<unknown>(m);
    this.stackChoices = new Array<readonly unknown[] | null>(m).fill(null);
    this.stackChoiceNext = new Int32Array(m);
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
    const {entries, linearized, cache, model, inputs, outputs, open, stackCall, stackState, stackChoices, stackChoiceNext} = this;
    const next = entries.next;
    let entry = this.cursor;
    let state = this.state;
    let depth = this.depth;
    let countdown = CLOCK_CHECK_INTERVAL;
    const save = (): void => {
      this.cursor = entry;
      this.state = state;
      this.depth = depth;
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
      if (isCall(entry)) {
        const op = entry >> 1;
        const result = model.step(state, inputs[op], outputs[op]);
        let chosen = -1;
        let nextState: unknown;
        let choices: readonly unknown[] | null = null;
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
            const added = cache.addIfNew(linearized, op, single.state, model.hash(single.state));
            if (added === null) {
              save();
              return this.finish('out-of-cache');
            }
            if (added) {
              chosen = 0;
              nextState = single.state;
            }
          }
        }
        if (chosen >= 0) {
          stackCall[depth] = entry;
          stackState[depth] = state;
          stackChoices[depth] = choices;
          stackChoiceNext[depth] = chosen + 1;
          depth++;
          state = nextState;
          linearized.set(op);
          entries.lift(entry);
          if (open[op] === 0) this.pendingDefinite--;
          entry = next[entries.head];
        } else {
          entry = next[entry];
        }
        continue;
      }

      // A return entry: its operation had to be linearized by now. Backtrack.
      if (depth > this.bestDepth) this.recordDeepest(entry, depth, state);
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
          depth++;
          state = choices[chosen];
          linearized.set(op);
          entries.lift(entry);
          if (open[op] === 0) this.pendingDefinite--;
          entry = next[entries.head];
          continue;
        }
      }
      entry = next[entry];
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
