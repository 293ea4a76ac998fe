/**
 * Multi-Paxos key-value replica as a pure state machine. Every node is proposer, acceptor and
 * learner (Lamport, "Paxos Made Simple", 2001 — "PMS" below; the stable distinguished proposer of
 * PMS §3, "Paxos Made Live" §3 and van Renesse & Altinbuken, "Paxos Made Moderately Complex", 2015).
 *
 * etcd-raft `Ready` style: `step(state, input)` returns the effects the shell must carry out, in
 * this order:
 *   1. `persist`: acceptor records (promise, accept, snapshot) to append and fsync — BEFORE anything
 *      in `send` or `replies` leaves the process (PMS §2.2/§2.4: "an acceptor must remember this
 *      information even if it fails and then restarts"); `compact`, if set, then replaces the whole
 *      file (after a snapshot);
 *   2. `send`: peer messages, in order;
 *   3. `apply`: decided slots applied to the key-value state, ascending (for logs and tests);
 *   4. `replies`: answers to client requests, keyed by the shell's request id.
 * `log` holds one human-readable line per role change and notable event.
 *
 * No clock, socket, disk, timer or Math.random: time arrives as `tick` inputs (the shell owns
 * `tickMs`) and randomness comes from a seeded xoroshiro128+ whose state lives in the node state.
 * `step` updates the state in place; the same inputs from the same state give the same effects.
 *
 * The protocol:
 * - Ballots are (round, node id), totally ordered (PMS §2.2, "proposal numbers").
 * - A follower that has not heard from a leader for a randomized `electionTicksMin..Max` ticks
 *   becomes a candidate with a ballot above every round it has seen and runs phase 1 once, for
 *   every slot from its first undecided one (PMS §3). From a majority of promises it takes, per
 *   slot, the value accepted at the highest ballot (PMS §2.2 phase 2(a)), re-proposes those values,
 *   fills gaps with no-ops (PMS §3), and proposes one no-op more so that it learns where the log ends.
 * - A stable leader skips phase 1 and runs phase 2 per slot (PMS §3), retransmitting unacknowledged
 *   accepts with every heartbeat. A value accepted by a majority at one ballot is chosen (§2.2); the
 *   leader tells every learner (§2.3), and learners apply decided slots in slot order.
 * - A leader steps down when it sees a higher ballot (a nack, a prepare or a competing leader) or
 *   when it has not heard from a majority for `quorumCheckTicks`.
 * - Reads go through a slot like writes, so they are linearizable.
 * - Client dedup (nodes/common/kv.ts): a write or cas is applied at most once per (client, seq).
 *   A deposed leader answers its pending requests `timeout` (indefinite) and, `resubmitTicks`
 *   (1 s) later, forwards their writes and cas to the leader it then knows (the node's internal retry,
 *   like a client retrying after a timeout): the command may then be chosen in two slots, and the
 *   session table makes the second one a no-op.
 * - Log growth is bounded: every `snapshotEverySlots` applied slots the node takes a snapshot of
 *   the state machine (dedup table included), drops decided and accepted slots up to it, and asks
 *   the shell to compact its file. Learners behind a leader's snapshot are sent the snapshot.
 *
 * Seeded bugs (config flags, off by default): `acceptorForgets` (nothing is persisted, so a restarted
 * acceptor forgets its promise and accepted values), `noPromiseCheck` (accept without comparing the
 * ballot with the promise), `noDedup` (the state machine skips the session check).
 */
import {applyCommand, kvFromImage, kvImage, type KvCommand} from '../common/kv.js';
import {bodyOf, type ReplyBody} from '../common/replies.js';
import {compareBallots, formatBallot, sameBallot, type Ballot} from './ballot.js';
import type {
  Accept,
  AcceptedEntry,
  AcceptedMsg,
  Learn,
  Nack,
  PaxosMessage,
  Prepare,
  PromiseMsg,
  SlotEntry,
  SlotValue,
  Snapshot,
} from './messages.js';
import {durableImage, resetElectionTimer, type DurableRecord, type Effects, type Input, type NodeId, type PaxosRole, type PaxosState, type Resubmit} from './state.js';

/** The state, config and effect types live in state.ts; they are part of this module's interface. */
export * from './state.js';

