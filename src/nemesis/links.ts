import {linkProxyName, type DirectedLink, type PeerLayout} from '../cluster/topology.js';

/**
 * The part of the Toxiproxy API the nemesis needs. faultline's `ProxyControl` (src/proxy) provides
 * it over toxiproxy-node-client; tests may pass a fake.
 */
export interface LinkProxies {
  setEnabled(proxy: string, enabled: boolean): Promise<unknown>;
  addToxic(proxy: string, toxic: {name: string; type: string; stream: 'upstream' | 'downstream'; toxicity: number; attributes: Record<string, number>}): Promise<unknown>;
  removeToxic(proxy: string, toxic: string): Promise<unknown>;
}

/** How a link is cut: `drop` blackholes bytes in both streams (timeout toxic 0); `reset` disables the proxy. */
export type CutMode = 'drop' | 'reset';

const DROP_TOXICS = [
  {name: 'partition-drop-upstream', stream: 'upstream'},
  {name: 'partition-drop-downstream', stream: 'downstream'},
] as const;

/**
 * Cuts and heals directed peer links, with a count per link and mode so that overlapping faults
 * compose: a link cut by two faults stays cut until both have healed.
 *
 * `drop` adds a `timeout` toxic with timeout 0 to both streams: bytes are silently discarded and
 * connections stay open, like a packet-dropping partition; healing removes the toxics, which closes
 * the connections (Toxiproxy semantics), and nodes reconnect. `reset` disables the proxy: its
 * listener closes and open connections are closed, so peers see refused connections at once.
 *
 * In the `destination` layout (etcd) a link is cut by cutting the proxy in front of its `to`
 * node, which carries every node's traffic to it; the counts are per proxy, so cutting both
 * n1-n2 and n3-n2 and healing one leaves `peer-n2` cut (docs/etcd.md says which partitions that
 * makes exact).
 */
export class LinkCutter {
  private readonly counts = new Map<string, number>();
  /** The last Toxiproxy call queued per proxy. */
  private readonly pending = new Map<string, Promise<void>>();

  /** @param layout how peer links map to proxies (topology.ts). */
  constructor(
    private readonly proxies: LinkProxies,
    private readonly layout: PeerLayout = 'link',
  ) {}

  /** The proxy that carries `link`. */
  proxyOf(link: DirectedLink): string {
    return linkProxyName(this.layout, link);
  }

  /** Cuts every link (in parallel). */
  async cut(links: readonly DirectedLink[], mode: CutMode): Promise<void> {
    await Promise.all(links.map((link) => this.change(link, mode, +1)));
  }

  /** Heals links cut earlier with the same mode. */
  async heal(links: readonly DirectedLink[], mode: CutMode): Promise<void> {
    await Promise.all(links.map((link) => this.change(link, mode, -1)));
  }

  /** Forgets every count (after a Toxiproxy /reset healed everything at once). */
  forget(): void {
    this.counts.clear();
  }

  /**
   * Changes one link's count; the Toxiproxy calls of one link run one after another (a heal's
   * removal finishes before an overlapping fault's add starts, or the add would get 409).
   */
  private change(link: DirectedLink, mode: CutMode, delta: 1 | -1): Promise<void> {
    const proxy = this.proxyOf(link);
    const key = `${proxy}/${mode}`;
    const before = this.counts.get(key) ?? 0;
    const after = Math.max(0, before + delta);
    this.counts.set(key, after);
    const cut = before === 0 && after === 1 ? true : before === 1 && after === 0 ? false : null;
    const previous = this.pending.get(proxy) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => (cut === null ? undefined : this.apply(proxy, mode, cut)));
    this.pending.set(proxy, next);
    return next;
  }

  private async apply(proxy: string, mode: CutMode, cut: boolean): Promise<void> {
    if (mode === 'reset') {
      await this.proxies.setEnabled(proxy, !cut);
      return;
    }
    for (const t of DROP_TOXICS) {
      if (cut) await this.proxies.addToxic(proxy, {name: t.name, type: 'timeout', stream: t.stream, toxicity: 1, attributes: {timeout: 0}});
      else await this.proxies.removeToxic(proxy, t.name);
    }
  }
}
