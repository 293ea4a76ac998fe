import type { Socket } from 'node:net';
import type { ProxyRandom } from './random.js';
import type { SocketReader } from './reader.js';
import { startStage, type Chunk, type Stage, type StageState, type StreamDirection, type ToxicRecord } from './toxics.js';

/**
 * The data path of one proxied TCP connection: two links (upstream = client→server, downstream =
 * server→client), each a pipeline of that stream's toxics in insertion order.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §5.1. Data streams through with
 * backpressure (the source is paused while the destination needs a drain or the stages hold more
 * than {@link LINK_HIGH_WATER_BYTES}); when a link's source ends, its destination is closed and the
 * other link is ended too (half-close is not propagated). A link without toxics writes what its
 * source read straight from the read buffer ({@link SocketReader}); with toxics, stages get a copy.
 */

/**
 * Bytes a link's stages may hold, and bytes its destination socket may have queued unsent, before
 * its source socket is paused. Go buffers up to 1024 chunks per stage (`latency` buffer size); 1 MiB
 * keeps memory bounded (at most 2 MiB of data per link, plus the read buffers its unsent chunks
 * hold: see {@link SocketReader}) with the same effect on a paced stream, and is large enough that a
 * fast stream is not paused at every read (bench/proxy.ts).
 */
export const LINK_HIGH_WATER_BYTES = 1024 * 1024;


interface Slot {
  toxic: ToxicRecord;
  stage: Stage;
  state: StageState;
  /** The stage's input has ended; later writes to it are dropped. */
  inputEnded: boolean;
  /**
   * Its toxic was removed while the stage could not be interrupted (a fired reset_peer): it stays
   * in the pipeline until it closes the link, but no longer answers to the toxic's name.
   */
  removed?: boolean;
}

/** One direction of a connection. */
export class Link {
  private readonly slots: Slot[] = [];
  private needDrain = false;
  private writerEnded = false;
  private closing = false;
  /** Bytes read from the source so far (for /metrics). */
  receivedBytes = 0;
  /** Bytes handed to the destination socket so far (for /metrics). */
  sentBytes = 0;

  constructor(
    private readonly conn: Connection,
    readonly direction: StreamDirection,
    readonly src: Socket,
    private readonly reader: SocketReader,
    readonly dst: Socket,
    toxics: readonly ToxicRecord[],
    private readonly rng: ProxyRandom,
  ) {
    for (const t of toxics) this.slots.push(this.newSlot(t));
  }

  /** Starts reading the source. */
  start(): void {
    this.reader.setSink((chunk, release) => {
      if (this.closing) {
        release();
        return;
      }
      this.receivedBytes += chunk.length;
      if (this.slots.length === 0) {
        this.write(chunk, release);
      } else {
        this.deliver(0, { data: Buffer.from(chunk), t: performance.now() });
        release();
      }
      this.poke();
    });
    this.src.on('end', () => this.endInput());
    this.src.on('close', () => this.endInput());
    this.dst.on('drain', () => {
      this.needDrain = false;
      this.poke();
    });
    this.src.resume();
  }

  /** Ends this link's input as if its source had reached EOF (the stages drain first). */
  endInput(): void {
    if (this.closing) return;
    this.closing = true;
    this.endAt(0);
  }

  /**
   * Appends a toxic of this link's stream (§5.1 Add); restarts the stage before it. A link whose
   * input ended but whose stages still drain gets it too: what they still hold goes through it
   * (Go interrupts the last toxic unless its stub already closed).
   */
  addToxic(toxic: ToxicRecord): void {
    if (this.writerEnded) return;
    // Go cannot interrupt the toxic before it (a fired reset_peer): the new one never runs.
    if (this.slots.at(-1)?.stage.uninterruptible?.()) return;
    this.slots.push(this.newSlot(toxic));
    if (this.slots.length >= 2) this.restart(this.slots[this.slots.length - 2]);
  }

  /** Restarts the named toxic's stage with its new attributes and a new toxicity roll (§4.5). */
  updateToxic(toxic: ToxicRecord): void {
    if (this.writerEnded) return; // ended or disposed: no stage to restart
    const slot = this.slots.find((s) => !s.removed && s.toxic.name === toxic.name);
    if (!slot) return;
    slot.toxic = toxic;
    this.restart(slot);
  }

