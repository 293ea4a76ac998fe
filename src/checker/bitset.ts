import {mix32} from './hash.js';

/**
 * Stage 4a: the set of linearized operations of one sub-history (Lowe 2017 §3), with an
 * incrementally kept 32-bit hash: the XOR of a fixed pseudo-random word per member (Zobrist
 * hashing), so `set`, `clear` and `hash` are O(1).
 *
 * Invariant: `hash === XOR of memberHash(i) over members i`.
 */
export class Bitset {
  /** 32 members per word; bit `i & 31` of word `i >>> 5`. */
  readonly words: Uint32Array;
  /** Hash of the current members. */
  hash = 0;
  /** Number of members. */
  size = 0;
  /** `memberHash(i)` for every possible member, computed once (the search's inner loop reads it). */
  private readonly memberHashes: Int32Array;

  /** @param capacity - members are 0..capacity-1. */
  constructor(readonly capacity: number) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(capacity / 32)));
    this.memberHashes = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.memberHashes[i] = memberHash(i);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Adds `i` (which must not be a member). */
  set(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
    this.hash ^= this.memberHashes[i];
    this.size++;
  }

  /** Removes `i` (which must be a member). */
  clear(i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31));
    this.hash ^= this.memberHashes[i];
    this.size--;
  }

  /** The hash the set would have with `i` added. */
  hashWith(i: number): number {
    return this.hash ^ this.memberHashes[i];
  }

  /** Writes the words with `i` added into `target` from `offset` (for the cache's arena). */
  copyWithInto(target: Uint32Array, offset: number, i: number): void {
    target.set(this.words, offset);
    target[offset + (i >>> 5)] |= 1 << (i & 31);
  }

  /** Whether `target[offset …]` equals this set with `i` added, without building that set. */
  equalsWithAt(target: Uint32Array, offset: number, i: number): boolean {
    const own = this.words;
    const w = i >>> 5;
    for (let k = 0; k < own.length; k++) {
      const expected = k === w ? (own[k] | (1 << (i & 31))) >>> 0 : own[k];
      if (target[offset + k] !== expected) return false;
    }
    return true;
  }
}

/** The fixed pseudo-random word of member `i` (deterministic, never 0 for distinct members). */
export function memberHash(i: number): number {
  return mix32(Math.imul(i + 1, 0x9e3779b1));
}