/** Role, term (the round of the highest promised ballot), known leader and last applied slot, for `status_ok`. */
export function statusOf(s: PaxosState): {role: PaxosRole; term: number; leader: NodeId | null; commitIndex: number} {
  return {role: s.role, term: Math.max(s.promised.round, s.ballot.round), leader: s.leader, commitIndex: s.applied};
}

/** Advances the state machine by one input. Updates `state` in place and returns it with the effects. */
export function step(state: PaxosState, input: Input): {state: PaxosState; effects: Effects} {
  const e: Effects = {persist: [], compact: null, send: [], apply: [], replies: [], log: [], accepts: []};
  switch (input.type) {
    case 'tick':
      tick(state, e);
      break;
    case 'propose':
      propose(state, e, input.requestId, input.command);
      break;
    case 'message':
      receive(state, e, input.message);
      break;
  }
  // Messages to ourselves (own acceptor, own learner) are handled at once, in order.
  for (let n = 0; state.selfQueue.length > 0; n++) {
    if (n > 100_000) throw new Error(`${state.config.id}: self-message loop`);
    receive(state, e, state.selfQueue.shift()!);
  }
  // A snapshot during this step asked for compaction: the image must include every later record too.
  if (e.compact !== null) e.compact = durableImage(state);
  return {state, effects: e};
}

// ---------------------------------------------------------------------------------------------
// Helpers

function quorum(s: PaxosState): number {
  return Math.floor((s.config.peers.length + 1) / 2) + 1;
}

function everyone(s: PaxosState): NodeId[] {
  return [s.config.id, ...s.config.peers];
}

function send(s: PaxosState, e: Effects, message: PaxosMessage): void {
  if (message.to === s.config.id) s.selfQueue.push(message);
  else e.send.push({to: message.to, message});
}

function persist(s: PaxosState, e: Effects, record: DurableRecord): void {
  if (!s.config.acceptorForgets) e.persist.push(record); // seeded bug: acceptor state only in memory
}

function reply(e: Effects, requestId: number, body: ReplyBody): void {
  e.replies.push({requestId, body});
}

function observe(s: PaxosState, b: Ballot): void {
  if (b.round > s.maxRoundSeen) s.maxRoundSeen = b.round;
}

function sameValue(a: SlotValue, b: SlotValue): boolean {
  return a.origin === b.origin && JSON.stringify(a.command) === JSON.stringify(b.command);
}

// ---------------------------------------------------------------------------------------------
// Role changes (each logs one line)

/**
 * Becomes (or stays) a follower of `leader` (null: unknown). A deposed leader answers its pending
 * requests `timeout` (indefinite: each may still be chosen) and queues its writes and cas for the
 * internal retry.
 */
export function becomeFollower(s: PaxosState, e: Effects, leader: NodeId | null, why: string): void {
  const was = s.role;
  const oldLeader = s.leader;
  if (was === 'leader') {
    for (const p of s.pending.values()) {
      reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: `${s.config.id} lost leadership before the request was decided; it may still be chosen`});
      if (p.command.type !== 'read') s.resubmit.push({command: p.command, dueTick: s.now + s.config.resubmitTicks, expireTick: s.now + s.config.requestTimeoutTicks});
    }
    s.pending.clear();
  }
  s.role = 'follower';
  s.leader = leader;
  s.proposals.clear();
  s.promises.clear();
  s.peerApplied.clear();
  s.heardFrom.clear();
  resetElectionTimer(s);
  if (was !== 'follower' || oldLeader !== leader) {
    const following = leader === null ? 'leader unknown' : `leader ${leader} with ballot ${formatBallot(s.promised)}`;
    e.log.push(`${s.config.id} became follower (${following}): ${why}`);
  }
}

/** Starts phase 1 with a ballot above every round seen, for every slot after the last applied one (PMS §3). */
export function becomeCandidate(s: PaxosState, e: Effects): void {
  const round = Math.max(s.maxRoundSeen, s.promised.round, s.ballot.round) + 1;
  s.ballot = {round, node: s.config.id};
  s.maxRoundSeen = round;
  s.role = 'candidate';
  s.leader = null;
  s.promises.clear();
  s.prepareFrom = s.applied + 1;
  resetElectionTimer(s);
  e.log.push(`${s.config.id} became candidate with ballot ${formatBallot(s.ballot)} (phase 1 from slot ${s.prepareFrom})`);
  for (const to of everyone(s)) {
    const m: Prepare = {type: 'prepare', from: s.config.id, to, ballot: s.ballot, fromSlot: s.prepareFrom};
    send(s, e, m);
  }
}