  /**
   * Removes the named toxic: data it holds is flushed on at once; removing a `timeout` toxic closes
   * the link (Go `TimeoutToxic.Cleanup`); the stage before it restarts.
   */
  removeToxic(name: string): void {
    if (this.writerEnded) return; // ended or disposed: nothing left to flush or close
    const i = this.slots.findIndex((s) => !s.removed && s.toxic.name === name);
    if (i < 0) return;
    const slot = this.slots[i];
    if (slot.stage.uninterruptible?.()) {
      // Go's RemoveToxic cannot interrupt it either: it goes on and closes the link.
      slot.removed = true;
      return;
    }
    const { interrupted, held, ended } = slot.stage.stop();
    this.slots.splice(i, 1);
    // Held data is older than anything in the stage before, so it goes first; a stage whose input
    // had ended may still hold data it was draining, which goes on before the end.
    for (const c of [...interrupted, ...held]) this.deliver(i, c);
    if (ended || slot.toxic.type === 'timeout') this.endAt(i);
    if (i > 0) this.restart(this.slots[i - 1]);
    this.poke();
  }

  /** Stops every stage's timers; used when the connection is torn down. */
  dispose(): void {
    this.closing = true;
    this.writerEnded = true;
    for (const s of this.slots) s.stage.stop();
  }

  private newSlot(toxic: ToxicRecord): Slot {
    const slot: Slot = { toxic, stage: undefined as unknown as Stage, state: { transmittedBytes: 0 }, inputEnded: false };
    slot.stage = startStage(toxic, this.portFor(slot), slot.state);
    return slot;
  }

  private portFor(slot: Slot): Parameters<typeof startStage>[1] {
    return {
      rng: this.rng,
      emit: (c: Chunk) => {
        const i = this.slots.indexOf(slot);
        if (i < 0) return;
        this.deliver(i + 1, c);
        this.poke();
      },
      end: () => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.endAt(i + 1);
      },
    };
  }

  /** Go's interrupt and re-run: the chunk in progress goes on undelayed, the rest into the new stage. */
  private restart(slot: Slot): void {
    if (slot.stage.uninterruptible?.()) return; // a fired reset_peer finishes as it was
    const { interrupted, held, ended } = slot.stage.stop();
    const i = this.slots.indexOf(slot);
    for (const c of interrupted) this.deliver(i + 1, c);
    slot.stage = startStage(slot.toxic, this.portFor(slot), slot.state);
    for (const c of held) slot.stage.write(c);
    if (ended) slot.stage.end();
    this.poke();
  }

  private deliver(index: number, c: Chunk): void {
    if (index >= this.slots.length) {
      this.write(c.data);
      return;
    }
    const slot = this.slots[index];
    if (!slot.inputEnded) slot.stage.write(c);
  }

  private endAt(index: number): void {
    if (index >= this.slots.length) {
      this.endWriter();
      return;
    }
    const slot = this.slots[index];
    if (slot.inputEnded) return;
    slot.inputEnded = true;
    this.closing = true;
    slot.stage.end();
  }

  /** Writes `data` to the destination; `written` runs once the socket no longer needs the bytes. */
  private write(data: Buffer, written?: () => void): void {
    if (this.writerEnded || this.dst.destroyed || !this.dst.writable || data.length === 0) {
      written?.();
      return;
    }
    // Pause the source only once the destination holds LINK_HIGH_WATER_BYTES unsent, not at the
    // socket's own 16 KiB mark, which a 64 KiB read exceeds whenever the kernel does not take it
    // at once: that paused a fast stream after nearly every read (readStop/readStart, then idle
    // until 'drain'). 'drain' still comes: a write that leaves more than 16 KiB queued returns
    // false, which arms it.
    this.sentBytes += data.length;
    this.dst.write(data, written);
    if (this.dst.writableLength >= LINK_HIGH_WATER_BYTES) this.needDrain = true;
  }

  private endWriter(): void {
    if (this.writerEnded) return;
    this.writerEnded = true;
    this.closing = true;
    this.conn.linkEnded(this);
  }

  /** Pauses or resumes the source for backpressure. */
  private poke(): void {
    if (this.closing || this.src.destroyed) return;
    let queued = 0;
    for (const s of this.slots) queued += s.stage.queuedBytes();
    if (this.needDrain || queued >= LINK_HIGH_WATER_BYTES) {
      if (!this.src.isPaused()) this.src.pause();
    } else if (this.src.isPaused()) {
      this.src.resume();
    }
  }
}

/** A zero-length write, whose callback marks the point where every earlier write is done. */
const EMPTY = Buffer.alloc(0);

