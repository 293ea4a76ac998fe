import type {Bitset} from './bitset.js';
import {mix32} from './hash.js';
import type {AnyModel} from './types.js';

/** Approximate heap cost of one cache record beyond its bitset words, bytes (object + array slot + state ref). */
export const CACHE_RECORD_OVERHEAD_BYTES = 96;

/**
 * A shared count of cache use, so that one budget covers every key checked together.
 * Invariant: `entries` and `bytes` are the sums over live caches.
 */
export interface CacheBudget {
  /** Records allowed over all live caches. */
  maxEntries: number;
  /** Approximate bytes allowed over all live caches. */
  maxBytes: number;
  entries: number;
  bytes: number;
}

/**
 * Stage 4b: the (linearized set, model state) configurations already explored (Lowe 2017 §3:
 * a configuration seen once need not be explored again). Keyed by a hash of both, with full
 * equality on collision.
 *
 * Layout, to keep the garbage collector out of the search's inner loop: an open-addressing
 * table (linear probing, load ≤ 1/2) of record numbers; each record's bitset words live in one
 * growable arena (`wordsPerSet` words per record), its hash in a typed array, its state in an
 * array.
 */
export class ConfigurationCache {
  private readonly wordsPerSet: number;
  private readonly recordBytes: number;
  /** Slot → record number + 1; 0 = empty. Length is a power of two. */
  private table = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private arena: Uint32Array;
  private readonly states: unknown[] = [];
  private entries = 0;

  constructor(
    private readonly model: AnyModel,
    private readonly budget: CacheBudget,
    /** Members of the bitsets stored. */
    capacity: number,
  ) {
    this.wordsPerSet = Math.max(1, Math.ceil(capacity / 32));
    this.recordBytes = CACHE_RECORD_OVERHEAD_BYTES + 4 * this.wordsPerSet;
    this.arena = new Uint32Array(512 * this.wordsPerSet);
  }

  /**
   * Adds (linearized ∪ {op}, state) unless present. Returns true if it was added (the
   * configuration is new), false if it was already there, and null if the budget is spent.
   */
  addIfNew(linearized: Bitset, op: number, state: unknown, stateHash: number): boolean | null {
    const hash = linearized.hashWith(op) ^ mix32(stateHash ^ 0x7f4a7c15);
    const table = this.table;
    const mask = table.length - 1;
    const w = this.wordsPerSet;
    let slot = hash & mask;
    for (;;) {
      const found = table[slot];
      if (found === 0) break;
      const record = found - 1;
      if (this.hashes[record] === hash && this.model.equal(this.states[record], state) && linearized.equalsWithAt(this.arena, record * w, op)) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    const budget = this.budget;
    if (budget.entries + 1 > budget.maxEntries || budget.bytes + this.recordBytes > budget.maxBytes) return null;
    const record = this.entries;
    if (record === this.hashes.length) this.growRecords();
    this.hashes[record] = hash;
    this.states.push(state);
    linearized.copyWithInto(this.arena, record * w, op);
    table[slot] = record + 1;
    this.entries++;
    budget.entries++;
    budget.bytes += this.recordBytes;
    if (this.entries * 2 > table.length) this.growTable();
    return true;
  }

  /** Records held. */
  get size(): number {
    return this.entries;
  }

  /** Frees the records and returns their share of the budget. */
  release(): void {
    this.budget.entries -= this.entries;
    this.budget.bytes -= this.entries * this.recordBytes;
    this.entries = 0;
    this.table = new Int32Array(0);
    this.hashes = new Int32Array(0);
    this.arena = new Uint32Array(0);
    this.states.length = 0;
  }

  private growRecords(): void {
    const hashes = new Int32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const arena = new Uint32Array(hashes.length * this.wordsPerSet);
    arena.set(this.arena);
    this.arena = arena;
  }

  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let record = 0; record < this.entries; record++) {
      let slot = this.hashes[record] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = record + 1;
    }
    this.table = table;
  }
}