/**
 * Phase 1 succeeded: installs the newest snapshot any promise carried, then for every slot above
 * the last applied one re-proposes the value accepted at the highest ballot (PMS §2.2 phase 2(a)),
 * fills gaps with no-ops (PMS §3), and proposes one more no-op at the end of the log.
 */
export function becomeLeader(s: PaxosState, e: Effects): void {
  let newest: Snapshot | null = null;
  for (const p of s.promises.values()) if (p.snapshot && (!newest || p.snapshot.through > newest.through)) newest = p.snapshot;
  if (newest && newest.through > s.applied) installSnapshot(s, e, newest);
  const recovered = new Map<number, AcceptedEntry>();
  let maxSlot = s.applied;
  for (const p of s.promises.values()) {
    for (const a of p.accepted) {
      if (a.slot <= s.applied) continue;
      const have = recovered.get(a.slot);
      if (!have || compareBallots(a.ballot, have.ballot) > 0) recovered.set(a.slot, a);
      if (a.slot > maxSlot) maxSlot = a.slot;
    }
  }
  for (const slot of s.decided.keys()) if (slot > maxSlot) maxSlot = slot;
  s.role = 'leader';
  s.leader = s.config.id;
  s.promises.clear();
  s.proposals.clear();
  s.heardFrom.clear();
  s.peerApplied = new Map(s.config.peers.map((p) => [p, 0]));
  s.heartbeatElapsed = 0;
  s.quorumElapsed = 0;
  s.nextSlot = maxSlot + 1;
  const range = maxSlot > s.applied ? `re-proposing slots ${s.applied + 1}..${maxSlot}` : 'nothing to re-propose';
  e.log.push(`${s.config.id} became leader with ballot ${formatBallot(s.ballot)} (${range})`);
  const origin = formatBallot(s.ballot);
  const entries: SlotEntry[] = [];
  for (let slot = s.applied + 1; slot <= maxSlot; slot++) {
    if (s.decided.has(slot)) continue;
    entries.push({slot, value: recovered.get(slot)?.value ?? {origin, command: {type: 'noop'}}});
  }
  entries.push({slot: s.nextSlot++, value: {origin, command: {type: 'noop'}}});
  for (const entry of entries) s.proposals.set(entry.slot, {value: entry.value, acks: new Set()});
  for (const to of everyone(s)) sendAccepts(s, e, to, entries);
}

// ---------------------------------------------------------------------------------------------
// Inputs

function tick(s: PaxosState, e: Effects): void {
  s.now += 1;
  runResubmits(s, e);
  if (s.role === 'leader') {
    tickLeader(s, e);
    return;
  }
  s.electionElapsed += 1;
  if (s.electionElapsed >= s.electionTimeout) becomeCandidate(s, e);
}

function tickLeader(s: PaxosState, e: Effects): void {
  for (const [slot, p] of s.pending) {
    if (p.deadlineTick <= s.now) {
      s.pending.delete(slot);
      reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: `not decided within ${s.config.requestTimeoutTicks} ticks; it may still be chosen`});
    }
  }
  s.quorumElapsed += 1;
  if (s.quorumElapsed >= s.config.quorumCheckTicks) {
    s.quorumElapsed = 0;
    const heard = s.heardFrom.size + 1;
    s.heardFrom.clear();
    if (heard < quorum(s)) {
      becomeFollower(s, e, null, `heard from ${heard} of ${s.config.peers.length + 1} nodes in ${s.config.quorumCheckTicks} ticks`);
      return;
    }
  }
  s.heartbeatElapsed += 1;
  if (s.heartbeatElapsed >= s.config.heartbeatTicks) {
    s.heartbeatElapsed = 0;
    // Phase 2 retransmission: every undecided slot to each peer that has not accepted it; else a heartbeat.
    for (const peer of s.config.peers) {
      const entries: SlotEntry[] = [];
      for (const [slot, p] of s.proposals) if (!p.acks.has(peer)) entries.push({slot, value: p.value});
      sendAccepts(s, e, peer, entries);
    }
  }
}