/**
 * Closes a socket after its pending writes flushed (FIN, or RST with `reset`), however long the
 * peer takes to read them, as Go's `Close()` after its blocking writes does: the kernel delivers
 * what was written. A peer that never reads keeps the socket until the connection is closed ({@link Connection.close}:
 * disable, delete, shutdown). Until 2026-12 it was destroyed after 2 s, which cut the tail off a
 * stream read at under ~0.5 MB/s (6,000,000 bytes: 233,371–396,160 lost, with a clean FIN).
 */
function closeSocket(s: Socket, reset = false): void {
  if (s.destroyed) return;
  if (reset) {
    // RST instead of FIN (SO_LINGER 0) once the kernel has everything written before: an empty
    // write's callback runs after every earlier write's. A peer that has not read that data yet
    // when the RST lands may see it followed by a plain end of stream (Linux), as with Go's server.
    s.write(EMPTY, () => {
      if (s.destroyed) return;
      if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
      else s.destroy();
    });
    return;
  }
  s.end();
  if (s.writableFinished) {
    s.destroy();
    return;
  }
  s.once('finish', () => s.destroy());
}

/** A socket and the reader its reads go through. */
export interface ReadingSocket {
  socket: Socket;
  reader: SocketReader;
}

/** A proxied client connection and its upstream socket. */
export class Connection {
  readonly upstream: Link;
  readonly downstream: Link;
  private ended = 0;
  /** Both links ended; the sockets are flushing their last bytes ({@link finish}). */
  private finishing = false;
  private closed = false;

  /**
   * @param reset close with RST (`SO_LINGER 0`): set when a `reset_peer` toxic existed at accept (§5.2).
   * @param onClosed called once when both sockets are closed.
   */
  readonly client: Socket;
  readonly server: Socket;

  constructor(
    client: ReadingSocket,
    server: ReadingSocket,
    toxics: { upstream: readonly ToxicRecord[]; downstream: readonly ToxicRecord[] },
    rng: ProxyRandom,
    private readonly reset: boolean,
    private readonly onClosed: (conn: Connection) => void,
  ) {
    this.client = client.socket;
    this.server = server.socket;
    this.upstream = new Link(this, 'upstream', this.client, client.reader, this.server, toxics.upstream, rng);
    this.downstream = new Link(this, 'downstream', this.server, server.reader, this.client, toxics.downstream, rng);
    const onError = (): void => undefined; // errors surface as 'close'; the links handle that
    this.client.on('error', onError);
    this.server.on('error', onError);
  }

  /** Starts both links. */
  start(): void {
    this.upstream.start();
    this.downstream.start();
  }

  /** The link for a stream direction. */
  link(direction: StreamDirection): Link {
    return direction === 'upstream' ? this.upstream : this.downstream;
  }

  /**
   * Called by a link whose pipeline has ended: close its destination (FIN, or RST once its written
   * data is flushed when `reset`: Go's `Close()` with `SO_LINGER 0` after its blocking writes), end
   * the other link, whose stages drain first.
   */
  linkEnded(link: Link): void {
    if (this.closed || this.finishing) return;
    this.ended++;
    if (this.reset) closeSocket(link.dst, true);
    else link.dst.end();
    if (this.ended >= 2) {
      this.finish();
      return;
    }
    (link === this.upstream ? this.downstream : this.upstream).endInput();
  }

  /**
   * Tears the connection down at once (disable, delete, shutdown, reset_peer): stages stopped, both
   * sockets destroyed without waiting for unsent data — FIN, or RST when `reset` (Go `Close()`).
   */
  close(): void {
    if (this.closed) return;
    this.upstream.dispose();
    this.downstream.dispose();
    this.closed = true;
    for (const s of [this.client, this.server]) {
      if (this.reset && typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
      else s.destroy();
    }
    this.onClosed(this);
  }

  /**
   * Both links ended: each socket is closed once its unsent data is flushed. The connection stays
   * open (listed by its proxy, so {@link close} still tears it down) until both sockets closed.
   */
  private finish(): void {
    if (this.closed || this.finishing) return;
    this.finishing = true;
    this.upstream.dispose();
    this.downstream.dispose();
    let open = 0;
    const closed = (): void => {
      if (--open > 0 || this.closed) return;
      this.closed = true;
      this.onClosed(this);
    };
    for (const s of [this.client, this.server]) {
      if (s.destroyed) continue;
      open++;
      s.once('close', closed);
    }
    open++;
    closeSocket(this.client, this.reset);
    closeSocket(this.server, this.reset);
    closed();
  }
}
