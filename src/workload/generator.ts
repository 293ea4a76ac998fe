import type {Rng} from '../rng/index.js';

/**
 * Relative weights of the operation functions: `read`, `write` and `cas` on registers (keys
 * `k1` … `kK`), `add` and `read-set` on grow-only sets (keys `s1` … `sK`).
 */
export interface Mix {
  read: number;
  write: number;
  cas: number;
  add: number;
  'read-set': number;
}

/**
 * An operation to invoke: its function, key and history value — null (a read), an integer (a
 * write, or the element of an add), or `[from, to]` (a cas).
 */
export type Operation =
  | {f: 'read'; key: string; value: null}
  | {f: 'write'; key: string; value: number}
  | {f: 'cas'; key: string; value: [number, number]}
  | {f: 'add'; key: string; value: number}
  | {f: 'read-set'; key: string; value: null};

/** An operation on a register (read, write, cas). */
export type RegisterOperation = Extract<Operation, {f: 'read' | 'write' | 'cas'}>;

const FUNCTIONS = ['read', 'write', 'cas', 'add', 'read-set'] as const;

/**
 * Generates the workload's operations, drawing the function by the mix's weights.
 *
 * Registers (Jepsen's linearizable-register workload): written values are unique per key (1, 2, 3 …
 * per key, shared by all clients), so a read names the write it observed. A cas compares against a
 * value the key recently held, so that some succeed: the last value this generator saw written or
 * read for the key, or else a random earlier one.
 *
 * Sets (Jepsen's set workload): each add puts a new element (1, 2, 3 … per key) into one set key,
 * so that the set checker can tell every element's fate.
 */
export class OperationGenerator {
  private readonly nextValue: number[];
  private readonly nextElement: number[];
  private readonly lastSeen: Array<number | null>;
  private readonly weights: number[];

  constructor(
    private readonly keyCount: number,
    private readonly mix: Mix,
  ) {
    this.nextValue = Array.from({length: keyCount}, () => 1);
    this.nextElement = Array.from({length: keyCount}, () => 1);
    this.lastSeen = Array.from({length: keyCount}, () => null);
    this.weights = FUNCTIONS.map((f) => mix[f]);
  }

  /** Register keys (`k1` …), none when the mix has no register operation. */
  registerKeys(): string[] {
    return this.mix.read + this.mix.write + this.mix.cas > 0 ? Array.from({length: this.keyCount}, (_, i) => `k${i + 1}`) : [];
  }

  /** Set keys (`s1` …), none when the mix has no set operation. */
  setKeys(): string[] {
    return this.mix.add + this.mix['read-set'] > 0 ? Array.from({length: this.keyCount}, (_, i) => `s${i + 1}`) : [];
  }

  /** The next operation, drawing from `rng`. */
  next(rng: Rng): Operation {
    const k = rng.int(0, this.keyCount - 1);
    const f = FUNCTIONS[rng.weighted(this.weights)];
    switch (f) {
      case 'add':
        return {f, key: `s${k + 1}`, value: this.nextElement[k]++};
      case 'read-set':
        return {f, key: `s${k + 1}`, value: null};
      case 'read':
        return {f, key: `k${k + 1}`, value: null};
      case 'write':
        return {f, key: `k${k + 1}`, value: this.nextValue[k]++};
      case 'cas': {
        const value = this.nextValue[k]++;
        const seen = this.lastSeen[k];
        const from = seen ?? (value > 1 ? rng.int(1, value - 1) : 0);
        return {f, key: `k${k + 1}`, value: [from, value]};
      }
    }
  }

  /** Tells the generator a value a register key was observed to hold (an ok read, write or cas). */
  observe(key: string, value: number | null): void {
    if (!key.startsWith('k')) return;
    const k = Number(key.slice(1)) - 1;
    if (k >= 0 && k < this.keyCount) this.lastSeen[k] = value;
  }
}
