import type { GoFieldType } from './json.js';
import type { ProxyRandom } from './random.js';

/**
 * Toxic types and their stage implementations.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §5.2 (one row per type) and §5.1 (stage
 * mechanics). Every attribute is a JSON integer; an omitted attribute is 0.
 */

/** Toxic types the server accepts (`down` is not one: it is `enabled:false`). */
export type ToxicType = 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data' | 'noop';
/** `upstream` = bytes client→upstream server; `downstream` = server→client. */
export type StreamDirection = 'upstream' | 'downstream';

/** Milliseconds since an arbitrary origin (`performance.now()`). */
export type Milliseconds = number;

/**
 * A toxic as stored by the server.
 * Invariant: `direction` is `stream.toLowerCase()`; `attributes` has exactly the keys of the
 * type's `fields`, in their declared order.
 */
export interface ToxicRecord {
  name: string;
  type: ToxicType;
  /** The stream string as sent (case preserved, §3). */
  stream: string;
  direction: StreamDirection;
  /** Probability in [0, 1] that a link runs the toxic; float32; not range-checked (§3). */
  toxicity: number;
  attributes: Record<string, number>;
}

interface ToxicTypeSpec {
  /** Go struct name used in decode error texts, e.g. `LatencyToxic`. */
  struct: string;
  /** Attribute fields in JSON output order with their Go types. */
  fields: Record<string, GoFieldType>;
}

/** The registered toxic types (`toxics/*.go` init), with their attribute fields. */
export const TOXIC_TYPES: Readonly<Record<ToxicType, ToxicTypeSpec>> = {
  latency: { struct: 'LatencyToxic', fields: { latency: 'int64', jitter: 'int64' } },
  bandwidth: { struct: 'BandwidthToxic', fields: { rate: 'int64' } },
  slow_close: { struct: 'SlowCloseToxic', fields: { delay: 'int64' } },
  timeout: { struct: 'TimeoutToxic', fields: { timeout: 'int64' } },
  reset_peer: { struct: 'ResetToxic', fields: { timeout: 'int64' } },
  slicer: { struct: 'SlicerToxic', fields: { average_size: 'int', size_variation: 'int', delay: 'int' } },
  limit_data: { struct: 'LimitDataToxic', fields: { bytes: 'int64' } },
  noop: { struct: 'NoopToxic', fields: {} },
};

/** True if `t` names a registered toxic type. */
export function isToxicType(t: string): t is ToxicType {
  return Object.prototype.hasOwnProperty.call(TOXIC_TYPES, t);
}

/** A piece of stream data with the time it was read from the source socket (Go `StreamChunk`). */
export interface Chunk {
  data: Buffer;
  t: Milliseconds;
}

/** What a stage may do to the rest of its link. */
export interface StagePort {
  /** Pass a chunk to the next stage (or the destination socket). */
  emit(chunk: Chunk): void;
  /** Close the link from here on: the next stages drain, then the destination is closed. */
  end(): void;
  readonly rng: ProxyRandom;
}

/** One running toxic on one link. */
export interface Stage {
  write(chunk: Chunk): void;
  /** The input ended (source EOF or a previous stage closed). */
  end(): void;
  /** Bytes held by the stage; the link pauses its source above a high-water mark. */
  queuedBytes(): number;
  /** Stops timers and hands back the data it still holds, and whether an end is pending. */
  stop(): StageRemains;
  /**
   * True while the stage is in a wait Go's toxic cannot be interrupted in (reset_peer after its
   * first chunk: a bare `<-time.After`): it is then neither restarted nor removed, and finishes.
   */
  uninterruptible?(): boolean;
}

/**
 * What a stopped stage still held. Go interrupts a toxic's goroutine to restart or remove it, and
 * the toxic sends the chunk it was working on (waiting out its latency, its bandwidth slot, or
 * slicing it) on at once, undelayed, before it returns (`toxics/latency.go`, `bandwidth.go`,
 * `slicer.go`); chunks still queued behind it are read by the restarted toxic.
 */
export interface StageRemains {
  /** The chunk in progress (at most one; for slicer, the rest of the chunk being sliced): goes on at once. */
  interrupted: Chunk[];
  /** Chunks not yet started, in order. */
  held: Chunk[];
  /** Whether the stage's input had ended. */
  ended: boolean;
}

const NOTHING_HELD: StageRemains = Object.freeze({ interrupted: [], held: [], ended: false }) as StageRemains;

