/**
 * Raft consensus as a pure state machine (Ongaro & Ousterhout 2014, "In Search of an Understandable
 * Consensus Algorithm"; section numbers below refer to that paper).
 *
 * etcd-raft `Ready` style: `step(state, input)` returns the next state and the effects the shell
 * must carry out, in this order:
 *   1. `persist`: append these records to stable storage and fsync — BEFORE anything in `send` or
 *      `replies` leaves the process (§5, Figure 2 "Persistent state … updated on stable storage
 *      before responding to RPCs");
 *   2. `send`: peer messages, in order;
 *   3. `apply`: committed entries, ascending; already applied to the key-value state inside the core,
 *      listed for logging and tests;
 *   4. `replies`: answers to client requests, keyed by the shell's request id.
 * `log` holds human-readable event lines (role changes, truncations) for stdout.
 *
 * No clock, socket, disk, timer or Math.random: time arrives as `tick` inputs and randomness comes
 * from a seeded xoroshiro128+ whose state lives in `RaftState.rngState`. `step` takes ownership of
 * the state it is given and updates it in place (like etcd-raft); the same input sequence from the
 * same initial state always gives the same effects.
 *
 * Included: leader election with randomized timeouts (§5.2), the up-to-date vote check (§5.4.1),
 * log replication with the consistency check, conflict truncation and a fast back-off hint (§5.3),
 * the current-term commit rule (§5.4.2, Figure 8), a no-op entry on election (§8), reads through
 * the log (§8), client dedup (§8), CheckQuorum (a leader that has not heard from a majority for an
 * election timeout steps down) and the §6 rule that a server that has recently heard from a leader
 * ignores RequestVote. Not included: PreVote, membership changes, log compaction.
 */
import {uniformInt} from 'pure-rand/distribution/uniformInt';
import {xoroshiro128plus, xoroshiro128plusFromState} from 'pure-rand/generator/xoroshiro128plus';
import {applyCommand, emptyKv, readLocal, type KvCommand, type KvState} from '../common/kv.js';
import {bodyOf, type Reply, type ReplyBody} from '../common/replies.js';
import {
  entriesFrom,
  entryAt,
  firstIndexOfTermAt,
  isUpToDate,
  lastIndex,
  lastTerm,
  termAt,
  truncateFrom,
  type LogEntry,
  type RaftLog,
} from './log.js';
import type {AppendEntries, AppendEntriesReply, RaftMessage, RequestVote, RequestVoteReply} from './messages.js';

export type NodeId = string;
export type RaftRole = 'leader' | 'follower' | 'candidate';

/** Static configuration of one node. All durations are in ticks. */
export interface RaftConfig {
  id: NodeId;
  /** The other members. Invariant: does not contain `id`. */
  peers: NodeId[];
  /** Lower bound of the randomized election timeout, in ticks (§5.2). @default 15 */
  electionTicksMin: number;
  /** Upper bound (inclusive) of the randomized election timeout, in ticks. @default 30 */
  electionTicksMax: number;
  /** A leader sends AppendEntries to every follower this often, in ticks. @default 3 */
  heartbeatTicks: number;
  /** Leader steps down after `electionTicksMin` ticks without hearing from a majority. @default true */
  checkQuorum: boolean;
  /** Seeded bug: the leader answers reads from local state without confirming leadership, and never
   * steps down by CheckQuorum (so an isolated old leader keeps serving stale reads). @default false */
  staleRead: boolean;
  /** Most entries carried by one AppendEntries message. @default 500 */
  maxEntriesPerMessage: number;
  /** A proposed request not applied within this many ticks is answered `timeout` (indefinite). @default 250 */
  requestTimeoutTicks: number;
}

/** Defaults for everything but `id` and `peers`. With 20 ms ticks: 300–600 ms election timeouts, 60 ms heartbeats. */
export const DEFAULT_RAFT_CONFIG: Omit<RaftConfig, 'id' | 'peers'> = {
  electionTicksMin: 15,
  electionTicksMax: 30,
  heartbeatTicks: 3,
  checkQuorum: true,
  staleRead: false,
  maxEntriesPerMessage: 500,
  requestTimeoutTicks: 250,
};

