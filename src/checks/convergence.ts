import type {SimpleCheck} from './availability.js';

/** What one node reports for one key (the admin `replicas` reply, docs/protocol.md). */
export interface ReplicaReport {
  /** The key's home replicas in this node's view of the ring. */
  replicas: string[];
  /** What the node holds for the key, compared by JSON equality. */
  value: unknown;
}

/** One node's `replicas` reply: key → report; null when the node did not answer. */
export type ReplicaSnapshot = ReadonlyMap<string, Readonly<Record<string, ReplicaReport>> | null>;

/** A key whose replicas differ: what each home replica holds (`missing` when it lacks the key). */
export interface Divergence {
  key: string;
  holders: {node: string; value: unknown | 'missing' | 'no answer'}[];
}

/**
 * The keys whose home replicas do not all hold the same value. A key's home replicas are the union
 * of the `replicas` lists reported for it; each of them must report the key with a JSON-equal value.
 * Pure; keys in ascending order.
 */
export function divergentKeys(snapshot: ReplicaSnapshot): Divergence[] {
  const keys = new Map<string, Set<string>>();
  for (const reports of snapshot.values()) {
    for (const [key, report] of Object.entries(reports ?? {})) {
      const homes = keys.get(key) ?? new Set<string>();
      for (const r of report.replicas) homes.add(r);
      keys.set(key, homes);
    }
  }
  const out: Divergence[] = [];
  for (const key of [...keys.keys()].sort()) {
    const holders = [...keys.get(key)!].sort().map((node) => {
      const reports = snapshot.get(node);
      if (reports === undefined || reports === null) return {node, value: 'no answer' as const};
      return {node, value: key in reports ? reports[key].value : ('missing' as const)};
    });
    const first = JSON.stringify(holders[0].value);
    if (holders.some((h) => h.value === 'missing' || h.value === 'no answer' || JSON.stringify(h.value) !== first)) out.push({key, holders});
  }
  return out;
}

/**
 * The `convergence` check (issue 6): after the final heal, all home replicas of every key hold the
 * same value within `withinMs`.
 * @param polls the snapshots taken after the heal, each with its time since the heal (ms),
 *   ascending; polling stops at the first converged snapshot.
 */
export function checkConvergence(polls: readonly {afterMs: number; snapshot: ReplicaSnapshot}[], withinMs: number): SimpleCheck {
  if (polls.length === 0) return {valid: 'unknown', explanation: 'no replica state was read after the heal', figures: {}};
  const last = polls[polls.length - 1];
  const divergent = divergentKeys(last.snapshot);
  const keys = new Set([...last.snapshot.values()].flatMap((r) => Object.keys(r ?? {}))).size;
  if (divergent.length === 0) {
    const valid = last.afterMs <= withinMs;
    return {
      valid,
      explanation: `${keys} keys: every key's replicas agreed ${(last.afterMs / 1000).toFixed(1)} s after the heal${valid ? '' : `, later than the bound of ${withinMs / 1000} s`}`,
      figures: {keys, convergedAfterMs: last.afterMs, divergentKeys: 0},
    };
  }
  const d = divergent[0];
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return {
    valid: false,
    explanation:
      `${divergent.length} of ${keys} keys still differ between replicas ${(last.afterMs / 1000).toFixed(1)} s after the heal (bound ${withinMs / 1000} s). ` +
      `First: ${d.key}: ${d.holders.map((h) => `${h.node} ${show(h.value)}`).join(', ')}`,
    figures: {keys, divergentKeys: divergent.length},
  };
}
