/**
 * 32-bit integer hashing for the search cache. No randomness: the same history always hashes
 * the same way, so runs are reproducible.
 */

/** MurmurHash3's 32-bit finalizer: a bijective mix of a 32-bit integer. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** FNV-1a over the UTF-16 code units of a string, then mixed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Hash of an integer-or-null value (null and non-integers go through their string form). */
export function hashValue(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return mix32(value ^ 0x5bd1e995);
  if (value === null || value === undefined) return 0x27d4eb2f;
  return hashString(typeof value === 'string' ? value : JSON.stringify(value));
}
