import net from 'node:net';
import { startToxiproxyServer, type ProxyControl, type ToxiproxyServer } from '../../src/proxy/index.js';
import { seededRandom } from '../../src/proxy/random.js';

/** Starts an embedded server on 127.0.0.1 and a free port. */
export function startServer(): Promise<ToxiproxyServer> {
  return startToxiproxyServer({ host: '127.0.0.1', port: 0, random: seededRandom(42) });
}

/**
 * A TCP echo server on 127.0.0.1; `close()` also destroys its sockets. `ends[i]` resolves when its
 * i-th accepted connection closed: null after a FIN, else the error code (e.g. `ECONNRESET`).
 */
export async function startEcho(): Promise<{ port: number; ends: Array<Promise<string | null>>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const ends: Array<Promise<string | null>> = [];
  const server = net.createServer((s) => {
    sockets.add(s);
    let error: string | null = null;
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    ends.push(new Promise((r) => s.on('close', () => r(error))));
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    ends,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A connected client that records what it receives and when it closed. */
export interface TestClient {
  socket: net.Socket;
  received(): Buffer;
  /** Resolves with the received bytes once at least `n` bytes arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Buffer>;
  /** Resolves when the socket closed, with the error code if any. */
  closed: Promise<string | null>;
  destroy(): void;
}

export function connect(port: number): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let waiters: Array<() => void> = [];
    let closeErr: string | null = null;
    const closed = new Promise<string | null>((r) => {
      socket.on('error', (e: NodeJS.ErrnoException) => {
        closeErr = e.code ?? e.message;
      });
      socket.on('close', () => {
        r(closeErr);
        for (const w of waiters) w();
      });
    });
    socket.on('data', (b: Buffer) => {
      chunks.push(b);
      for (const w of waiters) w();
    });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        closed,
        destroy: () => socket.destroy(),
        waitFor: (n, timeoutMs = 5000) =>
          new Promise<Buffer>((res, rej) => {
            const check = (): boolean => {
              const b = Buffer.concat(chunks);
              if (b.length >= n) {
                clearTimeout(t);
                waiters = waiters.filter((w) => w !== check);
                res(b);
                return true;
              }
              if (socket.destroyed) {
                clearTimeout(t);
                rej(new Error(`socket closed after ${b.length} bytes`));
                return true;
              }
              return false;
            };
            const t = setTimeout(() => rej(new Error(`timeout waiting for ${n} bytes`)), timeoutMs);
            if (!check()) waiters.push(check);
          }),
      });
    });
    socket.once('error', reject);
  });
}

/** Tries to connect; resolves with the error code, or `'connected'`. */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/**
 * Runs `fn` with a proxy named `name` in front of 127.0.0.1:`upstreamPort`, given its listen port;
 * deletes the proxy afterwards, whatever happens.
 */
export async function withProxy(control: ProxyControl, name: string, upstreamPort: number, fn: (port: number) => Promise<void>): Promise<void> {
  const p = await control.createProxy(name, '127.0.0.1:0', `127.0.0.1:${upstreamPort}`);
  try {
    await fn(portOf(p.listen));
  } finally {
    await control.deleteProxy(name);
  }
}
