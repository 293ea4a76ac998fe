import net from 'node:net';
import dns from 'node:dns/promises';
import { ApiError, API_ERRORS } from './errors.js';
import { Connection } from './link.js';
import { adoptWithReader, connectWithReader, SocketReader } from './reader.js';
import type { ProxyMetrics } from './metrics.js';
import type { ProxyRandom } from './random.js';
import type { StreamDirection, ToxicRecord } from './toxics.js';

/**
 * One proxy of the embedded server: a TCP listener forwarding every accepted connection to
 * `upstream` through its toxics.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §3 (fields, `listen` rewritten to the bound
 * address), §4.2 (update: stop/start rules), §4.3 (delete), §5.1 (disable = listener and all
 * connections closed, toxics kept; each accepted connection dials upstream, a dial failure closes
 * the client at once).
 */

/** A `host:port` split like Go's `net.SplitHostPort`. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Splits `host:port` (`[v6]:port` for IPv6).
 * @throws ApiError 500 `address <a>: missing port in address` / `too many colons in address` /
 *   `invalid port` (Go's texts).
 */
export function splitHostPort(addr: string): HostPort {
  const fail = (why: string): never => {
    throw new ApiError(500, `address ${addr}: ${why}`);
  };
  let host: string;
  let portText: string;
  if (addr === '') return { host: '', port: 0 }; // Go: an empty address listens on all interfaces
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) return fail('missing \']\' in address');
    host = addr.slice(1, close);
    if (addr[close + 1] !== ':') return fail('missing port in address');
    portText = addr.slice(close + 2);
  } else {
    const colon = addr.lastIndexOf(':');
    if (colon < 0) return fail('missing port in address');
    host = addr.slice(0, colon);
    if (host.includes(':')) return fail('too many colons in address');
    portText = addr.slice(colon + 1);
  }
  if (portText === '') return { host, port: 0 };
  if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) return fail('invalid port');
  return { host, port: Number(portText) };
}

/** Formats a host and port like Go's `net.JoinHostPort`. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Resolves a listen address like Go's `net.ResolveTCPAddr`: host names become an IP (IPv4
 * preferred), an empty host stays empty (`:8474`).
 * @throws ApiError 500 with Go-like texts.
 */
export async function resolveListen(addr: string): Promise<HostPort & { text: string }> {
  const hp = splitHostPort(addr);
  let host = hp.host;
  if (host !== '' && net.isIP(host) === 0) {
    try {
      host = (await dns.lookup(host, { family: 4 })).address;
    } catch {
      try {
        host = (await dns.lookup(host)).address;
      } catch {
        throw new ApiError(500, `lookup ${hp.host}: no such host`);
      }
    }
  }
  return { host, port: hp.port, text: host === '' ? `:${hp.port}` : joinHostPort(host, hp.port) };
}

const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EACCES: 'bind: permission denied',
  EADDRNOTAVAIL: 'bind: cannot assign requested address',
};

/** The JSON shape of a proxy without its toxics (the `/populate` input and `Proxy` struct). */
export interface ProxyConfig {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** A proxy: its configuration, listener, live connections and toxics. */
export class Proxy {
  /** `host:port`; after a start, the bound address (`127.0.0.1:0` → `127.0.0.1:35633`). */
  listen: string;
  upstream: string;
  /** Toxics per stream, in insertion order (§3: upstream ones listed first). */
  readonly toxics: Record<StreamDirection, ToxicRecord[]> = { upstream: [], downstream: [] };
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();
  /** Accepted clients whose upstream dial is under way, each with the socket dialling. */
  private readonly pendingDials = new Map<net.Socket, net.Socket>();

  /** @param metrics where ended links add their byte counts (`--proxy-metrics`); none = not counted. */
  constructor(
    readonly name: string,
    config: { listen: string; upstream: string },
    private readonly rng: ProxyRandom,
    private readonly metrics?: ProxyMetrics,
  ) {
    this.listen = config.listen;
    this.upstream = config.upstream;
  }

  /** True while the listener is bound. */
  get enabled(): boolean {
    return this.server !== null;
  }

  /** All toxics: upstream first, then downstream (Go `GetToxicArray`). */
  toxicList(): ToxicRecord[] {
    return [...this.toxics.upstream, ...this.toxics.downstream];
  }

  /** Finds a toxic by name in either stream. */
  findToxic(name: string): ToxicRecord | undefined {
    return this.toxicList().find((t) => t.name === name);
  }