/** One record of the durable log file, replayed in order at start (see `restore`). */
export type DurableRecord =
  | {type: 'hard'; term: number; votedFor: NodeId | null}
  | {type: 'entry'; entry: LogEntry}
  | {type: 'truncate'; fromIndex: number};

/** What the leader knows about one follower's log (§5.3). */
export interface Progress {
  /** Index of the next entry to send. Advanced optimistically when a batch is sent. */
  next: number;
  /** Invariant: the follower's log matches the leader's up to here. */
  match: number;
  /** Heard from this follower since the last CheckQuorum round. */
  recentActive: boolean;
}

/** A client request appended to the leader's log and waiting to be applied. */
export interface PendingRequest {
  requestId: number;
  /** Term of the appended entry; a different entry at the same index means it was overwritten. */
  term: number;
  /** Tick (`RaftState.now`) after which it is answered `timeout`. */
  deadlineTick: number;
}

/** The whole state of one node: persistent (term, vote, log) plus volatile. */
export interface RaftState {
  config: RaftConfig;
  /** Persistent: latest term seen (§5.1). */
  currentTerm: number;
  /** Persistent: candidate voted for in `currentTerm`, or null. */
  votedFor: NodeId | null;
  /** Persistent: the log. */
  log: RaftLog;
  /** Invariant: lastApplied ≤ commitIndex ≤ lastIndex(log). */
  commitIndex: number;
  lastApplied: number;
  role: RaftRole;
  /** The leader of `currentTerm` as far as this node knows. */
  leader: NodeId | null;
  /** Ticks since the election timer was reset (followers, candidates) or since the last CheckQuorum round (leaders). */
  electionElapsed: number;
  /** This round's randomized election timeout, in ticks, in [electionTicksMin, electionTicksMax]. */
  electionTimeout: number;
  heartbeatElapsed: number;
  /** Candidates: votes granted in `currentTerm`, including its own. */
  votes: Set<NodeId>;
  /** Leaders: one entry per peer. */
  progress: Map<NodeId, Progress>;
  /** Leaders: requests waiting for their entry to be applied, by log index. */
  pending: Map<number, PendingRequest>;
  kv: KvState;
  /** State of the xoroshiro128+ generator used for election timeouts. */
  rngState: readonly number[];
  /** Ticks since this state was created. */
  now: number;
}

/** Client replies without their wire id (nodes/common/replies.ts, shared with nodes/paxos). */
export type {Reply, ReplyBody};

/** A peer message to send. */
export interface Outbound {
  to: NodeId;
  message: RaftMessage;
}

export type Input =
  /** One unit of logical time; the shell sends one every `tickMs`. */
  | {type: 'tick'}
  /** A peer message received. */
  | {type: 'message'; message: RaftMessage}
  /** A client request; answered later through `Effects.replies` with the same `requestId`. */
  | {type: 'propose'; requestId: number; command: KvCommand};

/** What the shell must do after a step, in field order (see the module comment). */
export interface Effects {
  persist: DurableRecord[];
  send: Outbound[];
  apply: LogEntry[];
  replies: Reply[];
  log: string[];
}

/** Persistent state recovered from disk. */
export interface HardState {
  term: number;
  votedFor: NodeId | null;
  log: RaftLog;
}

/** Replays durable records (in file order) into term, vote and log. */
export function restore(records: readonly DurableRecord[]): HardState {
  const hs: HardState = {term: 0, votedFor: null, log: []};
  for (const r of records) {
    if (r.type === 'hard') {
      hs.term = r.term;
      hs.votedFor = r.votedFor;
    } else if (r.type === 'truncate') {
      truncateFrom(hs.log, r.fromIndex);
    } else {
      truncateFrom(hs.log, r.entry.index);
      if (r.entry.index !== hs.log.length + 1) throw new Error(`durable log has a gap before index ${r.entry.index}`);
      hs.log.push(r.entry);
    }
  }
  return hs;
}

/**
 * A fresh follower at the restored term (or term 0). Volatile state (commit index, key-value data)
 * starts empty and is rebuilt as the leader tells us what is committed (§5, Figure 2).
 * @param seed seeds the election-timeout generator; the shell uses node id + time, tests a constant.
 */
