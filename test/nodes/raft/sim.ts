/**
 * A deterministic in-memory cluster for driving Raft cores: a FIFO of messages in flight, directed
 * links that can be cut (the plan's words: partition, isolate, heal, drop), simulated disks that keep
 * every persisted record, and crash/restart from those disks. No timers, no sockets.
 */
import type {KvCommand} from '../../../nodes/common/kv.js';
import {
  DEFAULT_RAFT_CONFIG,
  newRaftState,
  restore,
  step,
  type DurableRecord,
  type Effects,
  type Input,
  type RaftConfig,
  type RaftState,
  type Reply,
} from '../../../nodes/raft/core.js';
import type {LogEntry} from '../../../nodes/raft/log.js';
import type {RaftMessage} from '../../../nodes/raft/messages.js';

export class Sim {
  readonly ids: string[];
  readonly nodes = new Map<string, RaftState>();
  readonly disks = new Map<string, DurableRecord[]>();
  readonly replies = new Map<number, Reply['body']>();
  readonly applied = new Map<string, LogEntry[]>();
  readonly logLines: string[] = [];
  readonly down = new Set<string>();
  private inFlight: RaftMessage[] = [];
  private readonly cut = new Set<string>();
  private nextRequestId = 1;

  constructor(count: number, private readonly overrides: Partial<RaftConfig> = {}) {
    this.ids = Array.from({length: count}, (_, i) => `n${i + 1}`);
    for (const id of this.ids) {
      this.disks.set(id, []);
      this.applied.set(id, []);
      this.nodes.set(id, newRaftState(this.configOf(id), this.seedOf(id)));
    }
  }

  configOf(id: string): RaftConfig {
    return {...DEFAULT_RAFT_CONFIG, ...this.overrides, id, peers: this.ids.filter((p) => p !== id)};
  }

  private seedOf(id: string): number {
    return this.ids.indexOf(id) + 1;
  }

  node(id: string): RaftState {
    const s = this.nodes.get(id);
    if (s === undefined) throw new Error(`no node ${id}`);
    return s;
  }

  /** Steps one node and records its effects; returns them for assertions. */
  input(id: string, input: Input): Effects {
    const empty: Effects = {persist: [], send: [], apply: [], replies: [], log: []};
    if (this.down.has(id)) return empty;
    const {effects} = step(this.node(id), input);
    this.disks.get(id)!.push(...effects.persist);
    for (const o of effects.send) this.inFlight.push(o.message);
    this.applied.get(id)!.push(...effects.apply);
    for (const r of effects.replies) this.replies.set(r.requestId, r.body);
    this.logLines.push(...effects.log);
    return effects;
  }

  tick(id: string, times = 1): void {
    for (let i = 0; i < times; i++) this.input(id, {type: 'tick'});
  }

  /** Delivers messages (including the ones they cause) until none are in flight. Cut links drop. */
  deliver(maxMessages = 100_000): void {
    for (let n = 0; this.inFlight.length > 0; n++) {
      if (n > maxMessages) throw new Error('deliver: no quiescence');
      const m = this.inFlight.shift()!;
      if (this.cut.has(`${m.from}>${m.to}`) || this.down.has(m.to)) continue;
      this.input(m.to, {type: 'message', message: m});
    }
  }

  /** Drops every message in flight. */
  drop(): void {
    this.inFlight = [];
  }

  /** Ticks every node once and delivers, `ticks` times. */
  run(ticks: number): void {
    for (let t = 0; t < ticks; t++) {
      for (const id of this.ids) this.tick(id);
      this.deliver();
    }
  }

  /** Runs until `pred` holds, at most `maxTicks`; returns the ticks taken. */
  runUntil(pred: () => boolean, maxTicks = 500): number {
    for (let t = 0; t < maxTicks; t++) {
      if (pred()) return t;
      this.run(1);
    }
    throw new Error(`condition not reached in ${maxTicks} ticks`);
  }

  leaders(among: readonly string[] = this.ids): string[] {
    return among.filter((id) => !this.down.has(id) && this.node(id).role === 'leader');
  }

  /** Runs until exactly one live node among `among` is leader and returns it. */
  electLeader(among: readonly string[] = this.ids): string {
    this.runUntil(() => this.leaders(among).length === 1);
    return this.leaders(among)[0];
  }

  /** Cuts both directions between every pair of nodes in different groups. */
  partition(...groups: string[][]): void {
    for (const a of groups) for (const b of groups) {
      if (a === b) continue;
      for (const x of a) for (const y of b) this.cut.add(`${x}>${y}`);
    }
  }

  isolate(id: string): void {
    this.partition([id], this.ids.filter((x) => x !== id));
  }

  /** Cuts one direction only. */
  cutLink(from: string, to: string): void {
    this.cut.add(`${from}>${to}`);
  }

  heal(): void {
    this.cut.clear();
  }

  propose(id: string, command: KvCommand): number {
    const requestId = this.nextRequestId++;
    this.input(id, {type: 'propose', requestId, command});
    return requestId;
  }

  /** Loses all volatile state; the disk survives. */
  crash(id: string): void {
    this.down.add(id);
    this.inFlight = this.inFlight.filter((m) => m.to !== id && m.from !== id);
  }

  /** Restarts from the simulated disk, like a process after SIGKILL. */
  restart(id: string): void {
    this.down.delete(id);
    this.nodes.set(id, newRaftState(this.configOf(id), this.seedOf(id) + 1000, restore(this.disks.get(id)!)));
  }

  /** Sends a hand-made message straight into a node. */
  inject(message: RaftMessage): Effects {
    return this.input(message.to, {type: 'message', message});
  }
}
