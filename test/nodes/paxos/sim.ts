/**
 * A deterministic in-memory cluster for driving Multi-Paxos cores. The network speaks the plan's
 * words (partition, isolate, heal) and can also be hostile: each message may be dropped,
 * duplicated, or delayed by up to `maxDelayTicks` (which reorders it). Simulated disks keep every
 * persisted record; `crash` loses volatile state and `restart` recovers from the disk, like SIGKILL.
 * Every random choice comes from a seeded xoroshiro128+, so a seed replays exactly.
 *
 * The sim is also the safety oracle: it records every acceptance (slot, ballot, value, acceptor)
 * and reports a violation when two different values are chosen — accepted by a majority at one
 * ballot — for one slot (Lamport, "Paxos Made Simple", §2.1 safety), or when two learners decide
 * different values for one slot.
 */
import {uniformInt} from 'pure-rand/distribution/uniformInt';
import {xoroshiro128plus} from 'pure-rand/generator/xoroshiro128plus';
import type {RandomGenerator} from 'pure-rand/types/RandomGenerator';
import type {KvCommand} from '../../../nodes/common/kv.js';
import type {ReplyBody} from '../../../nodes/common/replies.js';
import {formatBallot} from '../../../nodes/paxos/ballot.js';
import {
  DEFAULT_PAXOS_CONFIG,
  newPaxosState,
  restore,
  step,
  type DurableRecord,
  type Effects,
  type Input,
  type PaxosConfig,
  type PaxosState,
} from '../../../nodes/paxos/core.js';
import type {PaxosMessage, SlotEntry} from '../../../nodes/paxos/messages.js';

/** How hostile the network is. Rates are probabilities per message; delays are in ticks. */
export interface NetOptions {
  dropRate: number;
  dupRate: number;
  maxDelayTicks: number;
}

export const RELIABLE: NetOptions = {dropRate: 0, dupRate: 0, maxDelayTicks: 0};

interface InFlight {
  message: PaxosMessage;
  /** Tick at which it may be delivered. */
  at: number;
}

export class PaxosSim {
  readonly ids: string[];
  readonly nodes = new Map<string, PaxosState>();
  readonly disks = new Map<string, DurableRecord[]>();
  readonly replies = new Map<number, ReplyBody>();
  readonly applied = new Map<string, SlotEntry[]>();
  readonly logLines: string[] = [];
  readonly down = new Set<string>();
  /** Safety violations found so far (empty for a correct core). */
  readonly violations: string[] = [];
  /** Per slot, the value chosen (JSON), from acceptances. */
  readonly chosen = new Map<number, string>();
  /** Per slot, the value learners applied (JSON). */
  readonly decided = new Map<number, string>();
  /** Messages delivered so far. */
  delivered = 0;
  now = 0;
  private inFlight: InFlight[] = [];
  private readonly acceptances = new Map<string, Set<string>>();
  private readonly cut = new Set<string>();
  private nextRequestId = 1;
  private restarts = 0;
  readonly rng: RandomGenerator;

  constructor(
    count: number,
    private readonly overrides: Partial<PaxosConfig> = {},
    public net: NetOptions = RELIABLE,
    seed = 1,
  ) {
    this.rng = xoroshiro128plus(seed);
    this.ids = Array.from({length: count}, (_, i) => `n${i + 1}`);
    for (const id of this.ids) {
      this.disks.set(id, []);
      this.applied.set(id, []);
      this.nodes.set(id, newPaxosState(this.configOf(id), seed * 31 + this.ids.indexOf(id)));
    }
  }

  configOf(id: string): PaxosConfig {
    return {...DEFAULT_PAXOS_CONFIG, ...this.overrides, id, peers: this.ids.filter((p) => p !== id)};
  }

  get quorum(): number {
    return Math.floor(this.ids.length / 2) + 1;
  }

  node(id: string): PaxosState {
    const s = this.nodes.get(id);
    if (s === undefined) throw new Error(`no node ${id}`);
    return s;
  }

  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  chance(p: number): boolean {
    return p > 0 && this.int(0, 999_999) < p * 1_000_000;
  }

