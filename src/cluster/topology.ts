/** A node's id as used in plans, logs and reports: `n1` … `n7`. */
export type NodeId = string;

/** A directed network link: `from` dials `to` (through the proxy of that link). */
export interface DirectedLink {
  from: NodeId;
  to: NodeId;
}

/** Node ids `n1` … `nN`. */
export function nodeIds(n: number): NodeId[] {
  return Array.from({length: n}, (_, i) => `n${i + 1}`);
}

/** Every directed peer link of a cluster: n·(n−1) links, ordered by `from` then `to`. */
export function peerLinks(ids: readonly NodeId[]): DirectedLink[] {
  return ids.flatMap((from) => ids.filter((to) => to !== from).map((to) => ({from, to})));
}

/** Toxiproxy proxy name of the peer link `from → to`, e.g. `n1-n2`. */
export function peerProxyName(link: DirectedLink): string {
  return `${link.from}-${link.to}`;
}

/** Toxiproxy proxy name of the client link to `node`, e.g. `client-n1`. */
export function clientProxyName(node: NodeId): string {
  return `client-${node}`;
}