export function newRaftState(config: RaftConfig, seed: number, hard?: HardState): RaftState {
  const s: RaftState = {
    config,
    currentTerm: hard?.term ?? 0,
    votedFor: hard?.votedFor ?? null,
    log: hard?.log ?? [],
    commitIndex: 0,
    lastApplied: 0,
    role: 'follower',
    leader: null,
    electionElapsed: 0,
    electionTimeout: config.electionTicksMax,
    heartbeatElapsed: 0,
    votes: new Set(),
    progress: new Map(),
    pending: new Map(),
    kv: emptyKv(),
    rngState: xoroshiro128plus(seed | 0).getState(),
    now: 0,
  };
  resetElectionTimer(s);
  return s;
}

/** The node's role, term, known leader and commit index, for `status_ok`. */
export function statusOf(s: RaftState): {role: RaftRole; term: number; leader: NodeId | null; commitIndex: number} {
  return {role: s.role, term: s.currentTerm, leader: s.leader, commitIndex: s.commitIndex};
}

/** Advances the state machine by one input. Updates `state` in place and returns it with the effects. */
export function step(state: RaftState, input: Input): {state: RaftState; effects: Effects} {
  const e: Effects = {persist: [], send: [], apply: [], replies: [], log: []};
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
  return {state, effects: e};
}

// ---------------------------------------------------------------------------------------------
// Helpers

function quorum(s: RaftState): number {
  return Math.floor((s.config.peers.length + 1) / 2) + 1;
}

function resetElectionTimer(s: RaftState): void {
  const rng = xoroshiro128plusFromState(s.rngState);
  s.electionTimeout = uniformInt(rng, s.config.electionTicksMin, s.config.electionTicksMax);
  s.rngState = rng.getState();
  s.electionElapsed = 0;
}

function saveHardState(s: RaftState, e: Effects): void {
  e.persist.push({type: 'hard', term: s.currentTerm, votedFor: s.votedFor});
}

function appendToLog(s: RaftState, e: Effects, entries: readonly LogEntry[]): void {
  for (const entry of entries) {
    s.log.push(entry);
    e.persist.push({type: 'entry', entry});
  }
}

function send(s: RaftState, e: Effects, to: NodeId, message: RaftMessage): void {
  e.send.push({to, message});
}

function reply(e: Effects, requestId: number, body: ReplyBody): void {
  e.replies.push({requestId, body});
}

/** Answers every pending request `timeout` (indefinite: each may still commit under a new leader). */
function failPending(s: RaftState, e: Effects, why: string): void {
  for (const p of s.pending.values()) {
    reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: why});
  }
  s.pending.clear();
}

// ---------------------------------------------------------------------------------------------
// Role changes (each logs one line)

/** Becomes (or stays) a follower at `term`, following `leader` if known (§5.1, §5.2). */
export function becomeFollower(s: RaftState, e: Effects, term: number, leader: NodeId | null): void {
  const wasLeader = s.role === 'leader';
  if (term > s.currentTerm) {
    s.currentTerm = term;
    s.votedFor = null;
    saveHardState(s, e);
  }
  s.role = 'follower';
  s.leader = leader;
  s.votes.clear();
  s.progress.clear();
  resetElectionTimer(s);
  if (wasLeader) failPending(s, e, `${s.config.id} lost leadership before the request was applied; it may still commit`);
  e.log.push(`${s.config.id} became follower at term ${s.currentTerm} (leader ${leader ?? 'unknown'})`);
}

/** Starts an election: new term, vote for self, RequestVote to all (§5.2). */
export function becomeCandidate(s: RaftState, e: Effects): void {
  s.role = 'candidate';
  s.currentTerm += 1;
  s.votedFor = s.config.id;
  s.leader = null;
  s.votes = new Set([s.config.id]);
  saveHardState(s, e);
  resetElectionTimer(s);
  e.log.push(`${s.config.id} became candidate at term ${s.currentTerm}`);
  if (s.votes.size >= quorum(s)) {
    becomeLeader(s, e);
    return;
  }
  for (const peer of s.config.peers) {
    const m: RequestVote = {
      type: 'request_vote',
      from: s.config.id,
      to: peer,
      term: s.currentTerm,
      lastLogIndex: lastIndex(s.log),
      lastLogTerm: lastTerm(s.log),
    };
    send(s, e, peer, m);
  }
}