/** The internal retry: hands due writes and cas of a deposed leader to the current leader. */
function runResubmits(s: PaxosState, e: Effects): void {
  if (s.resubmit.length === 0) return;
  const keep: Resubmit[] = [];
  let forwarded = 0;
  for (const r of s.resubmit) {
    if (r.dueTick > s.now) {
      keep.push(r);
    } else if (s.role === 'leader') {
      proposeValue(s, e, {origin: formatBallot(s.ballot), command: r.command});
      forwarded += 1;
    } else if (s.leader !== null && s.leader !== s.config.id) {
      send(s, e, {type: 'forward', from: s.config.id, to: s.leader, command: r.command});
      forwarded += 1;
    } else if (r.expireTick > s.now) {
      keep.push(r); // no leader known yet: try again next tick
    }
  }
  if (forwarded > 0) e.log.push(`${s.config.id} resubmitted ${forwarded} unfinished request(s) of its last leadership to ${s.role === 'leader' ? 'itself' : s.leader}`);
  s.resubmit = keep;
}

function propose(s: PaxosState, e: Effects, requestId: number, command: KvCommand): void {
  if (s.role !== 'leader') {
    reply(e, requestId, {type: 'error', code: 'not_leader', definite: true, text: `${s.config.id} is not the leader`, leader: s.leader});
    return;
  }
  const value: SlotValue = {origin: formatBallot(s.ballot), command};
  const slot = proposeValue(s, e, value);
  s.pending.set(slot, {requestId, origin: value.origin, command, deadlineTick: s.now + s.config.requestTimeoutTicks});
}

/** Leader: phase 2(a) for `value` in the next free slot (PMS §3). Returns the slot. */
function proposeValue(s: PaxosState, e: Effects, value: SlotValue): number {
  const slot = s.nextSlot++;
  s.proposals.set(slot, {value, acks: new Set()});
  for (const to of everyone(s)) sendAccepts(s, e, to, [{slot, value}]);
  return slot;
}

function sendAccepts(s: PaxosState, e: Effects, to: NodeId, entries: SlotEntry[]): void {
  const max = s.config.maxSlotsPerMessage;
  for (let i = 0; i === 0 || i < entries.length; i += max) {
    const m: Accept = {type: 'accept', from: s.config.id, to, ballot: s.ballot, entries: entries.slice(i, i + max), applied: s.applied};
    send(s, e, m);
  }
}