  /** Steps one node, records its effects and checks safety; returns the effects for assertions. */
  input(id: string, input: Input): Effects {
    const empty: Effects = {persist: [], compact: null, send: [], apply: [], replies: [], log: [], accepts: []};
    if (this.down.has(id)) return empty;
    const {effects} = step(this.node(id), input);
    const disk = this.disks.get(id)!;
    disk.push(...effects.persist);
    if (effects.compact) disk.splice(0, disk.length, ...effects.compact);
    for (const o of effects.send) this.post(o.message);
    this.applied.get(id)!.push(...effects.apply);
    for (const r of effects.replies) this.replies.set(r.requestId, r.body);
    this.logLines.push(...effects.log);
    for (const a of effects.accepts) this.recordAcceptance(id, a.slot, formatBallot(a.ballot), JSON.stringify(a.value));
    for (const a of effects.apply) {
      const v = JSON.stringify(a.value);
      const have = this.decided.get(a.slot);
      if (have === undefined) this.decided.set(a.slot, v);
      else if (have !== v) this.violations.push(`slot ${a.slot}: ${id} applied ${v}, another learner applied ${have}`);
    }
    return effects;
  }

  private recordAcceptance(acceptor: string, slot: number, ballot: string, value: string): void {
    const key = `${slot}|${ballot}|${value}`;
    let set = this.acceptances.get(key);
    if (set === undefined) this.acceptances.set(key, (set = new Set()));
    set.add(acceptor);
    if (set.size < this.quorum) return;
    const have = this.chosen.get(slot);
    if (have === undefined) this.chosen.set(slot, value);
    else if (have !== value) this.violations.push(`slot ${slot}: chose ${value} at ballot ${ballot} after ${have}`);
  }

  private post(message: PaxosMessage): void {
    if (this.chance(this.net.dropRate)) return;
    const copies = this.chance(this.net.dupRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.net.maxDelayTicks > 0 ? this.int(0, this.net.maxDelayTicks) : 0;
      this.inFlight.push({message, at: this.now + delay});
    }
  }

  tick(id: string, times = 1): void {
    for (let i = 0; i < times; i++) this.input(id, {type: 'tick'});
  }

  /** Delivers every message that is due, in random order when the network delays, FIFO otherwise. */
  deliver(maxMessages = 100_000): void {
    for (let n = 0; ; n++) {
      if (n > maxMessages) throw new Error('deliver: no quiescence');
      let index = -1;
      if (this.net.maxDelayTicks === 0) {
        index = this.inFlight.findIndex((f) => f.at <= this.now);
      } else {
        const due: number[] = [];
        for (let i = 0; i < this.inFlight.length; i++) if (this.inFlight[i].at <= this.now) due.push(i);
        if (due.length > 0) index = due[this.int(0, due.length - 1)];
      }
      if (index < 0) return;
      const {message: m} = this.inFlight.splice(index, 1)[0];
      if (this.cut.has(`${m.from}>${m.to}`) || this.down.has(m.to)) continue;
      this.delivered += 1;
      this.input(m.to, {type: 'message', message: m});
    }
  }

  /** Drops every message in flight. */
  drop(): void {
    this.inFlight = [];
  }

  /** Ticks every live node once and delivers what is due, `ticks` times. */
  run(ticks: number): void {
    for (let t = 0; t < ticks; t++) {
      this.now += 1;
      for (const id of this.ids) this.tick(id);
      this.deliver();
    }
  }

  /** Runs until `pred` holds, at most `maxTicks`; returns the ticks taken. */
  runUntil(pred: () => boolean, maxTicks = 1000): number {
    for (let t = 0; t < maxTicks; t++) {
      if (pred()) return t;
      this.run(1);
    }
    throw new Error(`condition not reached in ${maxTicks} ticks\n${this.logLines.slice(-20).join('\n')}`);
  }

  leaders(among: readonly string[] = this.ids): string[] {
    return among.filter((id) => !this.down.has(id) && this.node(id).role === 'leader');
  }

  /** Runs until exactly one live node among `among` is leader and returns it. */
  electLeader(among: readonly string[] = this.ids, maxTicks = 1000): string {
    this.runUntil(() => this.leaders(among).length === 1, maxTicks);
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

  heal(): void {
    this.cut.clear();
  }

  propose(id: string, command: KvCommand): number {
    const requestId = this.nextRequestId++;
    this.input(id, {type: 'propose', requestId, command});
    return requestId;
  }

  /** Loses all volatile state; the disk survives. Messages already sent may still arrive elsewhere. */
  crash(id: string): void {
    this.down.add(id);
  }

  /** Restarts from the simulated disk, like a process after SIGKILL. */
  restart(id: string): void {
    this.down.delete(id);
    this.restarts += 1;
    this.nodes.set(id, newPaxosState(this.configOf(id), 7919 * this.restarts + this.ids.indexOf(id), restore(this.disks.get(id)!)));
  }

  /** Sends a hand-made message straight into a node. */
  inject(message: PaxosMessage): Effects {
    return this.input(message.to, {type: 'message', message});
  }
}