/** Takes leadership: reset progress, append a no-op of the new term (§8), replicate (§5.3). */
export function becomeLeader(s: RaftState, e: Effects): void {
  s.role = 'leader';
  s.leader = s.config.id;
  s.heartbeatElapsed = 0;
  s.electionElapsed = 0;
  s.progress = new Map(s.config.peers.map((p) => [p, {next: lastIndex(s.log) + 1, match: 0, recentActive: false}]));
  e.log.push(`${s.config.id} became leader at term ${s.currentTerm}`);
  appendToLog(s, e, [{index: lastIndex(s.log) + 1, term: s.currentTerm, command: {type: 'noop'}}]);
  for (const peer of s.config.peers) sendAppend(s, e, peer);
  maybeCommit(s, e);
}

// ---------------------------------------------------------------------------------------------
// Inputs

function tick(s: RaftState, e: Effects): void {
  s.now += 1;
  if (s.role === 'leader') {
    tickLeader(s, e);
    return;
  }
  s.electionElapsed += 1;
  if (s.electionElapsed >= s.electionTimeout) becomeCandidate(s, e);
}

function tickLeader(s: RaftState, e: Effects): void {
  for (const [index, p] of s.pending) {
    if (p.deadlineTick <= s.now) {
      s.pending.delete(index);
      reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: `not applied within ${s.config.requestTimeoutTicks} ticks; it may still commit`});
    }
  }
  s.electionElapsed += 1;
  if (s.electionElapsed >= s.config.electionTicksMin) {
    s.electionElapsed = 0;
    let active = 1;
    for (const p of s.progress.values()) {
      if (p.recentActive) active += 1;
      p.recentActive = false;
    }
    // CheckQuorum. With the stale-read bug the old leader must keep believing in itself.
    if (s.config.checkQuorum && !s.config.staleRead && active < quorum(s)) {
      e.log.push(`${s.config.id} stepping down: heard from ${active} of ${s.config.peers.length + 1} nodes in ${s.config.electionTicksMin} ticks`);
      becomeFollower(s, e, s.currentTerm, null);
      return;
    }
  }
  s.heartbeatElapsed += 1;
  if (s.heartbeatElapsed >= s.config.heartbeatTicks) {
    s.heartbeatElapsed = 0;
    for (const peer of s.config.peers) sendAppend(s, e, peer);
  }
}

function propose(s: RaftState, e: Effects, requestId: number, command: KvCommand): void {
  if (s.role !== 'leader') {
    reply(e, requestId, {type: 'error', code: 'not_leader', definite: true, text: `${s.config.id} is not the leader`, leader: s.leader});
    return;
  }
  if (command.type === 'read' && s.config.staleRead) {
    // Seeded bug: answers from local state without confirming that we are still the leader.
    reply(e, requestId, {type: 'read_ok', value: readLocal(s.kv, command.key)});
    return;
  }
  const entry: LogEntry = {index: lastIndex(s.log) + 1, term: s.currentTerm, command};
  appendToLog(s, e, [entry]);
  s.pending.set(entry.index, {requestId, term: entry.term, deadlineTick: s.now + s.config.requestTimeoutTicks});
  for (const [peer, p] of s.progress) {
    if (p.next === entry.index) sendAppend(s, e, peer);
  }
  maybeCommit(s, e);
}