/** Dispatches a message to the acceptor, proposer or learner handler. */
function receive(s: PaxosState, e: Effects, m: PaxosMessage): void {
  if (m.to !== s.config.id || (m.from !== s.config.id && !s.config.peers.includes(m.from))) return;
  switch (m.type) {
    case 'prepare':
      onPrepare(s, e, m);
      return;
    case 'accept':
      onAccept(s, e, m);
      return;
    case 'promise':
      onPromise(s, e, m);
      return;
    case 'accepted':
      onAccepted(s, e, m);
      return;
    case 'nack':
      onNack(s, e, m);
      return;
    case 'learn':
      onLearn(s, e, m);
      return;
    case 'forward':
      if (s.role === 'leader') proposeValue(s, e, {origin: formatBallot(s.ballot), command: m.command});
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Acceptor (PMS §2.2 phase 1(b) and 2(b))

/**
 * Phase 1(b): promise `ballot` if it is at least the highest promised (an equal ballot is a
 * retransmitted prepare of the same proposer), persisting the promise before the reply leaves, and
 * report every value accepted at a slot ≥ fromSlot. A proposer or leader with a lower ballot is
 * preempted and becomes a follower.
 */
export function onPrepare(s: PaxosState, e: Effects, m: Prepare): void {
  observe(s, m.ballot);
  if (compareBallots(m.ballot, s.promised) < 0) {
    send(s, e, nackFor(s, m.from, m.ballot));
    return;
  }
  if (compareBallots(m.ballot, s.promised) > 0) {
    s.promised = m.ballot;
    persist(s, e, {type: 'promise', ballot: m.ballot});
  }
  if (m.from !== s.config.id && s.role !== 'follower' && compareBallots(m.ballot, s.ballot) > 0) {
    becomeFollower(s, e, null, `preempted by ballot ${formatBallot(m.ballot)} of ${m.from}`);
  } else if (m.from !== s.config.id) {
    s.electionElapsed = 0; // a proposer is at work: give it time before competing
  }
  const accepted: AcceptedEntry[] = [];
  for (const [slot, a] of s.accepted) if (slot >= m.fromSlot) accepted.push({slot, ballot: a.ballot, value: a.value});
  accepted.sort((x, y) => x.slot - y.slot);
  const promise: PromiseMsg = {
    type: 'promise',
    from: s.config.id,
    to: m.from,
    ballot: m.ballot,
    accepted,
    snapshot: s.snapshot.through >= m.fromSlot ? s.snapshot : null,
  };
  send(s, e, promise);
}

/**
 * Phase 2(b): accept the entries unless a higher ballot was promised (PMS §2.2: "accepts unless it
 * has already responded to a prepare request having a number greater than n"), persisting them
 * before the reply leaves. An accept (even an empty heartbeat) at a ballot ≥ the promise comes from
 * the leader of that ballot, so this node follows it.
 */
export function onAccept(s: PaxosState, e: Effects, m: Accept): void {
  observe(s, m.ballot);
  const cmp = compareBallots(m.ballot, s.promised);
  if (cmp < 0 && !s.config.noPromiseCheck) {
    send(s, e, nackFor(s, m.from, m.ballot));
    return;
  }
  if (cmp > 0) {
    s.promised = m.ballot;
    persist(s, e, {type: 'promise', ballot: m.ballot});
  }
  if (m.from !== s.config.id && cmp >= 0) {
    if (s.role !== 'follower') becomeFollower(s, e, m.from, `accepted ballot ${formatBallot(m.ballot)} of ${m.from}`);
    else if (s.leader !== m.from) becomeFollower(s, e, m.from, `heard from the leader of ballot ${formatBallot(m.ballot)}`);
    s.electionElapsed = 0;
  }
  const slots: number[] = [];
  for (const {slot, value} of m.entries) {
    if (slot <= s.snapshot.through) continue;
    s.accepted.set(slot, {ballot: m.ballot, value});
    persist(s, e, {type: 'accept', slot, ballot: m.ballot, value});
    e.accepts.push({slot, ballot: m.ballot, value});
    slots.push(slot);
  }
  const reply: AcceptedMsg = {type: 'accepted', from: s.config.id, to: m.from, ballot: m.ballot, slots, applied: s.applied};
  send(s, e, reply);
}

function nackFor(s: PaxosState, to: NodeId, ballot: Ballot): Nack {
  return {type: 'nack', from: s.config.id, to, ballot, promised: s.promised};
}

// ---------------------------------------------------------------------------------------------
// Proposer

/** Phase 1 bookkeeping: a majority of promises for our ballot makes us leader (PMS §2.2). */
export function onPromise(s: PaxosState, e: Effects, m: PromiseMsg): void {
  if (s.role !== 'candidate' || !sameBallot(m.ballot, s.ballot)) return;
  s.promises.set(m.from, {accepted: m.accepted, snapshot: m.snapshot});
  if (s.promises.size >= quorum(s)) becomeLeader(s, e);
}

/**
 * Phase 2 bookkeeping: a value accepted by a majority at our ballot is chosen (PMS §2.2); tell every
 * learner (§2.3). A heartbeat reply from a learner that is behind triggers catch-up.
 */
export function onAccepted(s: PaxosState, e: Effects, m: AcceptedMsg): void {
  if (s.role !== 'leader' || !sameBallot(m.ballot, s.ballot)) return;
  if (m.from !== s.config.id) {
    s.heardFrom.add(m.from);
    s.peerApplied.set(m.from, m.applied);
  }
  const chosen: SlotEntry[] = [];
  for (const slot of m.slots) {
    const p = s.proposals.get(slot);
    if (p === undefined) continue;
    p.acks.add(m.from);
    if (p.acks.size >= quorum(s)) {
      s.proposals.delete(slot);
      chosen.push({slot, value: p.value});
    }
  }
  if (chosen.length > 0) {
    for (const to of everyone(s)) {
      const learn: Learn = {type: 'learn', from: s.config.id, to, ballot: s.ballot, entries: chosen, snapshot: null};
      send(s, e, learn);
    }
  }
  if (m.from !== s.config.id && m.slots.length === 0 && m.applied < s.applied) sendCatchUp(s, e, m.from, m.applied);
}

/** A refusal at a higher ballot: this proposer is preempted and becomes a follower (PMMC §3, "preempted"). */
export function onNack(s: PaxosState, e: Effects, m: Nack): void {
  observe(s, m.promised);
  if (s.role === 'follower' || !sameBallot(m.ballot, s.ballot) || compareBallots(m.promised, s.ballot) <= 0) return;
  if (m.from !== s.config.id) s.heardFrom.add(m.from);
  becomeFollower(s, e, null, `preempted: ${m.from} promised ballot ${formatBallot(m.promised)}`);
}

/** Sends a learner every decided slot after `applied` (or the snapshot first, if it is behind it). */
function sendCatchUp(s: PaxosState, e: Effects, to: NodeId, applied: number): void {
  const snapshot = applied < s.snapshot.through ? s.snapshot : null;
  const from = Math.max(applied, s.snapshot.through) + 1;
  const entries: SlotEntry[] = [];
  for (let slot = from; slot <= s.applied && entries.length < s.config.maxSlotsPerMessage; slot++) {
    const value = s.decided.get(slot);
    if (value !== undefined) entries.push({slot, value});
  }
  const learn: Learn = {type: 'learn', from: s.config.id, to, ballot: s.ballot, entries, snapshot};
  send(s, e, learn);
}

// ---------------------------------------------------------------------------------------------
// Learner (PMS §2.3) and state machine

/** Decided slots (and a snapshot, if we are behind it) from a leader: record and apply in slot order. */
export function onLearn(s: PaxosState, e: Effects, m: Learn): void {
  observe(s, m.ballot);
  if (m.snapshot && m.snapshot.through > s.applied) installSnapshot(s, e, m.snapshot);
  for (const {slot, value} of m.entries) decide(s, e, slot, value);
  applyDecided(s, e);
}

function decide(s: PaxosState, e: Effects, slot: number, value: SlotValue): void {
  if (slot <= s.snapshot.through) return;
  const have = s.decided.get(slot);
  if (have !== undefined) {
    if (!sameValue(have, value)) e.log.push(`${s.config.id} learned a second, different value for decided slot ${slot} (kept the first): safety violated`);
    return;
  }
  s.decided.set(slot, value);
}

/** Applies decided slots in order, answering the requests waiting for them; snapshots every `snapshotEverySlots`. */
function applyDecided(s: PaxosState, e: Effects): void {
  for (;;) {
    const slot = s.applied + 1;
    const value = s.decided.get(slot);
    if (value === undefined) break;
    s.applied = slot;
    s.proposals.delete(slot);
    e.apply.push({slot, value});
    const result = value.command.type === 'noop' ? null : applyCommand(s.kv, value.command, {dedup: !s.config.noDedup});
    const p = s.pending.get(slot);
    if (p === undefined) continue;
    s.pending.delete(slot);
    if (p.origin === value.origin && result !== null) reply(e, p.requestId, bodyOf(result));
    else reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: `slot ${slot} was decided with another value`});
  }
  if (s.applied - s.snapshot.through >= s.config.snapshotEverySlots) takeSnapshot(s, e);
}