  /**
   * Binds the listener on `listen` and rewrites `listen` to the bound address. No-op when started.
   * @throws ApiError 500 `listen tcp <addr>: bind: address already in use` (and other OS errors).
   */
  async start(): Promise<void> {
    if (this.server) return;
    const { host, port } = await resolveListen(this.listen).catch((e: unknown) => {
      if (e instanceof ApiError) throw new ApiError(500, `listen tcp: ${e.message}`);
      throw e;
    });
    // noDelay: Go's TCPConn disables Nagle by default; without it a write-write-read exchange
    // through the proxy stalls ~40 ms on delayed ACKs.
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const why = BIND_ERRORS[err.code ?? ''] ?? `bind: ${err.message}`;
        reject(new ApiError(500, `listen tcp ${host === '' ? `:${port}` : joinHostPort(host, port)}: ${why}`));
      };
      server.once('error', onError);
      const done = (): void => {
        server.off('error', onError);
        resolve();
      };
      if (host === '') server.listen({ port }, done);
      else server.listen({ host, port }, done);
    });
    server.on('error', () => undefined);
    const addr = server.address() as net.AddressInfo;
    this.listen = joinHostPort(addr.address, addr.port);
    this.server = server;
  }

  /** Closes the listener and every open connection (FIN); toxics are kept. Resolves when closed. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const [client, dialling] of this.pendingDials) {
      client.destroy();
      dialling.destroy();
    }
    this.pendingDials.clear();
    for (const c of [...this.connections]) c.close();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Appends a toxic and applies it to every open connection at once (§5.1 Add). */
  addToxic(t: ToxicRecord): void {
    this.toxics[t.direction].push(t);
    for (const c of this.connections) c.link(t.direction).addToxic(t);
  }

  /** Replaces a toxic's record and restarts its stage on every open connection (§4.5). */
  updateToxic(t: ToxicRecord): void {
    const list = this.toxics[t.direction];
    const i = list.findIndex((x) => x.name === t.name);
    if (i >= 0) list[i] = t;
    for (const c of this.connections) c.link(t.direction).updateToxic(t);
  }

  /**
   * Removes a toxic; held data is flushed on, a `timeout` toxic's removal closes the connections (§5.1).
   * @throws ApiError 404 `toxic not found`.
   */
  removeToxic(name: string): void {
    const t = this.findToxic(name);
    if (!t) throw API_ERRORS.toxicNotFound();
    const list = this.toxics[t.direction];
    list.splice(list.indexOf(t), 1);
    for (const c of [...this.connections]) c.link(t.direction).removeToxic(name);
  }

  /** Removes every toxic (as DELETE on each). */
  removeAllToxics(): void {
    for (const t of this.toxicList()) this.removeToxic(t.name);
  }

  private accept(accepted: net.Socket): void {
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream);
    } catch {
      accepted.destroy();
      return;
    }
    const clientReader = new SocketReader();
    let client: net.Socket;
    try {
      client = adoptWithReader(accepted, clientReader, { allowHalfOpen: true, noDelay: true });
    } catch {
      return; // the client left before we got to it
    }
    client.on('error', () => undefined);
    const reset = this.toxicList().some((t) => t.type === 'reset_peer');
    const { listen: listener, upstream } = this;
    const serverReader = new SocketReader();
    const server = connectWithReader({ host: target.host === '' ? 'localhost' : target.host, port: target.port, allowHalfOpen: true, noDelay: true }, serverReader);
    server.pause();
    this.pendingDials.set(client, server);
    const onDialError = (): void => {
      this.pendingDials.delete(client);
      client.destroy();
    };
    server.once('error', onDialError);
    server.once('connect', () => {
      server.off('error', onDialError);
      if (!this.pendingDials.delete(client) || client.destroyed) {
        server.destroy();
        return;
      }
      const conn = new Connection(
        { socket: client, reader: clientReader },
        { socket: server, reader: serverReader },
        { upstream: [...this.toxics.upstream], downstream: [...this.toxics.downstream] },
        this.rng,
        reset,
        (c) => {
          this.connections.delete(c);
          for (const link of [c.upstream, c.downstream]) {
            this.metrics?.linkEnded({ direction: link.direction, proxy: this.name, listener, upstream }, link.receivedBytes, link.sentBytes);
          }
        },
      );
      this.connections.add(conn);
      conn.start();
    });
    client.once('close', () => {
      if (this.pendingDials.delete(client)) server.destroy();
    });
  }

  /** The JSON fields of the Go `Proxy` struct. */
  config(): ProxyConfig {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled };
  }
}
