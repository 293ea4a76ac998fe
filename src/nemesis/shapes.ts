import type {DirectedLink, NodeId} from '../cluster/topology.js';
import type {Rng} from '../rng/index.js';

/**
 * A partition as groups of nodes ("components"): links between nodes of different groups are cut,
 * links inside a group stay up (Jepsen's complete grudge, `jepsen.nemesis/complete-grudge`).
 */
export type Components = NodeId[][];

/**
 * Two halves of a shuffled node list; the smaller half first (`jepsen.nemesis/bisect` over a
 * shuffled list). For 5 nodes: 2 and 3.
 */
export function halves(ids: readonly NodeId[], rng: Rng): Components {
  const shuffled = rng.shuffle(ids);
  const cut = Math.floor(shuffled.length / 2);
  return [shuffled.slice(0, cut).sort(), shuffled.slice(cut).sort()];
}

/** One node alone, the rest together (`jepsen.nemesis/split-one`). */
export function isolate(ids: readonly NodeId[], node: NodeId): Components {
  return [[node], ids.filter((id) => id !== node)];
}

/**
 * The directed links a partition cuts: every `from → to` with `from` and `to` in different groups.
 * Nodes in no group keep all their links.
 */
export function cutLinks(components: Components): DirectedLink[] {
  const groupOf = new Map<NodeId, number>();
  components.forEach((group, i) => group.forEach((id) => groupOf.set(id, i)));
  const links: DirectedLink[] = [];
  for (const [from, gf] of groupOf) {
    for (const [to, gt] of groupOf) if (gf !== gt) links.push({from, to});
  }
  return links.sort((a, b) => (a.from === b.from ? a.to.localeCompare(b.to) : a.from.localeCompare(b.from)));
}

/** `n1 n2 | n3 n4 n5`: how partitions are written in logs and reports. */
export function describeComponents(components: Components): string {
  return components.map((g) => g.join(' ')).join(' | ');
}