/** Any message: term checks common to all roles (§5.1), then the role's handler. */
function receive(s: RaftState, e: Effects, m: RaftMessage): void {
  if (m.to !== s.config.id || m.from === s.config.id || !s.config.peers.includes(m.from)) return;
  if (m.term > s.currentTerm) {
    // §6: a server that believes a current leader exists ignores RequestVote, so that a server
    // that cannot hear the leader does not disrupt the cluster. Tied to CheckQuorum (as in etcd).
    if (m.type === 'request_vote' && inLease(s)) return;
    becomeFollower(s, e, m.term, m.type === 'append_entries' ? m.from : null);
  } else if (m.term < s.currentTerm) {
    // Stale sender: tell it the newer term so that it steps down (§5.1). Stale replies are dropped.
    if (m.type === 'append_entries') {
      send(s, e, m.from, appendReply(s, m.from, false, 0, 0));
    } else if (m.type === 'request_vote') {
      send(s, e, m.from, voteReply(s, m.from, false));
    }
    return;
  }
  switch (s.role) {
    case 'leader':
      stepLeader(s, e, m);
      break;
    case 'candidate':
      stepCandidate(s, e, m);
      break;
    case 'follower':
      stepFollower(s, e, m);
      break;
  }
}

function inLease(s: RaftState): boolean {
  if (!s.config.checkQuorum) return false;
  if (s.role === 'leader') return true;
  return s.role === 'follower' && s.leader !== null && s.electionElapsed < s.config.electionTicksMin;
}

/** Leader handler: replication progress and commit (§5.3, §5.4.2). */
export function stepLeader(s: RaftState, e: Effects, m: RaftMessage): void {
  switch (m.type) {
    case 'append_entries_reply': {
      const p = s.progress.get(m.from);
      if (p === undefined) return;
      p.recentActive = true;
      if (m.success) {
        if (m.matchIndex > p.match) {
          p.match = m.matchIndex;
          maybeCommit(s, e);
        }
        p.next = Math.max(p.next, p.match + 1);
        if (p.next <= lastIndex(s.log)) sendAppend(s, e, m.from);
      } else {
        // Fast back-off: retry from the follower's hint, never below what is known to match.
        p.next = Math.max(p.match + 1, Math.min(m.conflictIndex, lastIndex(s.log) + 1));
        sendAppend(s, e, m.from);
      }
      return;
    }
    case 'request_vote':
      handleRequestVote(s, e, m); // refuses: we voted for ourselves in this term
      return;
    case 'request_vote_reply':
    case 'append_entries': // impossible at our own term (Election Safety, §5.2)
      return;
  }
}

/** Candidate handler: count votes (§5.2); a leader of our term makes us follow it. */
export function stepCandidate(s: RaftState, e: Effects, m: RaftMessage): void {
  switch (m.type) {
    case 'request_vote_reply':
      if (!m.granted) return;
      s.votes.add(m.from);
      if (s.votes.size >= quorum(s)) becomeLeader(s, e);
      return;
    case 'append_entries':
      becomeFollower(s, e, m.term, m.from);
      handleAppendEntries(s, e, m);
      return;
    case 'request_vote':
      handleRequestVote(s, e, m);
      return;
    case 'append_entries_reply':
      return;
  }
}

