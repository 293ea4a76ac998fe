/**
 * What a replica stores per key: a versioned register (read/write) or a grow-only set (add/read_set).
 *
 * Registers merge by version (last writer wins under the HLC order, hlc.ts); sets are G-Sets (a
 * state-based CRDT: Shapiro et al., "Conflict-free Replicated Data Types", 2011) and merge by union,
 * so replicas converge whatever order adds, handoffs and repairs arrive in. Merging is idempotent,
 * commutative and associative: the property read repair, hinted handoff and anti-entropy rely on.
 *
 * Pure.
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {murmur3} from './ring.js';
import {compareVersions, formatVersion, type Version} from './hlc.js';

/** A register value and its version. `value` null is a written absence (never produced by clients). */
export interface RegisterEntry {
  kind: 'register';
  version: Version;
  value: number;
}

/** A grow-only set. Invariant: `elements` ascending, no duplicates. */
export interface SetEntry {
  kind: 'set';
  elements: number[];
}

export type Entry = RegisterEntry | SetEntry;

/** Options of `merge`: `staleWins` reverses the version comparison (the seeded `stale-wins` bug). */
export interface MergeOptions {
  staleWins?: boolean;
}

function union(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  return out;
}

/**
 * Merges `incoming` into `current` and returns the result (a new object when it changed,
 * `current` itself when `incoming` adds nothing). A register and a set under one key: the set
 * wins (a workload uses a key for one kind only; this just keeps merge total).
 */
export function merge(current: Entry | undefined, incoming: Entry, options: MergeOptions = {}): Entry {
  if (current === undefined) return incoming;
  if (current.kind === 'set' && incoming.kind === 'set') {
    const u = union(current.elements, incoming.elements);
    return u.length === current.elements.length ? current : {kind: 'set', elements: u};
  }
  if (current.kind === 'register' && incoming.kind === 'register') {
    const c = compareVersions(incoming.version, current.version);
    const newer = options.staleWins ? c < 0 : c > 0;
    return newer ? incoming : current;
  }
  return current.kind === 'set' ? current : incoming;
}

/** Whether `a` already contains everything in `b` (merging b into a changes nothing). */
export function covers(a: Entry | undefined, b: Entry | undefined, options: MergeOptions = {}): boolean {
  if (b === undefined) return true;
  if (a === undefined) return false;
  return merge(a, b, options) === a;
}

/** A set entry holding `elements` (any order, duplicates allowed). */
export function setOf(elements: Iterable<number>): SetEntry {
  return {kind: 'set', elements: [...new Set(elements)].sort((x, y) => x - y)};
}

/** A 32-bit digest of an entry for anti-entropy: equal entries have equal digests. */
export function digestOf(entry: Entry): number {
  return murmur3(entry.kind === 'set' ? `s:${entry.elements.join(',')}` : `r:${formatVersion(entry.version)}:${entry.value}`);
}

/** Short text for logs. */
export function describeEntry(entry: Entry | undefined): string {
  if (entry === undefined) return 'absent';
  return entry.kind === 'set' ? `{${entry.elements.length} elements}` : `${entry.value} @ ${formatVersion(entry.version)}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Validates a version from the wire or disk. @throws ProtocolError. */
export function parseVersion(v: unknown): Version {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || !isInt(o.wallMs) || !isInt(o.counter) || typeof o.node !== 'string') {
    throw new ProtocolError('version: expected {wallMs, counter, node}');
  }
  return {wallMs: o.wallMs, counter: o.counter, node: o.node};
}

/** Validates an entry from the wire or disk. @throws ProtocolError. */
export function parseEntry(v: unknown): Entry {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw new ProtocolError('entry: expected an object');
  if (o.kind === 'set') {
    if (!Array.isArray(o.elements) || !o.elements.every(isInt)) throw new ProtocolError('entry.elements: expected integers');
    return setOf(o.elements as number[]);
  }
  if (o.kind === 'register') {
    if (!isInt(o.value)) throw new ProtocolError('entry.value: expected an integer');
    return {kind: 'register', version: parseVersion(o.version), value: o.value};
  }
  throw new ProtocolError(`entry.kind: unknown ${JSON.stringify(o.kind)}`);
}
