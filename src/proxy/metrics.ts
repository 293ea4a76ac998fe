/**
 * The embedded server's `/metrics` (enabled by `--proxy-metrics`): Prometheus text exposition of
 * two counters, `toxiproxy_proxy_received_bytes_total` and `toxiproxy_proxy_sent_bytes_total`, with
 * labels `direction`, `listener`, `proxy`, `upstream`.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §4.10 (`collectors/proxy.go`, `link.go`):
 * a link adds the bytes it read from its source to `received` and the bytes it wrote to its
 * destination to `sent` when it ends, so an open connection's bytes appear once it closes. A
 * toxic that drops or truncates data makes `sent` smaller than `received`. `-runtime-metrics`
 * (Go runtime and process collectors) has no counterpart here.
 */

/** The labels of one counter series. `listener` and `upstream` are the proxy's at accept time. */
export interface LinkLabels {
  direction: 'upstream' | 'downstream';
  proxy: string;
  listener: string;
  upstream: string;
}

/** Prometheus text format 0.0.4, as promhttp serves it without content negotiation. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const RECEIVED = 'toxiproxy_proxy_received_bytes_total';
const SENT = 'toxiproxy_proxy_sent_bytes_total';

/** Escapes a label value (backslash, double quote, newline), as the exposition format requires. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Label set text in the exposition's (alphabetical) order. */
function labelText(l: LinkLabels): string {
  return `direction="${escapeLabel(l.direction)}",listener="${escapeLabel(l.listener)}",proxy="${escapeLabel(l.proxy)}",upstream="${escapeLabel(l.upstream)}"`;
}

/** Byte counters per proxy link series. */
export class ProxyMetrics {
  private readonly received = new Map<string, number>();
  private readonly sent = new Map<string, number>();

  /** Adds an ended link's byte counts (bytes read from its source, bytes written to its destination). */
  linkEnded(labels: LinkLabels, receivedBytes: number, sentBytes: number): void {
    const key = labelText(labels);
    this.received.set(key, (this.received.get(key) ?? 0) + receivedBytes);
    this.sent.set(key, (this.sent.get(key) ?? 0) + sentBytes);
  }

  /** The exposition text; a counter with no series yet is left out, like client_golang does. */
  render(): string {
    let out = '';
    for (const [name, series] of [
      [RECEIVED, this.received],
      [SENT, this.sent],
    ] as const) {
      if (series.size === 0) continue;
      out += `# HELP ${name} \n# TYPE ${name} counter\n`;
      for (const key of [...series.keys()].sort()) out += `${name}{${key}} ${series.get(key)}\n`;
    }
    return out;
  }
}
