/**
 * The consistent-hash ring (Karger et al., "Consistent Hashing and Random Trees", STOC 1997), with
 * virtual nodes and preference lists as in Dynamo (DeCandia et al., SOSP 2007, §4.2–4.3).
 *
 * Every node owns `vnodes` points on a 32-bit ring, at `murmur3("<node>#<i>")` for i in 0..V-1.
 * A key hashes to `murmur3(key)` and belongs to the first point clockwise (at or after its hash,
 * wrapping around). Its preference list is the first N *distinct* nodes met walking clockwise from
 * there. Adding a node moves to it only the keys of the arcs its points take; removing a node moves
 * only its own keys, to the nodes that follow its points — in expectation a fraction 1/n of all keys.
 *
 * Pure: no clock, socket, disk or randomness.
 */

/** Virtual nodes per node, as in the issue; 128 gives max/mean load ≈ 1.1–1.2 for 5–20 nodes. @default 128 */
export const DEFAULT_VNODES = 128;
/** Replication factor N (Dynamo's default). @default 3 */
export const DEFAULT_REPLICAS = 3;

/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, 2011, public domain; smhasher `MurmurHash3_x86_32`),
 * over the UTF-8 bytes of `text`, seed 0 unless given. Chosen over FNV-1a because its finalizer
 * avalanches well on short, similar strings like `n1#0`, `n1#1`, which FNV-1a spreads poorly in its
 * high bits. Returns an unsigned 32-bit integer.
 */
export function murmur3(text: string, seed = 0): number {
  const bytes = Buffer.from(text, 'utf8');
  const len = bytes.length;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (len & 3) {
    case 3:
      k ^= bytes[blocks + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[blocks + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[blocks];
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A ring: virtual-node points sorted by position.
 * Invariant: `positions` is ascending; `owners[i]` owns the point at `positions[i]`; ties on a
 * position are broken by owner id, so every node builds the same ring from the same members.
 */
export interface Ring {
  readonly nodes: readonly string[];
  readonly vnodes: number;
  readonly positions: Uint32Array;
  readonly owners: readonly string[];
}

/** Builds the ring of `nodes` (order does not matter) with `vnodes` points each. @throws RangeError if vnodes < 1. */
export function buildRing(nodes: Iterable<string>, vnodes = DEFAULT_VNODES): Ring {
  if (!Number.isInteger(vnodes) || vnodes < 1) throw new RangeError(`vnodes must be a positive integer, got ${vnodes}`);
  const ids = [...new Set(nodes)].sort();
  const points: {pos: number; owner: string}[] = [];
  for (const id of ids) for (let i = 0; i < vnodes; i++) points.push({pos: murmur3(`${id}#${i}`), owner: id});
  points.sort((a, b) => a.pos - b.pos || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  return {nodes: ids, vnodes, positions: Uint32Array.from(points, (p) => p.pos), owners: points.map((p) => p.owner)};
}

/** Index of the first point at or after `hash`, wrapping to 0 past the end (binary search). */
function firstPointAtOrAfter(ring: Ring, hash: number): number {
  let lo = 0;
  let hi = ring.positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ring.positions[mid] < hash) lo = mid + 1;
    else hi = mid;
  }
  return lo === ring.positions.length ? 0 : lo;
}

/**
 * The distinct nodes met walking clockwise from `key`'s position, in order (every node exactly
 * once, or the first `limit`). The first is the key's coordinator in Dynamo's terms; the first N
 * are its preference list, and the rest are the fallbacks a sloppy quorum uses, in order.
 */
export function walk(ring: Ring, key: string, limit = ring.nodes.length): string[] {
  const out: string[] = [];
  const total = ring.positions.length;
  if (total === 0) return out;
  const seen = new Set<string>();
  const start = firstPointAtOrAfter(ring, murmur3(key));
  const wanted = Math.min(limit, ring.nodes.length);
  for (let i = 0; i < total && seen.size < wanted; i++) {
    const owner = ring.owners[(start + i) % total];
    if (!seen.has(owner)) {
      seen.add(owner);
      out.push(owner);
    }
  }
  return out;
}

/** The preference list of `key`: the first `n` distinct nodes clockwise (fewer if the ring is smaller). */
export function preferenceList(ring: Ring, key: string, n = DEFAULT_REPLICAS): string[] {
  return walk(ring, key, n);
}

/** The node owning `key` (first point clockwise), or null on an empty ring. */
export function ownerOf(ring: Ring, key: string): string | null {
  if (ring.positions.length === 0) return null;
  return ring.owners[firstPointAtOrAfter(ring, murmur3(key))];
}

/**
 * Where each of `keys` would be placed as a sloppy quorum places it: the first `n` nodes of the
 * walk that `healthy` accepts, each paired with the preference-list node it stands in for (itself
 * when healthy). A suspected preference-list node's slot goes to the next healthy node after the
 * list (Dynamo §4.6, hinted handoff).
 */
export function sloppyTargets(ring: Ring, key: string, n: number, healthy: (node: string) => boolean): {node: string; for: string}[] {
  const all = walk(ring, key);
  const pref = all.slice(0, n);
  const spares = all.slice(n).filter(healthy);
  const out: {node: string; for: string}[] = [];
  for (const p of pref) {
    if (healthy(p)) out.push({node: p, for: p});
    else {
      const spare = spares.shift();
      if (spare !== undefined) out.push({node: spare, for: p});
    }
  }
  return out;
}
