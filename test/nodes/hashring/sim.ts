/**
 * An in-memory network of hash-ring cores for deterministic tests: every tick advances the shared
 * clock by `tickMs`, ticks every live node and delivers every message (and the messages those
 * produce) before the next tick. Links speak the plan's words: partition, isolate, heal.
 */
import {DEFAULT_RING_CONFIG, newRingState, step, type Effects, type RingCommand, type RingConfig, type RingReplyBody, type RingState} from '../../../nodes/hashring/core.js';
import type {RingMessage} from '../../../nodes/hashring/messages.js';
import {restore, type DurableRecord} from '../../../nodes/hashring/storage.js';

export class RingSim {
  readonly nodes = new Map<string, RingState>();
  readonly disk = new Map<string, DurableRecord[]>();
  readonly down = new Set<string>();
  readonly cut = new Set<string>();
  readonly replies = new Map<number, RingReplyBody>();
  readonly log: string[] = [];
  nowMs = 1_000_000;
  private nextRequest = 1;
  private queue: RingMessage[] = [];

  constructor(
    readonly ids: string[],
    readonly overrides: Partial<RingConfig> = {},
  ) {
    for (const id of ids) {
      this.disk.set(id, []);
      this.nodes.set(id, this.fresh(id));
    }
  }

  private fresh(id: string): RingState {
    const config: RingConfig = {...DEFAULT_RING_CONFIG, ...this.overrides, id, peers: this.ids.filter((x) => x !== id)};
    return newRingState(config, this.nowMs, restore(this.disk.get(id)!));
  }

  private apply(id: string, fx: Effects): void {
    const disk = this.disk.get(id)!;
    if (fx.compact) disk.splice(0, disk.length, ...fx.compact);
    else disk.push(...fx.persist);
    this.log.push(...fx.log);
    this.queue.push(...fx.send);
    for (const r of fx.replies) this.replies.set(r.requestId, r.body);
  }

  private deliver(): void {
    while (this.queue.length > 0) {
      const m = this.queue.shift()!;
      if (this.down.has(m.to) || this.down.has(m.from) || this.cut.has(`${m.from}>${m.to}`)) continue;
      this.apply(m.to, step(this.nodes.get(m.to)!, {type: 'message', nowMs: this.nowMs, message: m}));
    }
  }

  /** Advances `count` ticks. */
  tick(count = 1): void {
    for (let i = 0; i < count; i++) {
      this.nowMs += this.nodes.values().next().value!.config.tickMs;
      for (const [id, s] of this.nodes) if (!this.down.has(id)) this.apply(id, step(s, {type: 'tick', nowMs: this.nowMs}));
      this.deliver();
    }
  }

  /** Sends a client command to `node`; returns the request id (see `replies`). */
  request(node: string, command: RingCommand): number {
    const requestId = this.nextRequest++;
    this.apply(node, step(this.nodes.get(node)!, {type: 'request', nowMs: this.nowMs, requestId, command}));
    this.deliver();
    return requestId;
  }

  /** Sends an admin `join` or `leave` to `node`; returns its reply (membership is changed at once, or refused). */
  membership(node: string, action: 'join' | 'leave'): RingReplyBody {
    const requestId = this.nextRequest++;
    this.apply(node, step(this.nodes.get(node)!, {type: 'membership', nowMs: this.nowMs, requestId, action}));
    this.deliver();
    return this.replies.get(requestId)!;
  }

  /** Runs `command` at `node` and ticks until it is answered (at most `maxTicks`). */
  run(node: string, command: RingCommand, maxTicks = 200): RingReplyBody {
    const id = this.request(node, command);
    for (let i = 0; i < maxTicks && !this.replies.has(id); i++) this.tick();
    const r = this.replies.get(id);
    if (r === undefined) throw new Error(`no reply to ${JSON.stringify(command)} within ${maxTicks} ticks`);
    return r;
  }

  /** Cuts every link between the two groups, both directions. */
  partition(a: string[], b: string[]): void {
    for (const x of a) for (const y of b) this.cut.add(`${x}>${y}`).add(`${y}>${x}`);
  }

  /** Cuts `node` off from every other node. */
  isolate(node: string): void {
    this.partition([node], this.ids.filter((x) => x !== node));
  }

  heal(): void {
    this.cut.clear();
  }

  /** kill -9: the node loses its memory; its disk stays. */
  kill(node: string): void {
    this.down.add(node);
  }

  /** Restarts a killed node from its disk. */
  restart(node: string): void {
    this.down.delete(node);
    this.nodes.set(node, this.fresh(node));
  }
}
