import type {DirectedLink, NodeId} from '../cluster/topology.js';
import type {Rng} from '../rng/index.js';

/**
 * A partition as groups of nodes ("components"): links between nodes of different groups are cut,
 * links inside a group stay up (Jepsen's complete grudge, `jepsen.nemesis/complete-grudge`).
 */
export type Components = NodeId[][];

/**
 * The node list cut in two, the smaller half first (`jepsen.nemesis/bisect`). For n1 … n5:
 * `n1 n2 | n3 n4 n5`.
 */
export function halves(ids: readonly NodeId[]): Components {
  const cut = Math.floor(ids.length / 2);
  return [ids.slice(0, cut), ids.slice(cut)];
}

/** Two halves of a shuffled node list (Jepsen's random-halves). For 5 nodes: 2 and 3. */
export function randomHalves(ids: readonly NodeId[], rng: Rng): Components {
  const [a, b] = halves(rng.shuffle(ids));
  return [a.sort(), b.sort()];
}

/**
 * Two halves joined by one bridge node that sees both sides (`jepsen.nemesis/bridge`): for
 * n1 … n5 shuffled to n3 n1 n5 n2 n4, the halves n1 n3 and n2 n4 cannot talk, n5 talks to all.
 * Returned as the links to cut, since a bridge is not a set of disjoint groups.
 */
export function bridge(ids: readonly NodeId[], rng: Rng): {links: DirectedLink[]; description: string} {
  const shuffled = rng.shuffle(ids);
  const mid = Math.floor(shuffled.length / 2);
  const left = shuffled.slice(0, mid).sort();
  const centre = shuffled[mid];
  const right = shuffled.slice(mid + 1).sort();
  return {links: cutLinks([left, right]), description: `bridge ${left.join(' ')} | ${centre} | ${right.join(' ')}`};
}

/**
 * Every node sees a majority, but no two nodes see the same majority (Jepsen's
 * majorities-ring): nodes sit on a shuffled ring and each hears only itself and its nearest
 * neighbours, a majority in all. For 5 nodes each node hears the one before and the one after
 * it. Node i not hearing j is the directed link j → i cut.
 */
export function majoritiesRing(ids: readonly NodeId[], rng: Rng): {links: DirectedLink[]; description: string} {
  const ring = rng.shuffle(ids);
  const n = ring.length;
  const majority = Math.floor(n / 2) + 1;
  const before = Math.floor((majority - 1) / 2);
  const after = majority - 1 - before;
  const links: DirectedLink[] = [];
  ring.forEach((to, p) => {
    const hears = new Set<NodeId>();
    for (let d = -before; d <= after; d++) hears.add(ring[(p + d + n) % n]);
    for (const from of ids) if (!hears.has(from)) links.push({from, to});
  });
  return {links: sortLinks(links), description: `majorities ring ${ring.join(' ')}`};
}

/** Directed links from every node of `from` to every node of `to` (a one-way cut: replies still flow). */
export function oneWay(from: readonly NodeId[], to: readonly NodeId[]): DirectedLink[] {
  return sortLinks(from.flatMap((f) => to.filter((t) => t !== f).map((t) => ({from: f, to: t}))));
}

function sortLinks(links: DirectedLink[]): DirectedLink[] {
  return links.sort((a, b) => (a.from === b.from ? a.to.localeCompare(b.to) : a.from.localeCompare(b.from)));
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
  return sortLinks(links);
}

/** `n1 n2 | n3 n4 n5`: how partitions are written in logs and reports. */
export function describeComponents(components: Components): string {
  return components.map((g) => g.join(' ')).join(' | ');
}
