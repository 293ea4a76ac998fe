import {uniformInt} from 'pure-rand/distribution/uniformInt';
import {xoroshiro128plus} from 'pure-rand/generator/xoroshiro128plus';
import type {JumpableRandomGenerator} from 'pure-rand/types/JumpableRandomGenerator';

/**
 * The one seeded source of randomness of a run (DESIGN.md principle 4). Wraps pure-rand's
 * xoroshiro128+; `fork()` gives an independent stream (pure-rand `jump`) so that, for example,
 * the workload and the nemesis draw from separate streams and one does not shift the other.
 */
export class Rng {
  private constructor(private readonly gen: JumpableRandomGenerator) {}

  /** A generator seeded with a 32-bit integer seed. */
  static seeded(seed: number): Rng {
    return new Rng(xoroshiro128plus(seed | 0));
  }

  /** An independent stream: a clone of this generator jumped 2^64 steps ahead. */
  fork(): Rng {
    const clone = this.gen.clone();
    clone.jump();
    this.gen.jump();
    this.gen.jump();
    return new Rng(clone);
  }

  /** A uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return uniformInt(this.gen, 0, 2 ** 30 - 1) / 2 ** 30;
  }

  /** A uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** An index drawn with probability proportional to `weights[i]` (non-negative, sum > 0). */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** A fresh random 31-bit seed, for plans that give none (the seed is then written into the resolved plan). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
