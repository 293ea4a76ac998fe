/**
 * The state, configuration, inputs, effects and durable records of the Multi-Paxos core
 * (core.ts holds the step function and the proposer, acceptor and learner handlers). Section
 * references: Lamport, "Paxos Made Simple" (2001), "PMS".
 */
import {uniformInt} from 'pure-rand/distribution/uniformInt';
import {xoroshiro128plus, xoroshiro128plusFromState} from 'pure-rand/generator/xoroshiro128plus';
import {emptyKv, kvFromImage, type KvCommand, type KvState} from '../common/kv.js';
import type {Reply, ReplyBody} from '../common/replies.js';
import {ZERO_BALLOT, compareBallots, type Ballot} from './ballot.js';
import type {AcceptedEntry, PaxosMessage, SlotEntry, SlotValue, Snapshot} from './messages.js';

export type NodeId = string;
export type PaxosRole = 'leader' | 'follower' | 'candidate';
export type {Reply, ReplyBody};

/** Static configuration of one node. All durations are in ticks. */
export interface PaxosConfig {
  id: NodeId;
  /** The other members. Invariant: does not contain `id`. */
  peers: NodeId[];
  /** Lower bound of the randomized takeover timeout, in ticks. @default 15 */
  electionTicksMin: number;
  /** Upper bound (inclusive) of the randomized takeover timeout, in ticks. @default 30 */
  electionTicksMax: number;
  /** A leader sends accepts (retransmissions, or empty heartbeats) this often, in ticks. @default 3 */
  heartbeatTicks: number;
  /** A leader that has not heard from a majority within this many ticks steps down. @default 30 */
  quorumCheckTicks: number;
  /** A proposed request not applied within this many ticks is answered `timeout`. @default 250 */
  requestTimeoutTicks: number;
  /** A deposed leader forwards its unfinished writes and cas this many ticks later (1 s at 20 ms, longer
   * than a takeover, so that the new leader is known by then). @default 50 */
  resubmitTicks: number;
  /** Take a snapshot and truncate every this many applied slots. @default 1000 */
  snapshotEverySlots: number;
  /** Most slots carried by one accept or learn message. @default 200 */
  maxSlotsPerMessage: number;
  /** Seeded bug: acceptor state is not persisted. @default false */
  acceptorForgets: boolean;
  /** Seeded bug: an acceptor accepts without comparing the ballot with its promise. @default false */
  noPromiseCheck: boolean;
  /** Seeded bug: retried (duplicate) writes and cas are applied again. @default false */
  noDedup: boolean;
}

/** Defaults for everything but `id` and `peers`. With 20 ms ticks: 300–600 ms takeover timeouts, 60 ms heartbeats. */
export const DEFAULT_PAXOS_CONFIG: Omit<PaxosConfig, 'id' | 'peers'> = {
  electionTicksMin: 15,
  electionTicksMax: 30,
  heartbeatTicks: 3,
  quorumCheckTicks: 30,
  requestTimeoutTicks: 250,
  resubmitTicks: 50,
  snapshotEverySlots: 1000,
  maxSlotsPerMessage: 200,
  acceptorForgets: false,
  noPromiseCheck: false,
  noDedup: false,
};

/** One record of the durable acceptor file, replayed in order at start (see `restore`). */
export type DurableRecord =
  | {type: 'promise'; ballot: Ballot}
  | {type: 'accept'; slot: number; ballot: Ballot; value: SlotValue}
  | {type: 'snapshot'; snapshot: Snapshot};

/** Acceptor state recovered from disk. */
export interface AcceptorState {
  promised: Ballot;
  accepted: Map<number, {ballot: Ballot; value: SlotValue}>;
  snapshot: Snapshot;
}

/** A slot this leader is running phase 2 for. */
export interface Proposal {
  value: SlotValue;
  /** Acceptors (this node included) that accepted it at the leader's ballot. */
  acks: Set<NodeId>;
}

/** A client request proposed in a slot and waiting for that slot to be decided. */
export interface PendingRequest {
  requestId: number;
  /** `origin` of the value proposed; a different value decided in the slot means it was not chosen there. */
  origin: string;
  command: KvCommand;
  /** Tick (`now`) after which it is answered `timeout`. */
  deadlineTick: number;
}

/** A write or cas a deposed leader will hand to the next leader (the internal retry). */
export interface Resubmit {
  command: KvCommand;
  dueTick: number;
  expireTick: number;
}

