/**
 * Versions: hybrid logical clocks (Kulkarni, Demirbas et al., "Logical Physical Clocks", OPODIS
 * 2014) with the node id as a tie-breaker, giving a total order of versions.
 *
 * Why an HLC and not a vector clock: a read in faultline's protocol returns one integer, so
 * concurrent siblings (what a vector clock would detect, Dynamo §4.4) would have to be collapsed by
 * some total order anyway. An HLC gives that order directly, in O(1) space per value, and respects
 * causality through messages: a coordinator that has seen version v (in a read reply or a replica
 * ack) issues only versions above v, even if its wall clock is behind. The cost, shown honestly:
 * among truly concurrent writes the one with the higher (wall time, counter, node) silently wins
 * (last writer wins), and a coordinator whose clock runs far ahead makes its writes win over later
 * ones it has not seen. Sets do not need versions at all: they are grow-only sets merged by union.
 *
 * Pure: physical time comes in as an argument, in milliseconds.
 */

/** A version. Ordered by `wallMs`, then `counter`, then `node` (string order). */
export interface Version {
  /** The HLC's l: the highest physical time seen, ms since the epoch. */
  wallMs: number;
  /** The HLC's c: events at the same `wallMs`. */
  counter: number;
  /** Node that issued the version. */
  node: string;
}

/** A node's clock state: the last timestamp issued or seen. */
export interface Hlc {
  wallMs: number;
  counter: number;
}

/** A clock that has seen nothing. */
export function newHlc(): Hlc {
  return {wallMs: 0, counter: 0};
}

/** Total order on versions: negative if a < b, 0 if equal, positive if a > b. */
export function compareVersions(a: Version, b: Version): number {
  if (a.wallMs !== b.wallMs) return a.wallMs - b.wallMs;
  if (a.counter !== b.counter) return a.counter - b.counter;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** HLC send/local event: issues a new version above everything the clock has seen (updates `clock` in place). */
export function tick(clock: Hlc, nowMs: number, node: string): Version {
  if (nowMs > clock.wallMs) {
    clock.wallMs = nowMs;
    clock.counter = 0;
  } else {
    clock.counter += 1;
  }
  return {wallMs: clock.wallMs, counter: clock.counter, node};
}

/** HLC receive event: the clock moves to at least `seen` (in place), so later `tick`s exceed it. */
export function observe(clock: Hlc, seen: Version | Hlc, nowMs: number): void {
  const wall = Math.max(clock.wallMs, seen.wallMs, nowMs);
  if (wall === clock.wallMs && wall === seen.wallMs) clock.counter = Math.max(clock.counter, seen.counter);
  else if (wall === seen.wallMs) clock.counter = seen.counter;
  else if (wall !== clock.wallMs) clock.counter = 0;
  clock.wallMs = wall;
}

/** `1.7e12+3@n2`-style text for logs: `<wallMs>.<counter>@<node>`. */
export function formatVersion(v: Version): string {
  return `${v.wallMs}.${v.counter}@${v.node}`;
}
