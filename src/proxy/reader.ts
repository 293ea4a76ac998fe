import net from 'node:net';

/**
 * How a proxied socket reads: into 1 MiB buffers this module owns and reuses, instead of Node's
 * default of a fresh 64 KiB buffer per read.
 *
 * Why (bench/proxy.ts and side-by-side runs, 2-core VM, 1 GiB streams through one proxy,
 * 2026-11-30): on loopback a relay's CPU time goes with its number of `read` calls more than with
 * its bytes — socat, same traffic: 64 KiB reads 1.0–1.3 CPU-s/GB, 256 KiB 0.6–0.7, 1 MiB 0.4–0.5.
 * Node's reads are capped at 64 KiB (libuv's suggested size) unless the socket was created with the
 * `onread` option, and each went into a fresh buffer, most of which page-faulted (~130,000 faults per
 * GiB) because glibc had handed the memory freed by the previous GC back to the kernel. The embedded
 * server took 2.7–4.8 CPU-s/GB that way, a bare `socket.pipe` process 1.1–1.9; with this reader
 * 0.5–0.8, and 2,000–15,000 faults per GiB.
 *
 * Node asks for the buffer of a socket's next read right after each read, and the socket keeps it
 * until that read happens: for an idle connection, forever. So a socket whose last read did not fill
 * its buffer (it read all there was) reads next into one buffer that all such sockets share
 * ({@link ReadBuffers.parking}), and its bytes are copied out at once; only a socket whose last read
 * filled its buffer (a bulk stream) reads into a buffer of its own, whose chunks are passed on
 * without a copy. Free buffers go to one process-wide pool of at most {@link POOLED_BUFFERS}. An idle
 * connection thus holds no read buffer, unless a socket's last read happened to fill one exactly
 * (then it holds that one, 1 MiB). Per-socket buffers and spares held ~4 MiB per idle connection
 * after a bulk stream (200 such connections: server RSS 912 MiB, 139 MiB with Node's own reads).
 */

/** The size of every read buffer, in bytes. */
export const READ_BUFFER_BYTES = 1024 * 1024;
/**
 * A chunk smaller than 1/SMALL_CHUNK_FRACTION of a read buffer is copied into a buffer of its own
 * size, so that chunks waiting to be written hold at most this many times their own bytes (a bulk
 * stream's reads mostly fill their buffer).
 */
const SMALL_CHUNK_FRACTION = 4;
/** Released read buffers kept process-wide for reuse; more in flight at once are left to the GC. */
export const POOLED_BUFFERS = 8;

/**
 * The read buffers sockets share: {@link ReadBuffers.parking}, and a pool of free ones. One instance,
 * {@link sharedReadBuffers}, serves every proxied socket of the process.
 * Invariant: a buffer in the pool is handed to no socket and referenced by no unreleased chunk.
 */
export class ReadBuffers {
  private parkingBuffer: Buffer | null = null;
  private readonly free: Buffer[] = [];

  /** @param pooled free buffers kept for reuse; more given back at once are left to the GC. */
  constructor(private readonly pooled = POOLED_BUFFERS) {}

  /**
   * The buffer every socket whose last read did not fill its buffer reads into next. Nothing keeps
   * a reference to its bytes: a read into it is copied out before its callback returns, and Node
   * calls that callback right after the `read` system call that filled it, on this thread.
   */
  get parking(): Buffer {
    this.parkingBuffer ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
    return this.parkingBuffer;
  }

  /** A free buffer of READ_BUFFER_BYTES, from the pool or new. */
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  }

  /** Returns a buffer taken with {@link take} once nothing refers to its bytes. */
  giveBack(buf: Buffer): void {
    if (this.free.length < this.pooled) this.free.push(buf);
  }
}

/** The read buffers of every proxied socket of this process. */
export const sharedReadBuffers = new ReadBuffers();