/** The whole state of one node. */
export interface PaxosState {
  config: PaxosConfig;
  /** Acceptor, durable: highest ballot promised (PMS §2.2 phase 1(b)). */
  promised: Ballot;
  /** Acceptor, durable: per slot, the highest-ballot proposal accepted. Invariant: keys > snapshot.through. */
  accepted: Map<number, {ballot: Ballot; value: SlotValue}>;
  /** Durable: the latest checkpoint. Invariant: snapshot.through ≤ applied. */
  snapshot: Snapshot;
  /** Learner: decided values of slots > snapshot.through (applied ones kept for lagging learners). */
  decided: Map<number, SlotValue>;
  /** Learner: every slot ≤ applied is decided and applied to `kv`, in slot order. */
  applied: number;
  kv: KvState;
  role: PaxosRole;
  /** Proposer: this node's own ballot while candidate or leader (the last one it used otherwise). */
  ballot: Ballot;
  /** Highest round seen in any ballot; a new ballot goes above it. */
  maxRoundSeen: number;
  /** The leader this node believes in, or null. */
  leader: NodeId | null;
  /** Candidate: the first slot phase 1 asks about. */
  prepareFrom: number;
  /** Candidate: promises received for `ballot`, by acceptor. */
  promises: Map<NodeId, {accepted: AcceptedEntry[]; snapshot: Snapshot | null}>;
  /** Leader: the next free slot. */
  nextSlot: number;
  /** Leader: slots in phase 2, not yet decided. */
  proposals: Map<number, Proposal>;
  /** Leader: each peer's last applied slot, as it last reported it. */
  peerApplied: Map<NodeId, number>;
  /** Leader: peers heard from since the last quorum check. */
  heardFrom: Set<NodeId>;
  /** Leader: client requests waiting for their slot, by slot. */
  pending: Map<number, PendingRequest>;
  resubmit: Resubmit[];
  /** Ticks since the leader was last heard from (followers, candidates). */
  electionElapsed: number;
  /** This round's randomized takeover timeout in ticks, in [electionTicksMin, electionTicksMax]. */
  electionTimeout: number;
  heartbeatElapsed: number;
  quorumElapsed: number;
  /** State of the xoroshiro128+ generator used for takeover timeouts. */
  rngState: readonly number[];
  /** Ticks since this state was created. */
  now: number;
  /** Messages this node sends itself (its own acceptor and learner), handled within the same step. */
  selfQueue: PaxosMessage[];
}

/** A peer message to send. */
export interface Outbound {
  to: NodeId;
  message: PaxosMessage;
}

export type Input =
  /** One unit of logical time; the shell sends one every `tickMs`. */
  | {type: 'tick'}
  /** A peer message received. */
  | {type: 'message'; message: PaxosMessage}
  /** A client request; answered later through `Effects.replies` with the same `requestId`. */
  | {type: 'propose'; requestId: number; command: KvCommand};

/** What the shell must do after a step, in field order (see the module comment). */
export interface Effects {
  persist: DurableRecord[];
  /** If set: replace the durable file with exactly these records (after a snapshot). */
  compact: DurableRecord[] | null;
  send: Outbound[];
  apply: SlotEntry[];
  replies: Reply[];
  log: string[];
  /** Values this node's acceptor accepted during the step (for tests and tracing; the shell ignores it). */
  accepts: AcceptedEntry[];
}

const EMPTY_SNAPSHOT: Snapshot = {through: 0, kv: {data: [], sessions: []}};

/** Replays durable records (file order) into acceptor state. */
export function restore(records: readonly DurableRecord[]): AcceptorState {
  const a: AcceptorState = {promised: ZERO_BALLOT, accepted: new Map(), snapshot: EMPTY_SNAPSHOT};
  for (const r of records) {
    if (r.type === 'promise') {
      if (compareBallots(r.ballot, a.promised) > 0) a.promised = r.ballot;
    } else if (r.type === 'accept') {
      if (r.slot > a.snapshot.through) a.accepted.set(r.slot, {ballot: r.ballot, value: r.value});
    } else if (r.snapshot.through > a.snapshot.through) {
      a.snapshot = r.snapshot;
      for (const slot of [...a.accepted.keys()]) if (slot <= r.snapshot.through) a.accepted.delete(slot);
    }
  }
  return a;
}

/** The records that recreate the node's acceptor state: written over the file after a snapshot. */
export function durableImage(s: PaxosState): DurableRecord[] {
  const out: DurableRecord[] = [{type: 'promise', ballot: s.promised}];
  if (s.snapshot.through > 0) out.push({type: 'snapshot', snapshot: s.snapshot});
  for (const slot of [...s.accepted.keys()].sort((a, b) => a - b)) {
    const a = s.accepted.get(slot)!;
    out.push({type: 'accept', slot, ballot: a.ballot, value: a.value});
  }
  return out;
}

/**
 * A fresh follower with the restored acceptor state (or none). The state machine starts from the
 * snapshot; later slots are learned again from the leader.
 * @param seed seeds the takeover-timeout generator; the shell uses node id + time, tests a constant.
 */
export function newPaxosState(config: PaxosConfig, seed: number, durable?: AcceptorState): PaxosState {
  const snapshot = durable?.snapshot ?? EMPTY_SNAPSHOT;
  const s: PaxosState = {
    config,
    promised: durable?.promised ?? ZERO_BALLOT,
    accepted: durable?.accepted ?? new Map(),
    snapshot,
    decided: new Map(),
    applied: snapshot.through,
    kv: snapshot.through > 0 ? kvFromImage(snapshot.kv) : emptyKv(),
    role: 'follower',
    ballot: ZERO_BALLOT,
    maxRoundSeen: durable?.promised.round ?? 0,
    leader: null,
    prepareFrom: 0,
    promises: new Map(),
    nextSlot: 0,
    proposals: new Map(),
    peerApplied: new Map(),
    heardFrom: new Set(),
    pending: new Map(),
    resubmit: [],
    electionElapsed: 0,
    electionTimeout: config.electionTicksMax,
    heartbeatElapsed: 0,
    quorumElapsed: 0,
    rngState: xoroshiro128plus(seed | 0).getState(),
    now: 0,
    selfQueue: [],
  };
  resetElectionTimer(s);
  return s;
}

/** Draws a new takeover timeout in [electionTicksMin, electionTicksMax] from the seeded generator and restarts the count. */
export function resetElectionTimer(s: PaxosState): void {
  const rng = xoroshiro128plusFromState(s.rngState);
  s.electionTimeout = uniformInt(rng, s.config.electionTicksMin, s.config.electionTicksMax);
  s.rngState = rng.getState();
  s.electionElapsed = 0;
}
