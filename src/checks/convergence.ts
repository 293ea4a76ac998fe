import type {SimpleCheck} from './availability.js';

/** What one node reports for one key (the admin `replicas` reply, docs/protocol.md). */
export interface ReplicaReport {
  /** The key's home replicas in this node's view of the ring. */
  replicas: string[];
  /** What the node holds for the key, compared by JSON equality. */
  value: unknown;
}

/** One node's `replicas` reply: its reports by key and, if it has one, its view of the ring members. */
export interface ReplicaState {
  keys: Readonly<Record<string, ReplicaReport>>;
  members?: readonly string[];
}

/** Every node's `replicas` reply at one moment; null when the node did not answer. */
export type ReplicaSnapshot = ReadonlyMap<string, ReplicaState | null>;

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
  for (const state of snapshot.values()) {
    for (const [key, report] of Object.entries(state?.keys ?? {})) {
      const homes = keys.get(key) ?? new Set<string>();
      for (const r of report.replicas) homes.add(r);
      keys.set(key, homes);
    }
  }
  const out: Divergence[] = [];
  for (const key of [...keys.keys()].sort()) {
    const holders = [...keys.get(key)!].sort().map((node) => {
      const state = snapshot.get(node);
      if (state === undefined || state === null) return {node, value: 'no answer' as const};
      return {node, value: key in state.keys ? state.keys[key].value : ('missing' as const)};
    });
    const first = JSON.stringify(holders[0].value);
    if (holders.some((h) => h.value === 'missing' || h.value === 'no answer' || JSON.stringify(h.value) !== first)) out.push({key, holders});
  }
  return out;
}

/**
 * The distinct views of the ring among the nodes that report one: members (space-separated) → the
 * nodes holding that view. One entry means every node agrees. Pure.
 */
export function ringViews(snapshot: ReplicaSnapshot): Map<string, string[]> {
  const views = new Map<string, string[]>();
  for (const [node, state] of [...snapshot].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!state?.members) continue;
    const view = [...state.members].sort().join(' ');
    views.set(view, [...(views.get(view) ?? []), node]);
  }
  return views;
}

/** Nodes that report a view of the ring without themselves in it (after the final heal every node should be back). Pure. */
export function outsideRing(snapshot: ReplicaSnapshot): string[] {
  return [...snapshot].filter(([node, state]) => state?.members !== undefined && !state.members.includes(node)).map(([node]) => node).sort();
}

/** Whether every node is in the ring, all agree on it, and every key's replicas hold the same value. */
export function converged(snapshot: ReplicaSnapshot): boolean {
  return ringViews(snapshot).size <= 1 && outsideRing(snapshot).length === 0 && divergentKeys(snapshot).length === 0;
}

/**
 * The `convergence` check (issue 6): after the final heal, every node holds the same view of the
 * ring and all home replicas of every key hold the same value, within `withinMs`.
 * @param polls the snapshots taken after the heal, each with its time since the heal (ms),
 *   ascending; polling stops at the first converged snapshot. When the last one has not
 *   converged and is still within the bound (polling was interrupted), the verdict is `'unknown'`.
 */
export function checkConvergence(polls: readonly {afterMs: number; snapshot: ReplicaSnapshot}[], withinMs: number): SimpleCheck {
  if (polls.length === 0) return {valid: 'unknown', explanation: 'no replica state was read after the heal', figures: {}};
  const last = polls[polls.length - 1];
  const divergent = divergentKeys(last.snapshot);
  const views = ringViews(last.snapshot);
  const keys = new Set([...last.snapshot.values()].flatMap((r) => Object.keys(r?.keys ?? {}))).size;
  const after = `${(last.afterMs / 1000).toFixed(1)} s after the heal`;
  const outside = outsideRing(last.snapshot);
  if (divergent.length === 0 && views.size <= 1 && outside.length === 0) {
    const valid = last.afterMs <= withinMs;
    const ring = views.size === 1 ? `, every node sees the ring ${[...views.keys()][0]}` : '';
    return {
      valid,
      explanation: `${keys} keys: every key's replicas agreed ${after}${ring}${valid ? '' : `, later than the bound of ${withinMs / 1000} s`}`,
      figures: {keys, convergedAfterMs: last.afterMs, divergentKeys: 0},
    };
  }
  if (last.afterMs <= withinMs) {
    return {
      valid: 'unknown',
      explanation: `polling stopped ${after}, before the bound of ${withinMs / 1000} s, with ${divergent.length} of ${keys} keys still differing${views.size > 1 || outside.length > 0 ? ' and the ring not settled' : ''}`,
      figures: {keys, divergentKeys: divergent.length},
    };
  }
  if (outside.length > 0) {
    return {
      valid: false,
      explanation: `${outside.join(' ')} ${outside.length === 1 ? 'is' : 'are'} still out of the ring ${after} (bound ${withinMs / 1000} s), though the final heal should have brought every node back`,
      figures: {keys, divergentKeys: divergent.length, outsideRing: outside.length},
    };
  }
  if (views.size > 1) {
    return {
      valid: false,
      explanation: `the nodes still disagree on the ring ${after} (bound ${withinMs / 1000} s): ${[...views].map(([view, nodes]) => `${nodes.join(' ')} see ${view}`).join('; ')}`,
      figures: {keys, divergentKeys: divergent.length, ringViews: views.size},
    };
  }
  const d = divergent[0];
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return {
    valid: false,
    explanation:
      `${divergent.length} of ${keys} keys still differ between replicas ${after} (bound ${withinMs / 1000} s). ` +
      `First: ${d.key}: ${d.holders.map((h) => `${h.node} ${show(h.value)}`).join(', ')}`,
    figures: {keys, divergentKeys: divergent.length},
  };
}
