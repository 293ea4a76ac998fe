import net from 'node:net';

/**
 * How a proxied socket reads: into buffers this module owns and reuses, growing from
 * {@link MIN_READ_BYTES} to {@link MAX_READ_BYTES} while reads fill them, instead of Node's default
 * of a fresh 64 KiB buffer per read.
 *
 * Why (bench/proxy.ts and side-by-side runs, 2-core VM, 1 GiB streams through one proxy,
 * 2026-11-30): on loopback a relay's CPU time goes with its number of `read` calls more than with
 * its bytes — socat, same traffic: 64 KiB reads 1.0–1.3 CPU-s/GB, 256 KiB 0.6–0.7, 1 MiB 0.4–0.5.
 * Node's reads are capped at 64 KiB (libuv's suggested size) unless the socket was created with the
 * `onread` option, and each went into a fresh buffer, most of which page-faulted (~130,000 faults per
 * GiB) because glibc had handed the memory freed by the previous GC back to the kernel. The embedded
 * server took 2.7–4.8 CPU-s/GB that way, a bare `socket.pipe` process 1.1–1.9; with this reader
 * 0.5–0.8, and 2,000–15,000 faults per GiB.
 */

/** The first read buffer of a socket, in bytes; small so that an idle or chatty link costs little. */
export const MIN_READ_BYTES = 64 * 1024;
/** The largest read buffer, in bytes, reached by doubling after each read that filled its buffer. */
export const MAX_READ_BYTES = 1024 * 1024;
/**
 * A chunk smaller than 1/SMALL_CHUNK_FRACTION of its read buffer is copied out and the buffer freed
 * at once, so that chunks waiting to be written hold at most this many times their own bytes
 * (a bulk stream's reads mostly fill their buffer; copying the rest cost ~10% more bytes copied).
 */
const SMALL_CHUNK_FRACTION = 4;
/** Released buffers kept for reuse per socket; more in flight at once are left to the GC. */
const SPARE_BUFFERS = 2;

/**
 * Receives what a socket read: `chunk` is a view of a pooled buffer, valid until `release()` is
 * called; call it once nothing refers to the bytes any more (e.g. in the callback of the `write`
 * that sent them on; later calls do nothing). Backpressure is the socket's `pause()`/`resume()`.
 */
export type ChunkSink = (chunk: Buffer, release: () => void) => void;

/**
 * The read buffers of one socket and where its chunks go.
 * Invariant: a buffer handed out for reading is neither in `spare` nor referenced by a chunk
 * whose `release` has not been called.
 */
export class SocketReader {
  /** Where chunks go; until a consumer sets it, chunks are copied into `early`. */
  private sink: ChunkSink | null = null;
  private size = MIN_READ_BYTES;
  private readonly spare: Buffer[] = [];
  /** Chunks read before a sink was set (none while the socket stays paused until then). */
  private readonly early: Buffer[] = [];

  /** The `onread` option for `net.connect` / `new net.Socket`. */
  readonly onread = {
    buffer: (): Buffer => this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size),
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
    if (nread === buf.length && this.size < MAX_READ_BYTES) {
      this.size *= 2;
      this.spare.length = 0; // smaller than what the next reads get
    }
    if (this.sink === null || nread * SMALL_CHUNK_FRACTION < buf.length) {
      // A copy, so the buffer is free at once: before a sink is set, and for a small chunk, which
      // would otherwise hold a large buffer for as long as it waits to be written.
      const copy = Buffer.from(buf.subarray(0, nread));
      this.giveBack(buf);
      if (this.sink === null) this.early.push(copy);
      else this.sink(copy, () => undefined);
      return;
    }
    let released = false;
    this.sink(buf.subarray(0, nread), () => {
      if (released) return;
      released = true;
      this.giveBack(buf);
    });
  }

  private giveBack(buf: Buffer): void {
    if (buf.length === this.size && this.spare.length < SPARE_BUFFERS) this.spare.push(buf);
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
 * destroyed without its connection, which the returned socket now owns (also for the server's
 * connection count). Relies on `socket._handle` and the `handle` constructor option, which
 * `net.Server` itself uses to create its sockets (Node 20–24).
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