/** Per-link state that survives stage restarts (only `limit_data` uses it). */
export interface StageState {
  transmittedBytes: number;
}

const now = (): Milliseconds => performance.now();

/** Passes data through; also what a toxic that lost its toxicity roll runs. */
class NoopStage implements Stage {
  constructor(private readonly port: StagePort) {}
  write(c: Chunk): void {
    this.port.emit(c);
  }
  end(): void {
    this.port.end();
  }
  queuedBytes(): number {
    return 0;
  }
  stop(): StageRemains {
    return NOTHING_HELD;
  }
}

/**
 * A sequential delay line: chunks leave in arrival order; `delayFor` is asked once per chunk, when
 * the chunk reaches the head, and returns how long to wait from now (≤ 0 = release at once).
 */
abstract class QueueStage implements Stage {
  protected queue: Chunk[] = [];
  private readonly timer = new Timer();
  private ending = false;
  private stopped = false;
  private pumping = false;
  constructor(protected readonly port: StagePort) {}
  /**
   * Wait in ms before the head chunk goes. `done`: the head leaves whole (`piece` is the head).
   * Otherwise `piece`, if any, is a prefix of the head, cut off only when it is sent: a stage
   * stopped during the wait hands back the whole head, piece included.
   */
  protected abstract next(): { waitMs: number; piece: Chunk | null; done: boolean };
  /** Called with the real elapsed wait after a timer fired. */
  protected afterWait(_plannedMs: number, _actualMs: number): void {}
  /** A wait after each piece sent, before the next is considered (slicer's delay), ms. */
  protected pauseAfterSendMs(): number {
    return 0;
  }
  write(c: Chunk): void {
    if (this.stopped) return;
    this.queue.push(c);
    this.pump();
  }
  end(): void {
    if (this.stopped) return;
    this.ending = true;
    this.pump();
  }
  queuedBytes(): number {
    let n = 0;
    for (const c of this.queue) n += c.data.length;
    return n;
  }
  stop(): StageRemains {
    const interrupted = this.takeInterrupted();
    this.stopped = true;
    this.timer.clear();
    const held = this.queue;
    this.queue = [];
    return { interrupted, held, ended: this.ending };
  }
  /**
   * Takes the chunk in progress off the queue: by default the head while a wait for it runs (a
   * bandwidth piece not yet cut off goes with it: Go sends the whole remaining chunk).
   */
  protected takeInterrupted(): Chunk[] {
    return this.waiting && this.queue.length > 0 ? [this.queue.shift()!] : [];
  }
  /** True while a wait runs (for the head, or after a piece). */
  protected get waiting(): boolean {
    return this.timer.pending;
  }
  /** Starts the wait after a piece, if the stage has one (`pump` does nothing while it runs). */
  private pauseAfterSend(): void {
    const ms = this.pauseAfterSendMs();
    if (ms > 0 && !this.stopped) this.timer.set(ms, () => this.pump());
  }
  /** Takes the head (`done`) or `piece` off the front of it out of the queue, and emits `piece`. */
  private send(piece: Chunk | null, done: boolean): void {
    if (done) this.queue.shift();
    else if (piece) this.queue[0].data = this.queue[0].data.subarray(piece.data.length);
    if (piece) this.port.emit(piece);
  }
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && !this.timer.pending) {
        if (this.queue.length === 0) {
          if (this.ending) {
            this.stopped = true;
            this.port.end();
          }
          return;
        }
        const { waitMs, piece, done } = this.next();
        if (waitMs <= 0) {
          this.send(piece, done);
          this.pauseAfterSend();
          continue;
        }
        const start = now();
        this.timer.set(waitMs, () => {
          if (this.stopped) return;
          this.afterWait(waitMs, now() - start);
          this.send(piece, done);
          this.pauseAfterSend();
          this.pump();
        });
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** `latency`: each chunk leaves at its timestamp + latency ± jitter (uniform [-jitter, +jitter)). */
class LatencyStage extends QueueStage {
  constructor(port: StagePort, private readonly latencyMs: number, private readonly jitterMs: number) {
    super(port);
  }
  protected next(): { waitMs: number; piece: Chunk; done: boolean } {
    const head = this.queue[0];
    let delay = this.latencyMs;
    if (this.jitterMs > 0) delay += this.port.rng.intBelow(this.jitterMs * 2) - this.jitterMs;
    const sleep = delay - (now() - head.t);
    // Go: c.Timestamp = c.Timestamp.Add(sleep) once sent, so later stages add their own latency;
    // the queued head keeps its arrival time, which an interrupted wait sends on unchanged.
    return { waitMs: sleep, piece: { data: head.data, t: head.t + sleep }, done: true };
  }
}

/** `bandwidth`: `rate` KB/s (KB = 1000 bytes); pieces of rate*100 bytes every 100 ms; drift-corrected. */
class BandwidthStage extends QueueStage {
  /** Go's running `sleep`: the planned wait minus the real one, carried to the next chunk. */
  private debtMs = 0;
  private measuring = false;
  constructor(port: StagePort, private readonly rateKBps: number) {
    super(port);
  }
  protected next(): { waitMs: number; piece: Chunk; done: boolean } {
    const head = this.queue[0];
    if (this.rateKBps <= 0) return { waitMs: 0, piece: head, done: true };
    const max = this.rateKBps * 100;
    if (head.data.length > max) {
      // Cut off when sent (QueueStage.send): an update or removal during the wait keeps it.
      const piece = { data: head.data.subarray(0, max), t: head.t };
      this.measuring = false;
      return { waitMs: 100, piece, done: false };
    }
    this.debtMs += head.data.length / this.rateKBps;
    this.measuring = true;
    return { waitMs: this.debtMs, piece: head, done: true };
  }
  protected afterWait(plannedMs: number, actualMs: number): void {
    if (this.measuring) this.debtMs = plannedMs - actualMs;
  }
}

/**
 * `slicer`: each chunk, when the stage picks it up, is cut by recursive halving into pieces of at
 * most average_size + size_variation bytes; each piece is followed by a `delay` µs wait, the last
 * one too (Go `toxics/slicer.go`), so a chunk arriving at an idle stage goes at once.
 */
class SlicerStage extends QueueStage {
  /** Lengths of the head chunk's pieces; null until the head is picked up. */
  private pieces: number[] | null = null;
  /** The next of `pieces` to send (an index, not shift(): a 64 KiB chunk may have 65,536 pieces). */
  private nextPiece = 0;
  constructor(
    port: StagePort,
    private readonly averageSize: number,
    private readonly sizeVariation: number,
    private readonly delayUs: number,
  ) {
    super(port);
  }
  /** Appends the lengths of the pieces of [start, end) to `out`, in order. */
  private cut(start: number, end: number, out: number[]): void {
    if (end - start - this.averageSize <= this.sizeVariation || end - start <= 1) {
      out.push(end - start);
      return;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (this.sizeVariation > 0) mid += this.port.rng.intBelow(this.sizeVariation * 2) - this.sizeVariation;
    // Guard against Go's slice panic when size_variation >= average_size (§5.2 hazard).
    mid = Math.min(end - 1, Math.max(start + 1, mid));
    this.cut(start, mid, out);
    this.cut(mid, end, out);
  }
  protected next(): { waitMs: number; piece: Chunk; done: boolean } {
    const head = this.queue[0];
    if (this.pieces === null) {
      this.pieces = [];
      this.nextPiece = 0;
      this.cut(0, head.data.length, this.pieces);
    }
    const length = this.pieces[this.nextPiece++];
    if (this.nextPiece === this.pieces.length) {
      this.pieces = null;
      return { waitMs: 0, piece: head, done: true };
    }
    return { waitMs: 0, piece: { data: head.data.subarray(0, length), t: head.t }, done: false };
  }
  protected pauseAfterSendMs(): number {
    return this.delayUs / 1000;
  }
  /**
   * Interrupted during the wait after a piece, Go sends the rest of that chunk on whole
   * (`c.Data[chunks[i]:]`); after its last piece there is no rest, and the next chunk is not started.
   */
  protected takeInterrupted(): Chunk[] {
    if (!this.waiting || this.pieces === null) return [];
    this.pieces = null;
    return [this.queue.shift()!];
  }
}

/**
 * The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); Node fires a longer one
 * after 1 ms, which would turn a huge latency ("hold forever") into none. Go's timers have no such limit.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Runs `fn` after `ms` (of any length: longer waits are chained), or never if cancelled. */
class Timer {
  private handle: NodeJS.Timeout | null = null;
  set(ms: number, fn: () => void): void {
    this.clear();
    const step = Math.min(ms, MAX_TIMEOUT_MS);
    this.handle = setTimeout(() => {
      this.handle = null;
      if (ms > step) this.set(ms - step, fn);
      else fn();
    }, step);
  }
  /** True while a wait is running. */
  get pending(): boolean {
    return this.handle !== null;
  }
  clear(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
  }
}

/** `timeout`: drops data; timeout > 0 closes after that many ms without incoming data; 0 = blackhole. */
class TimeoutStage implements Stage {
  private readonly timer = new Timer();
  private done = false;
  constructor(private readonly port: StagePort, private readonly timeoutMs: number) {
    this.arm();
  }
  private arm(): void {
    if (this.timeoutMs > 0) this.timer.set(this.timeoutMs, () => this.finish());
  }
  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.timer.clear();
    this.port.end();
  }
  write(): void {
    if (!this.done) this.arm();
  }
  end(): void {
    this.finish();
  }
  queuedBytes(): number {
    return 0;
  }
  stop(): StageRemains {
    this.done = true;
    this.timer.clear();
    return NOTHING_HELD;
  }
}

/** `slow_close`: passes data; when the input ends, waits `delay` ms before closing. */
class SlowCloseStage implements Stage {
  private readonly timer = new Timer();
  private ending = false;
  private stopped = false;
  constructor(private readonly port: StagePort, private readonly delayMs: number) {}
  write(c: Chunk): void {
    if (!this.stopped) this.port.emit(c);
  }
  end(): void {
    if (this.stopped || this.ending) return;
    this.ending = true;
    this.timer.set(this.delayMs, () => {
      this.stopped = true;
      this.port.end();
    });
  }
  queuedBytes(): number {
    return 0;
  }
  stop(): StageRemains {
    this.stopped = true;
    this.timer.clear();
    return { interrupted: [], held: [], ended: this.ending };
  }
}

/** `reset_peer`: on the first chunk (or EOF), drops it, waits `timeout` ms, then closes. */
class ResetPeerStage implements Stage {
  private readonly timer = new Timer();
  private triggered = false;
  private stopped = false;
  constructor(private readonly port: StagePort, private readonly timeoutMs: number) {}
  private trigger(): void {
    if (this.triggered || this.stopped) return;
    this.triggered = true;
    this.timer.set(this.timeoutMs, () => {
      this.stopped = true;
      this.port.end();
    });
  }
  write(): void {
    this.trigger();
  }
  end(): void {
    this.trigger();
  }
  uninterruptible(): boolean {
    return this.triggered && !this.stopped;
  }
  queuedBytes(): number {
    return 0;
  }
  stop(): StageRemains {
    this.stopped = true;
    this.timer.clear();
    return NOTHING_HELD;
  }
}

/** `limit_data`: forwards at most `bytes` bytes per link in total, then closes. */
class LimitDataStage implements Stage {
  private done = false;
  constructor(private readonly port: StagePort, private readonly limitBytes: number, private readonly state: StageState) {}
  write(c: Chunk): void {
    if (this.done) return;
    const remaining = Math.max(0, this.limitBytes - this.state.transmittedBytes);
    const data = remaining < c.data.length ? c.data.subarray(0, remaining) : c.data;
    if (data.length > 0) {
      this.state.transmittedBytes += data.length;
      this.port.emit({ data, t: c.t });
    }
    if (this.limitBytes - this.state.transmittedBytes <= 0) {
      this.done = true;
      this.port.end();
    }
  }
  end(): void {
    if (this.done) return;
    this.done = true;
    this.port.end();
  }
  queuedBytes(): number {
    return 0;
  }
  stop(): StageRemains {
    this.done = true;
    return NOTHING_HELD;
  }
}

/**
 * Starts a toxic's stage on a link. Rolls the toxicity (`rng.float32() < toxicity`, §5.1): a lost
 * roll runs a pass-through stage instead.
 */
export function startStage(toxic: ToxicRecord, port: StagePort, state: StageState): Stage {
  if (!(port.rng.float32() < Math.fround(toxic.toxicity))) return new NoopStage(port);
  const a = toxic.attributes;
  switch (toxic.type) {
    case 'latency':
      return new LatencyStage(port, a.latency, a.jitter);
    case 'bandwidth':
      return new BandwidthStage(port, a.rate);
    case 'slicer':
      return new SlicerStage(port, a.average_size, a.size_variation, a.delay);
    case 'timeout':
      return new TimeoutStage(port, a.timeout);
    case 'slow_close':
      return new SlowCloseStage(port, a.delay);
    case 'reset_peer':
      return new ResetPeerStage(port, a.timeout);
    case 'limit_data':
      return new LimitDataStage(port, a.bytes, state);
    case 'noop':
      return new NoopStage(port);
  }
}