/**
 * Receives what a socket read: `chunk` is a view of a pooled buffer, valid until `release()` is
 * called; call it once nothing refers to the bytes any more (e.g. in the callback of the `write`
 * that sent them on; later calls do nothing). Backpressure is the socket's `pause()`/`resume()`.
 */
export type ChunkSink = (chunk: Buffer, release: () => void) => void;

/**
 * The reads of one socket and where its chunks go.
 * Invariant: the buffer handed out for the socket's next read is the parking buffer or one of its
 * own, which is in no pool and referenced by no chunk whose `release` has not been called.
 */
export class SocketReader {
  /** Where chunks go; until a consumer sets it, chunks are copied into `early`. */
  private sink: ChunkSink | null = null;
  /** The last read filled its buffer: the next one gets a buffer of its own. */
  private bulk = false;
  /** Chunks read before a sink was set (none while the socket stays paused until then). */
  private readonly early: Buffer[] = [];

  /** @param buffers where read buffers come from and go back to. */
  constructor(private readonly buffers: ReadBuffers = sharedReadBuffers) {}

  /** The `onread` option for `net.connect` / `new net.Socket`. */
  readonly onread = {
    buffer: (): Buffer => (this.bulk ? this.buffers.take() : this.buffers.parking),
    callback: (nread: number, buf: Buffer): boolean => {
      this.onRead(nread, buf);
      return true; // keep reading: backpressure is the socket's pause()
    },
  };

  /** Sets where chunks go, first replaying any that arrived before. */
  setSink(sink: ChunkSink): void {
    this.sink = sink;
    for (const b of this.early.splice(0)) sink(b, () => undefined);
  }

  private onRead(nread: number, buf: Buffer): void {
    this.bulk = nread === buf.length;
    const shared = buf === this.buffers.parking;
    if (this.sink === null || nread * SMALL_CHUNK_FRACTION < buf.length) {
      // A copy of its own size: before a sink is set, and for a small chunk, which would otherwise
      // hold a whole read buffer for as long as it waits to be written.
      const copy = Buffer.from(buf.subarray(0, nread));
      if (!shared) this.buffers.giveBack(buf);
      if (this.sink === null) this.early.push(copy);
      else this.sink(copy, () => undefined);
      return;
    }
    let own = buf;
    if (shared) {
      own = this.buffers.take();
      buf.copy(own, 0, 0, nread);
    }
    let released = false;
    this.sink(own.subarray(0, nread), () => {
      if (released) return;
      released = true;
      this.buffers.giveBack(own);
    });
  }
}

/**
 * Opens a TCP connection whose reads go through `reader`. Same options as `net.connect`.
 */
export function connectWithReader(options: net.TcpNetConnectOpts, reader: SocketReader): net.Socket {
  return net.connect({ ...options, onread: reader.onread });
}

/**
 * Moves an accepted socket's connection into a new socket whose reads go through `reader`:
 * `net.Server` has no `onread` option, so its sockets always read into fresh 64 KiB buffers.
 * `accepted` must come from a server with `pauseOnConnect: true` (nothing read yet); it is left
 * destroyed without its connection, which the returned socket now owns. The server no longer counts
 * the connection (`getConnections`, `maxConnections`, `close` waiting for it): destroying `accepted`
 * took it off, so whoever closes the server closes these sockets itself. Relies on `socket._handle`
 * and the `handle` constructor option, which `net.Server` itself uses to create its sockets
 * (Node 20–24).
 * @throws Error when `accepted` has no handle (already closed).
 */
export function adoptWithReader(accepted: net.Socket, reader: SocketReader, options: { allowHalfOpen: boolean; noDelay: boolean }): net.Socket {
  const holder = accepted as unknown as { _handle: object | null };
  const handle = holder._handle;
  if (handle === null) throw new Error('accepted socket is already closed');
  holder._handle = null;
  accepted.destroy();
  return new net.Socket({ ...options, handle, onread: reader.onread, pauseOnCreate: true } as net.SocketConstructorOpts);
}