/** Follower handler: accept entries from the leader, grant votes (§5.2, §5.3). */
export function stepFollower(s: RaftState, e: Effects, m: RaftMessage): void {
  switch (m.type) {
    case 'append_entries':
      if (s.leader !== m.from) becomeFollower(s, e, m.term, m.from);
      s.electionElapsed = 0;
      handleAppendEntries(s, e, m);
      return;
    case 'request_vote':
      handleRequestVote(s, e, m);
      return;
    case 'request_vote_reply':
    case 'append_entries_reply':
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// RPC bodies

function voteReply(s: RaftState, to: NodeId, granted: boolean): RequestVoteReply {
  return {type: 'request_vote_reply', from: s.config.id, to, term: s.currentTerm, granted};
}

function appendReply(s: RaftState, to: NodeId, success: boolean, matchIndex: number, conflictIndex: number): AppendEntriesReply {
  return {type: 'append_entries_reply', from: s.config.id, to, term: s.currentTerm, success, matchIndex, conflictIndex};
}

/** RequestVote receiver (Figure 2, §5.2, §5.4.1). Called only when m.term === currentTerm. */
function handleRequestVote(s: RaftState, e: Effects, m: RequestVote): void {
  const canVote = s.votedFor === null || s.votedFor === m.from;
  const granted = canVote && isUpToDate(s.log, m.lastLogIndex, m.lastLogTerm);
  if (granted) {
    if (s.votedFor !== m.from) {
      s.votedFor = m.from;
      saveHardState(s, e); // persisted before the reply leaves: never two votes in one term
    }
    s.electionElapsed = 0;
  }
  send(s, e, m.from, voteReply(s, m.from, granted));
}

/** AppendEntries receiver (Figure 2, §5.3). Called only when m.term === currentTerm. */
function handleAppendEntries(s: RaftState, e: Effects, m: AppendEntries): void {
  const prevTerm = termAt(s.log, m.prevLogIndex);
  if (prevTerm === undefined) {
    send(s, e, m.from, appendReply(s, m.from, false, 0, lastIndex(s.log) + 1));
    return;
  }
  if (prevTerm !== m.prevLogTerm) {
    send(s, e, m.from, appendReply(s, m.from, false, 0, firstIndexOfTermAt(s.log, m.prevLogIndex)));
    return;
  }
  for (let i = 0; i < m.entries.length; i++) {
    const entry = m.entries[i];
    const have = termAt(s.log, entry.index);
    if (have === entry.term) continue;
    if (have !== undefined) {
      // An existing entry conflicts with a new one: delete it and all that follow (§5.3).
      e.log.push(`${s.config.id} truncated log from index ${entry.index} (conflict)`);
      truncateFrom(s.log, entry.index);
      e.persist.push({type: 'truncate', fromIndex: entry.index});
    }
    appendToLog(s, e, m.entries.slice(i));
    break;
  }
  const lastNew = m.prevLogIndex + m.entries.length;
  if (m.leaderCommit > s.commitIndex) {
    s.commitIndex = Math.max(s.commitIndex, Math.min(m.leaderCommit, lastNew));
    applyCommitted(s, e);
  }
  send(s, e, m.from, appendReply(s, m.from, true, lastNew, 0));
}

/** Sends the entries from the peer's `next` (possibly none: a heartbeat), advancing `next` optimistically. */
function sendAppend(s: RaftState, e: Effects, peer: NodeId): void {
  const p = s.progress.get(peer);
  if (p === undefined) return;
  const prevLogIndex = p.next - 1;
  const entries = entriesFrom(s.log, p.next, s.config.maxEntriesPerMessage);
  const m: AppendEntries = {
    type: 'append_entries',
    from: s.config.id,
    to: peer,
    term: s.currentTerm,
    prevLogIndex,
    prevLogTerm: termAt(s.log, prevLogIndex) ?? 0,
    entries,
    leaderCommit: s.commitIndex,
  };
  p.next = prevLogIndex + entries.length + 1;
  send(s, e, peer, m);
}

/**
 * Leader commit rule (§5.3, §5.4.2): the highest N with a majority of matchIndex ≥ N and
 * log[N].term === currentTerm. Entries of earlier terms are never committed by counting replicas
 * (Figure 8); they commit indirectly when a current-term entry after them does.
 */
function maybeCommit(s: RaftState, e: Effects): void {
  for (let n = lastIndex(s.log); n > s.commitIndex; n--) {
    if (termAt(s.log, n) !== s.currentTerm) return;
    let count = 1;
    for (const p of s.progress.values()) if (p.match >= n) count += 1;
    if (count >= quorum(s)) {
      s.commitIndex = n;
      applyCommitted(s, e);
      return;
    }
  }
}

/** Applies entries up to commitIndex in order, answering the requests that are waiting for them. */
function applyCommitted(s: RaftState, e: Effects): void {
  while (s.lastApplied < s.commitIndex) {
    s.lastApplied += 1;
    const entry = entryAt(s.log, s.lastApplied);
    if (entry === undefined) throw new Error(`${s.config.id}: committed index ${s.lastApplied} missing from log`);
    e.apply.push(entry);
    const result = entry.command.type === 'noop' ? null : applyCommand(s.kv, entry.command);
    const p = s.pending.get(entry.index);
    if (p === undefined) continue;
    s.pending.delete(entry.index);
    if (p.term === entry.term && result !== null) {
      reply(e, p.requestId, bodyOf(result));
    } else {
      reply(e, p.requestId, {type: 'error', code: 'timeout', definite: false, text: 'entry was overwritten'});
    }
  }
}
