/**
 * Peer transport over directed links (docs/protocol.md, "Peers").
 *
 * A node SENDS peer messages only on connections it dialed itself (to the addresses in `--peers`,
 * which in faultline are the proxies of links self→peer), and only READS from the connections it
 * accepts on its peer port. Cutting the proxy i→j therefore cuts exactly the messages i→j.
 *
 * Outbound connections reconnect forever with exponential backoff. Messages to a peer that is not
 * connected, or whose socket already buffers more than `MAX_PEER_BUFFER_BYTES`, are dropped: the
 * consensus protocol retries. A silently blackholed connection (open, nothing arrives) simply
 * fills up to that bound.
 */
import net from 'node:net';
import {LineDecoder, encodeLine} from '../../src/protocol/index.js';
import type {PeerAddress} from './args.js';

/** First reconnect delay in milliseconds. */
export const RECONNECT_MIN_MS = 50;
/** Longest reconnect delay in milliseconds; doubles from RECONNECT_MIN_MS up to this. */
export const RECONNECT_MAX_MS = 500;
/** Above this many buffered bytes on a peer socket, new messages are dropped (about 1 MB). */
export const MAX_PEER_BUFFER_BYTES = 1024 * 1024;
/** TCP connect timeout in milliseconds, so that a blackholed SYN does not stall reconnection. */
export const CONNECT_TIMEOUT_MS = 1000;
/** A lost connection is logged only if it had been up this long, in milliseconds: a proxy whose
 * upstream is not listening yet accepts and closes at once, which is not worth a log line. */
export const LOG_LOSS_AFTER_MS = 1000;

interface Link {
  peer: PeerAddress;
  socket: net.Socket | null;
  connected: boolean;
  /** Date.now() when the current connection was established, in milliseconds. */
  connectedAtMs: number;
  backoffMs: number;
  timer: NodeJS.Timeout | null;
}

/** Outbound connections, one per peer, each reconnecting with backoff. */
export class PeerLinks {
  private readonly links = new Map<string, Link>();
  private closed = false;

  /** Starts dialing every peer. `log` receives one line per connection state change. */
  constructor(peers: readonly PeerAddress[], private readonly log: (line: string) => void) {
    for (const peer of peers) {
      const link: Link = {peer, socket: null, connected: false, connectedAtMs: 0, backoffMs: RECONNECT_MIN_MS, timer: null};
      this.links.set(peer.id, link);
      this.dial(link);
    }
  }

  private dial(link: Link): void {
    if (this.closed) return;
    const socket = net.connect({host: link.peer.host, port: link.peer.port});
    link.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.on('timeout', () => {
      if (!link.connected) socket.destroy();
    });
    socket.on('connect', () => {
      socket.setTimeout(0);
      link.connected = true;
      link.connectedAtMs = Date.now();
      link.backoffMs = RECONNECT_MIN_MS;
    });
    socket.on('data', () => {}); // nothing is expected back; keep the stream flowing
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => {
      if (link.socket !== socket) return;
      const wasConnected = link.connected;
      link.connected = false;
      link.socket = null;
      if (this.closed) return;
      if (wasConnected && Date.now() - link.connectedAtMs >= LOG_LOSS_AFTER_MS) this.log(`lost connection to ${link.peer.id}`);
      const delay = link.backoffMs;
      link.backoffMs = Math.min(RECONNECT_MAX_MS, link.backoffMs * 2);
      link.timer = setTimeout(() => {
        link.timer = null;
        this.dial(link);
      }, delay);
    });
  }

  /** Sends one message to `peerId` if connected and not backed up; otherwise drops it. */
  send(peerId: string, message: unknown): boolean {
    const link = this.links.get(peerId);
    if (link === undefined || !link.connected || link.socket === null) return false;
    if (link.socket.writableLength > MAX_PEER_BUFFER_BYTES) return false;
    link.socket.write(encodeLine(message));
    return true;
  }

  /** Closes every connection and stops reconnecting. */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.timer !== null) clearTimeout(link.timer);
      link.socket?.destroy();
    }
  }
}

/**
 * Listens on 127.0.0.1:`port` for inbound peer connections and calls `onLine` for each NDJSON line
 * received. Nothing is ever written back on these connections.
 */
export function listenPeers(port: number, onLine: (line: string) => void): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const decoder = new LineDecoder(onLine);
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
  });
  return listen(server, port);
}

/** Listens on 127.0.0.1:`port`; rejects on error (e.g. EADDRINUSE). */
export function listen(server: net.Server, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