/** Checkpoint at the last applied slot: truncate decided and accepted slots up to it, compact the file. */
function takeSnapshot(s: PaxosState, e: Effects): void {
  s.snapshot = {through: s.applied, kv: kvImage(s.kv)};
  truncateThrough(s, s.applied);
  persist(s, e, {type: 'snapshot', snapshot: s.snapshot});
  if (!s.config.acceptorForgets) e.compact = []; // filled in at the end of `step`
  e.log.push(`${s.config.id} took a snapshot through slot ${s.applied} and truncated the log`);
}

function truncateThrough(s: PaxosState, through: number): void {
  for (const slot of [...s.decided.keys()]) if (slot <= through) s.decided.delete(slot);
  for (const slot of [...s.accepted.keys()]) if (slot <= through) s.accepted.delete(slot);
}

/** Replaces the state machine by a newer snapshot (a lagging learner catching up). */
function installSnapshot(s: PaxosState, e: Effects, snapshot: Snapshot): void {
  s.kv = kvFromImage(snapshot.kv);
  s.snapshot = snapshot;
  s.applied = snapshot.through;
  truncateThrough(s, snapshot.through);
  for (const slot of [...s.proposals.keys()]) if (slot <= snapshot.through) s.proposals.delete(slot);
  for (const [slot, p] of s.pending) {
    if (slot > snapshot.through) continue;
    s.pending.delete(slot);
    reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: `slot ${slot} was covered by a snapshot`});
  }
  persist(s, e, {type: 'snapshot', snapshot});
  if (!s.config.acceptorForgets) e.compact = []; // filled in at the end of `step`
  e.log.push(`${s.config.id} installed a snapshot through slot ${snapshot.through}`);
}
