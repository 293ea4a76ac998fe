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

/**
 * How peer traffic passes the proxies: `link` — one proxy per directed link (`n1-n2`), as the
 * built-in nodes and custom systems dial each peer at an address of faultline's choosing;
 * `destination` — one proxy in front of each node (`peer-n2`), shared by every node that dials
 * it, for systems where a node advertises a single peer address to all others (etcd).
 */
export type PeerLayout = 'link' | 'destination';

/** Name of the proxy in front of `node`'s peer port in the `destination` layout, e.g. `peer-n2`. */
export function inboundPeerProxyName(node: NodeId): string {
  return `peer-${node}`;
}

/** Name of the proxy that carries `link` (what `from` dials to reach `to`) in `layout`. */
export function linkProxyName(layout: PeerLayout, link: DirectedLink): string {
  return layout === 'link' ? peerProxyName(link) : inboundPeerProxyName(link.to);
}

/** Every peer proxy of a cluster in `layout`: its name and the node it forwards to. */
export function peerProxies(layout: PeerLayout, ids: readonly NodeId[]): Array<{name: string; to: NodeId}> {
  return layout === 'link' ? peerLinks(ids).map((link) => ({name: peerProxyName(link), to: link.to})) : ids.map((to) => ({name: inboundPeerProxyName(to), to}));
}
