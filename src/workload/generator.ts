import type {OpFunction} from '../history/types.js';
import type {Rng} from '../rng/index.js';

/** Relative weights of the operation functions. */
export interface Mix {
  read: number;
  write: number;
  cas: number;
}

/** An operation to invoke: its function, key and history value (null, an integer, or [from, to]). */
export type Operation =
  | {f: 'read'; key: string; value: null}
  | {f: 'write'; key: string; value: number}
  | {f: 'cas'; key: string; value: [number, number]};

/**
 * Generates register operations over keys `k1` … `kK` (Jepsen's linearizable-register workload).
 * Written values are unique per key (1, 2, 3 … per key, shared by all clients), so a read names
 * the write it observed. A cas compares against a value the key recently held, so that some
 * succeed: the last value this generator saw written or read for the key, or else a random earlier one.
 */
export class RegisterGenerator {
  private readonly nextValue: number[];
  private readonly lastSeen: Array<number | null>;
  private readonly weights: number[];

  constructor(
    private readonly keyCount: number,
    mix: Mix,
  ) {
    this.nextValue = Array.from({length: keyCount}, () => 1);
    this.lastSeen = Array.from({length: keyCount}, () => null);
    this.weights = [mix.read, mix.write, mix.cas];
  }

  /** Every key name, in order. */
  keys(): string[] {
    return Array.from({length: this.keyCount}, (_, i) => `k${i + 1}`);
  }

  /** The next operation, drawing from `rng`. */
  next(rng: Rng): Operation {
    const k = rng.int(0, this.keyCount - 1);
    const key = `k${k + 1}`;
    const f: OpFunction = (['read', 'write', 'cas'] as const)[rng.weighted(this.weights)];
    if (f === 'read') return {f, key, value: null};
    const value = this.nextValue[k]++;
    if (f === 'write') return {f, key, value};
    const seen = this.lastSeen[k];
    const from = seen ?? (value > 1 ? rng.int(1, value - 1) : 0);
    return {f, key, value: [from, value]};
  }

  /** Tells the generator a value the key was observed to hold (an ok read, write or cas). */
  observe(key: string, value: number | null): void {
    const k = Number(key.slice(1)) - 1;
    if (k >= 0 && k < this.keyCount) this.lastSeen[k] = value;
  }
}
