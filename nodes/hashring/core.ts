/**
 * The pure core of the hash-ring key-value node: a Dynamo-style replica and coordinator
 * (DeCandia et al., "Dynamo", SOSP 2007) on a consistent-hash ring (ring.ts).
 *
 * One step function (`step`) takes a tick, a peer message or a client request, each stamped with
 * the wall-clock time `nowMs` the shell read (the core never reads a clock), and returns effects as
 * values. The shell carries them out in this order: append `persist` records and fsync (or replace
 * the file with `compact`), THEN send `send` and answer `replies`. So a replica acknowledges a put,
 * a hint or a handoff only once it is durable.
 *
 * - Coordination (any node, any key): a write or add goes to the key's N sloppy-quorum targets and
 *   is answered after W acks; a read after R replies, with the newest entry, and repairs stale
 *   replicas (read repair). Unanswered targets are retried once on the next healthy nodes, with
 *   hints. `cas` is answered `unavailable` (definite): a quorum store cannot do linearizable cas.
 * - Failure detection: heartbeats every `heartbeatTicks` to every peer, a φ-accrual detector per
 *   peer (phi.ts); suspected nodes leave the preference lists. Heartbeats gossip membership
 *   counters and each node's suspicions.
 * - Hinted handoff: entries held for a suspected node are sent to it once it is trusted again.
 *   At most `maxHints` are kept (the oldest are dropped, with a log line; anti-entropy repairs them).
 * - Anti-entropy: every `antiEntropyTicks` the node exchanges digests of the keys it shares with the
 *   next trusted peer, and both send each other the entries that differ.
 * - Membership: every process knows every other, but only ring members own keys. A `leave` or
 *   `join` request (admin, from the harness's nemesis) bumps the node's own membership version;
 *   heartbeats gossip every node's (version, member) and the highest version wins, so every node
 *   converges on the same ring (Dynamo §4.8, with explicit join/leave as Dynamo's administrator
 *   commands). A node out of the ring keeps coordinating requests and pushes the entries it
 *   stores to their home replicas every anti-entropy round, so nothing it acknowledged is lost.
 */
import {newHlc, observe, tick, type Hlc} from './hlc.js';
import type {RingMessage} from './messages.js';
import {DEFAULT_PHI_THRESHOLD, heartbeat as recordHeartbeat, newWindow, phi, type ArrivalWindow} from './phi.js';
import {DEFAULT_REPLICAS, DEFAULT_VNODES, buildRing, preferenceList, sloppyTargets, walk, type Ring} from './ring.js';
import {covers, describeEntry, digestOf, merge, setOf, type Entry} from './store.js';
import type {DurableRecord, Hint} from './storage.js';

/** Tunables of one node. Durations are in ticks (STYLE: ticks inside, milliseconds at the edge). */
export interface RingConfig {
  id: string;
  /** Other nodes (all ring members but this one). */
  peers: string[];
  /** Replication factor. @default 3 */
  n: number;
  /** Acks a write or add needs. @default 2 */
  w: number;
  /** Replies a read needs. @default 2 */
  r: number;
  /** Virtual nodes per node. @default 128 */
  vnodes: number;
  /** φ above which a peer is suspected. @default 8 */
  phiThreshold: number;
  /** Milliseconds per tick, only to tell the detector the expected heartbeat interval. @default 20 */
  tickMs: number;
  /** Heartbeat period. @default 5 (100 ms) */
  heartbeatTicks: number;
  /** Unanswered targets are retried on further healthy nodes after this long. @default 15 (300 ms) */
  retryTicks: number;
  /** A write/add without W acks gets `timeout` (indefinite), a read without R replies `unavailable`, after this long. @default 100 (2 s) */
  requestTicks: number;
  /** Period of hinted-handoff attempts. @default 25 (500 ms) */
  handoffTicks: number;
  /** Period of anti-entropy rounds. @default 50 (1 s) */
  antiEntropyTicks: number;
  /** Hints kept at most (one per target node and key). @default 10000 */
  maxHints: number;
  /** Hints handed off per message. @default 200 */
  handoffBatch: number;
  /** Seeded bug `no-handoff`: hints are acknowledged but dropped. @default false */
  noHandoff: boolean;
  /** Seeded bug `stale-wins`: the version comparison is reversed, so older register values win. @default false */
  staleWins: boolean;
}

/** Defaults of every tunable but `id` and `peers`. */
export const DEFAULT_RING_CONFIG: Omit<RingConfig, 'id' | 'peers'> = {
  n: DEFAULT_REPLICAS,
  w: 2,
  r: 2,
  vnodes: DEFAULT_VNODES,
  phiThreshold: DEFAULT_PHI_THRESHOLD,
  tickMs: 20,
  heartbeatTicks: 5,
  retryTicks: 15,
  requestTicks: 100,
  handoffTicks: 25,
  antiEntropyTicks: 50,
  maxHints: 10_000,
  handoffBatch: 200,
  noHandoff: false,
  staleWins: false,
};

/** A client command as the core sees it (the wire request without `id`). */
export type RingCommand =
  | {type: 'read'; key: string}
  | {type: 'write'; key: string; value: number}
  | {type: 'cas'; key: string; from: number; to: number}
  | {type: 'add'; key: string; element: number}
  | {type: 'read_set'; key: string};

/** A client reply body without its wire `id`. */
export type RingReplyBody =
  | {type: 'read_ok'; value: number | null}
  | {type: 'write_ok'}
  | {type: 'add_ok'}
  | {type: 'read_set_ok'; elements: number[]}
  | {type: 'membership_ok'; members: string[]}
  | {type: 'error'; code: 'unavailable' | 'timeout'; definite: boolean; text: string};

/** One input, stamped with the shell's wall clock (ms since the epoch). */
export type Input =
  | {type: 'tick'; nowMs: number}
  | {type: 'message'; nowMs: number; message: RingMessage}
  | {type: 'request'; nowMs: number; requestId: number; command: RingCommand}
  | {type: 'membership'; nowMs: number; requestId: number; action: 'join' | 'leave'};

/** Effects, carried out in this order: persist + fsync (or compact), send, replies; log any time. */
export interface Effects {
  persist: DurableRecord[];
  /** If set, the record file is replaced by these records before anything is sent. */
  compact: DurableRecord[] | null;
  send: RingMessage[];
  replies: {requestId: number; body: RingReplyBody}[];
  log: string[];
}

/** A request this node coordinates. */
interface Pending {
  op: number;
  requestId: number;
  command: RingCommand;
  /** For writes and adds: the entry sent to replicas. */
  entry: Entry | null;
  needed: number;
  /** Slots of the preference list (by the node each stands for) already answered. */
  answeredFor: Set<string>;
  /** Node → the preference-list node it stands for. */
  sentTo: Map<string, string>;
  /** Read replies: node → entry (undefined entry = absent). */
  replies: Map<string, Entry | undefined>;
  startTick: number;
  retried: boolean;
  /** Answered the client; kept until `requestTicks` for late replies (read repair). */
  done: boolean;
  /** For reads: the merged entry the client got. */
  merged: Entry | undefined;
}

/** The whole state of one node. Mutated in place by `step`. */
export interface RingState {
  config: RingConfig;
  ring: Ring;
  clock: Hlc;
  ticks: number;
  nowMs: number;
  store: Map<string, Entry>;
  /** Hints by `target \0 key`. Invariant: size ≤ config.maxHints. */
  hints: Map<string, Hint>;
  nextHintId: number;
  detectors: Map<string, ArrivalWindow>;
  /** Peers this node's detector suspects now. */
  suspects: Set<string>;
  /** Gossiped heartbeat counters per member (own counter included). */
  members: Map<string, number>;
  /**
   * Ring membership as gossiped: node → its membership version and whether it is in the ring.
   * Every process is listed (this one included); `ring` is built from those with `member` true.
   */
  membership: Map<string, {version: number; member: boolean}>;
  /** Node → the peers that reported suspecting it in their last heartbeat (gossip). */
  suspectedBy: Map<string, Set<string>>;
  pending: Map<number, Pending>;
  nextOp: number;
  antiEntropyCursor: number;
  /** Records appended since the file was last compacted. */
  recordsSinceCompact: number;
}

/** Compact when the file holds more than this many records beyond 2 × live data. */
export const COMPACT_SLACK_RECORDS = 10_000;

/**
 * A node at start: `restored` is what storage replayed (store and hints), `nowMs` the wall clock.
 * @throws RangeError if W or R exceed N or N exceeds the member count.
 */
export function newRingState(config: RingConfig, nowMs: number, restored: {store: Map<string, Entry>; hints: Hint[]} = {store: new Map(), hints: []}): RingState {
  const {n, w, r} = config;
  if (!(w >= 1 && r >= 1 && w <= n && r <= n)) throw new RangeError(`need 1 ≤ W ≤ N and 1 ≤ R ≤ N, got N=${n} W=${w} R=${r}`);
  const clock = newHlc();
  for (const e of restored.store.values()) if (e.kind === 'register') observe(clock, e.version, nowMs);
  const detectors = new Map<string, ArrivalWindow>();
  for (const p of config.peers) detectors.set(p, newWindow(nowMs, config.heartbeatTicks * config.tickMs));
  const hints = new Map<string, Hint>();
  let nextHintId = 1;
  for (const h of restored.hints) {
    hints.set(hintKey(h.target, h.key), h);
    nextHintId = Math.max(nextHintId, h.hintId + 1);
  }
  return {
    config,
    ring: buildRing([config.id, ...config.peers], config.vnodes),
    clock,
    ticks: 0,
    nowMs,
    store: restored.store,
    hints,
    nextHintId,
    detectors,
    suspects: new Set(),
    members: new Map([config.id, ...config.peers].map((m) => [m, 0])),
    membership: new Map([config.id, ...config.peers].map((m) => [m, {version: 0, member: true}])),
    suspectedBy: new Map(),
    pending: new Map(),
    nextOp: 1,
    antiEntropyCursor: 0,
    recordsSinceCompact: 0,
  };
}

function hintKey(target: string, key: string): string {
  return `${target}\u0000${key}`;
}

function emptyEffects(): Effects {
  return {persist: [], compact: null, send: [], replies: [], log: []};
}

/** Whether this node considers `node` healthy (itself always). */
export function isHealthy(s: RingState, node: string): boolean {
  return node === s.config.id || !s.suspects.has(node);
}

/** What `status` reports beyond the role. */
export function statusOf(s: RingState): {suspects: string[]; hints: number; keys: number; members: string[]} {
  return {suspects: [...s.suspects].sort(), hints: s.hints.size, keys: s.store.size, members: [...s.ring.nodes]};
}

/** Whether `node` is in this node's view of the ring. */
function isMember(s: RingState, node: string): boolean {
  return s.membership.get(node)?.member ?? false;
}

/** Rebuilds the ring from the membership view and logs the change. */
function rebuildRing(s: RingState, why: string, fx: Effects): void {
  const members = [...s.membership].filter(([, m]) => m.member).map(([id]) => id);
  s.ring = buildRing(members, s.config.vnodes);
  fx.log.push(`${s.config.id} ring now ${s.ring.nodes.join(' ')} (${why})`);
}

/**
 * The admin `join` / `leave`: this node enters or leaves the ring under a new membership version,
 * which heartbeats then spread. A leave that would leave fewer than N members is refused
 * (`unavailable`, definite). Joining a ring one is in, or leaving one is out of, changes nothing.
 */
function changeMembership(s: RingState, requestId: number, action: 'join' | 'leave', fx: Effects): void {
  const {id, n} = s.config;
  const own = s.membership.get(id)!;
  const member = action === 'join';
  if (!member && own.member && s.ring.nodes.length - 1 < n) {
    fx.replies.push({requestId, body: {type: 'error', code: 'unavailable', definite: true, text: `leaving would leave ${s.ring.nodes.length - 1} members, fewer than N=${n}`}});
    return;
  }
  if (own.member !== member) {
    s.membership.set(id, {version: own.version + 1, member});
    rebuildRing(s, `${id} ${member ? 'joined' : 'left'}, version ${own.version + 1}`, fx);
  }
  fx.replies.push({requestId, body: {type: 'membership_ok', members: [...s.ring.nodes]}});
}

/** Merges gossiped membership: the higher version of each node's entry wins (its own included, e.g. after a restart). */
function mergeMembership(s: RingState, from: string, ring: readonly [string, number, boolean][], fx: Effects): void {
  const changed: string[] = [];
  for (const [node, version, member] of ring) {
    const known = s.membership.get(node);
    if (known === undefined || version <= known.version) continue;
    s.membership.set(node, {version, member});
    if (known.member !== member) changed.push(`${node} ${member ? 'joined' : 'left'}`);
  }
  if (changed.length > 0) rebuildRing(s, `${changed.join(', ')}, heard from ${from}`, fx);
}

/**
 * The admin `replicas` reply (docs/protocol.md): for every key this node stores and is a home
 * replica of (the first N nodes of the key's walk, suspicion ignored), the key's home replicas and
 * the entry held. The harness compares these between nodes for the `convergence` check.
 */
export function replicasOf(s: RingState): Record<string, {replicas: string[]; value: Entry}> {
  const out: Record<string, {replicas: string[]; value: Entry}> = {};
  for (const [key, entry] of s.store) {
    const replicas = preferenceList(s.ring, key, s.config.n);
    if (replicas.includes(s.config.id)) out[key] = {replicas, value: entry};
  }
  return out;
}

/** Advances the node by one input (mutating `s`) and returns the effects. */
export function step(s: RingState, input: Input): Effects {
  const fx = emptyEffects();
  s.nowMs = Math.max(s.nowMs, input.nowMs);
  switch (input.type) {
    case 'tick':
      onTick(s, fx);
      break;
    case 'message':
      onMessage(s, input.message, fx);
      break;
    case 'request':
      coordinate(s, input.requestId, input.command, fx);
      break;
    case 'membership':
      changeMembership(s, input.requestId, input.action, fx);
      break;
  }
  s.recordsSinceCompact += fx.persist.length;
  if (s.recordsSinceCompact > 2 * (s.store.size + s.hints.size) + COMPACT_SLACK_RECORDS) {
    fx.compact = snapshotRecords(s);
    s.recordsSinceCompact = fx.compact.length;
  }
  return fx;
}

/** The records that rebuild the current store and hints (for compaction). */
export function snapshotRecords(s: RingState): DurableRecord[] {
  const out: DurableRecord[] = [];
  for (const [key, entry] of s.store) out.push({type: 'value', key, entry});
  for (const h of s.hints.values()) out.push({type: 'hint', ...h});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Local replica operations

/** Merges `entry` into the local store; persists and returns true if it changed anything. */
function storeLocal(s: RingState, key: string, entry: Entry, fx: Effects): boolean {
  if (entry.kind === 'register') observe(s.clock, entry.version, s.nowMs);
  const current = s.store.get(key);
  const next = merge(current, entry, {staleWins: s.config.staleWins});
  if (next === current) return false;
  s.store.set(key, next);
  fx.persist.push({type: 'value', key, entry: next});
  return true;
}

/** Keeps `entry` for `target` (sloppy quorum): merged into one hint per (target, key), bounded. */
function storeHint(s: RingState, target: string, key: string, entry: Entry, fx: Effects): void {
  if (s.config.noHandoff) return; // seeded bug: the hint is acknowledged and forgotten
  const hk = hintKey(target, key);
  const old = s.hints.get(hk);
  const merged = merge(old?.entry, entry, {staleWins: s.config.staleWins});
  if (old !== undefined && merged === old.entry) return;
  const hint: Hint = {hintId: s.nextHintId++, target, key, entry: merged};
  s.hints.delete(hk); // re-insert: Map order is then oldest-first
  s.hints.set(hk, hint);
  fx.persist.push({type: 'hint', ...hint});
  if (s.hints.size > s.config.maxHints) {
    const [oldestKey, oldest] = s.hints.entries().next().value as [string, Hint];
    s.hints.delete(oldestKey);
    fx.persist.push({type: 'hint_done', hintIds: [oldest.hintId]});
    fx.log.push(`${s.config.id} dropped hint ${oldest.hintId} for ${oldest.target} key ${oldest.key} (more than ${s.config.maxHints} hints)`);
  }
}

/** What this node answers for `key`: its own entry merged with hints it holds for others. */
function localView(s: RingState, key: string): Entry | undefined {
  let e = s.store.get(key);
  for (const h of s.hints.values()) if (h.key === key) e = merge(e, h.entry, {staleWins: s.config.staleWins});
  return e;
}

// ---------------------------------------------------------------------------------------------
// Coordinator

function coordinate(s: RingState, requestId: number, command: RingCommand, fx: Effects): void {
  const {config} = s;
  if (command.type === 'cas') {
    fx.replies.push({
      requestId,
      body: {type: 'error', code: 'unavailable', definite: true, text: 'cas is not supported: a quorum store (R + W > N, sloppy quorum) cannot do linearizable compare-and-set'},
    });
    return;
  }
  const isWrite = command.type === 'write' || command.type === 'add';
  let entry: Entry | null = null;
  if (command.type === 'write') entry = {kind: 'register', version: tick(s.clock, s.nowMs, config.id), value: command.value};
  if (command.type === 'add') entry = setOf([command.element]);
  const p: Pending = {
    op: s.nextOp++,
    requestId,
    command,
    entry,
    needed: isWrite ? config.w : config.r,
    answeredFor: new Set(),
    sentTo: new Map(),
    replies: new Map(),
    startTick: s.ticks,
    retried: false,
    done: false,
    merged: undefined,
  };
  s.pending.set(p.op, p);
  const targets = sloppyTargets(s.ring, command.key, config.n, (node) => isHealthy(s, node));
  if (targets.length === 0) {
    s.pending.delete(p.op);
    fx.replies.push({requestId, body: {type: 'error', code: 'unavailable', definite: true, text: 'no healthy replica'}});
    return;
  }
  for (const t of targets) sendTo(s, p, t.node, t.for, fx);
}

/** Sends `p` to `node` standing for `forNode` (hint when they differ), or runs it locally. */
function sendTo(s: RingState, p: Pending, node: string, forNode: string, fx: Effects): void {
  const {id} = s.config;
  p.sentTo.set(node, forNode);
  const key = p.command.key;
  if (node === id) {
    if (p.entry !== null) {
      if (forNode === id) storeLocal(s, key, p.entry, fx);
      else storeHint(s, forNode, key, p.entry, fx);
      onAck(s, p, id, fx);
    } else {
      onReadReply(s, p, id, localView(s, key), fx);
    }
    return;
  }
  if (p.entry !== null) fx.send.push({type: 'put', from: id, to: node, op: p.op, key, entry: p.entry, hint: forNode === node ? null : forNode});
  else fx.send.push({type: 'get', from: id, to: node, op: p.op, key});
}

function onAck(s: RingState, p: Pending, from: string, fx: Effects): void {
  const forNode = p.sentTo.get(from);
  if (forNode === undefined) return;
  p.answeredFor.add(forNode);
  if (!p.done && p.answeredFor.size >= p.needed) {
    p.done = true;
    fx.replies.push({requestId: p.requestId, body: p.command.type === 'add' ? {type: 'add_ok'} : {type: 'write_ok'}});
  }
}

function onReadReply(s: RingState, p: Pending, from: string, entry: Entry | undefined, fx: Effects): void {
  const forNode = p.sentTo.get(from);
  if (forNode === undefined || p.replies.has(from)) return;
  if (entry?.kind === 'register') observe(s.clock, entry.version, s.nowMs);
  p.replies.set(from, entry);
  p.answeredFor.add(forNode);
  const opts = {staleWins: s.config.staleWins};
  if (!p.done && p.answeredFor.size >= p.needed) {
    p.done = true;
    let merged: Entry | undefined;
    for (const e of p.replies.values()) if (e !== undefined) merged = merge(merged, e, opts);
    p.merged = merged;
    fx.replies.push({requestId: p.requestId, body: readBody(p.command, merged)});
    for (const [node, e] of p.replies) if (!covers(e, merged, opts)) repair(s, node, p.command.key, merged!, fx);
  } else if (p.done && p.merged !== undefined && !covers(entry, p.merged, opts)) {
    repair(s, from, p.command.key, p.merged, fx); // a late, stale reply
  }
}

function readBody(command: RingCommand, merged: Entry | undefined): RingReplyBody {
  if (command.type === 'read_set') return {type: 'read_set_ok', elements: merged?.kind === 'set' ? merged.elements : []};
  return {type: 'read_ok', value: merged?.kind === 'register' ? merged.value : null};
}

/** Read repair: push `entry` to a replica that answered with less (fire-and-forget, op 0). */
function repair(s: RingState, node: string, key: string, entry: Entry, fx: Effects): void {
  if (node === s.config.id) {
    if (storeLocal(s, key, entry, fx)) fx.log.push(`${s.config.id} read-repaired key ${key} locally to ${describeEntry(entry)}`);
    return;
  }
  fx.send.push({type: 'put', from: s.config.id, to: node, op: 0, key, entry, hint: null});
}

/** Retries unanswered slots on further healthy nodes (once), and times requests out. */
function tickPending(s: RingState, fx: Effects): void {
  const {config} = s;
  for (const p of [...s.pending.values()]) {
    const age = s.ticks - p.startTick;
    if (!p.done && !p.retried && age >= config.retryTicks) {
      p.retried = true;
      const pref = preferenceList(s.ring, p.command.key, config.n);
      const spares = walk(s.ring, p.command.key).filter((node) => !p.sentTo.has(node) && isHealthy(s, node));
      for (const forNode of pref) {
        if (p.answeredFor.has(forNode)) continue;
        const spare = spares.shift();
        if (spare === undefined) break;
        sendTo(s, p, spare, forNode, fx);
      }
    }
    if (age >= config.requestTicks) {
      s.pending.delete(p.op);
      if (!p.done) {
        const got = p.answeredFor.size;
        const body: RingReplyBody =
          p.entry !== null
            ? {type: 'error', code: 'timeout', definite: false, text: `${got} of ${p.needed} acks after ${config.requestTicks} ticks; it may still be applied`}
            : {type: 'error', code: 'unavailable', definite: true, text: `${got} of ${p.needed} replicas answered within ${config.requestTicks} ticks`};
        fx.replies.push({requestId: p.requestId, body});
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Ticks: heartbeats, detector, handoff, anti-entropy

function onTick(s: RingState, fx: Effects): void {
  const {config} = s;
  s.ticks++;
  if (s.ticks % config.heartbeatTicks === 0) {
    s.members.set(config.id, (s.members.get(config.id) ?? 0) + 1);
    const members = [...s.members];
    const suspects = [...s.suspects];
    const ring = [...s.membership].map(([node, m]): [string, number, boolean] => [node, m.version, m.member]);
    for (const peer of config.peers) fx.send.push({type: 'heartbeat', from: config.id, to: peer, members, suspects, ring});
  }
  updateSuspicion(s, fx);
  tickPending(s, fx);
  if (s.ticks % config.handoffTicks === 0) handOff(s, fx);
  if (s.ticks % config.antiEntropyTicks === 0) startAntiEntropy(s, fx);
}

function updateSuspicion(s: RingState, fx: Effects): void {
  for (const [peer, window] of s.detectors) {
    const level = phi(window, s.nowMs);
    const was = s.suspects.has(peer);
    if (!was && level > s.config.phiThreshold) {
      s.suspects.add(peer);
      fx.log.push(`${s.config.id} suspects ${peer} (phi ${level === Infinity ? 'inf' : level.toFixed(1)} > ${s.config.phiThreshold}, silent ${s.nowMs - window.lastMs} ms)`);
    } else if (was && level <= s.config.phiThreshold) {
      s.suspects.delete(peer);
      fx.log.push(`${s.config.id} trusts ${peer} again (phi ${level.toFixed(1)})`);
    }
  }
}

function handOff(s: RingState, fx: Effects): void {
  const byTarget = new Map<string, Hint[]>();
  for (const h of s.hints.values()) {
    if (!isHealthy(s, h.target) || !s.detectors.has(h.target)) continue;
    const list = byTarget.get(h.target) ?? [];
    if (list.length < s.config.handoffBatch) list.push(h);
    byTarget.set(h.target, list);
  }
  for (const [target, list] of byTarget) {
    fx.send.push({type: 'handoff', from: s.config.id, to: target, hints: list.map((h) => ({hintId: h.hintId, key: h.key, entry: h.entry}))});
  }
}

/** Out of the ring: sends every stored entry to the key's home replicas (they merge it, as a repair). */
function pushToReplicas(s: RingState, fx: Effects): void {
  const byTarget = new Map<string, [string, Entry][]>();
  for (const [key, entry] of s.store) {
    for (const node of preferenceList(s.ring, key, s.config.n)) {
      if (node === s.config.id) continue;
      const list = byTarget.get(node) ?? [];
      list.push([key, entry]);
      byTarget.set(node, list);
    }
  }
  for (const [to, entries] of byTarget) fx.send.push({type: 'repair', from: s.config.id, to, entries, want: []});
}

/** Keys this node stores whose preference list holds both this node and `peer`. */
function sharedKeys(s: RingState, peer: string): string[] {
  const out: string[] = [];
  for (const key of s.store.keys()) {
    const pref = preferenceList(s.ring, key, s.config.n);
    if (pref.includes(peer) && pref.includes(s.config.id)) out.push(key);
  }
  return out;
}

function startAntiEntropy(s: RingState, fx: Effects): void {
  if (!isMember(s, s.config.id)) {
    pushToReplicas(s, fx);
    return;
  }
  const healthy = s.config.peers.filter((p) => isHealthy(s, p) && isMember(s, p));
  if (healthy.length === 0) return;
  const peer = healthy[s.antiEntropyCursor++ % healthy.length];
  const digests = sharedKeys(s, peer).map((key): [string, number] => [key, digestOf(s.store.get(key)!)]);
  fx.send.push({type: 'digest', from: s.config.id, to: peer, digests});
}

// ---------------------------------------------------------------------------------------------
// Peer messages

function onMessage(s: RingState, m: RingMessage, fx: Effects): void {
  const {id} = s.config;
  if (m.to !== id) return;
  switch (m.type) {
    case 'heartbeat': {
      const window = s.detectors.get(m.from);
      if (window === undefined) return; // not a member this node knows
      recordHeartbeat(window, s.nowMs);
      for (const [member, counter] of m.members) {
        if (s.members.has(member) && counter > (s.members.get(member) ?? 0)) s.members.set(member, counter);
      }
      for (const [node, by] of s.suspectedBy) if (!m.suspects.includes(node)) by.delete(m.from);
      for (const node of m.suspects) {
        const by = s.suspectedBy.get(node) ?? new Set<string>();
        by.add(m.from);
        s.suspectedBy.set(node, by);
      }
      mergeMembership(s, m.from, m.ring, fx);
      updateSuspicion(s, fx);
      return;
    }
    case 'put':
      if (m.hint !== null && m.hint !== id) storeHint(s, m.hint, m.key, m.entry, fx);
      else storeLocal(s, m.key, m.entry, fx);
      if (m.op !== 0) fx.send.push({type: 'put_ack', from: id, to: m.from, op: m.op});
      return;
    case 'put_ack': {
      const p = s.pending.get(m.op);
      if (p !== undefined && p.entry !== null) onAck(s, p, m.from, fx);
      return;
    }
    case 'get':
      fx.send.push({type: 'get_reply', from: id, to: m.from, op: m.op, entry: localView(s, m.key) ?? null});
      return;
    case 'get_reply': {
      const p = s.pending.get(m.op);
      if (p !== undefined && p.entry === null) onReadReply(s, p, m.from, m.entry ?? undefined, fx);
      return;
    }
    case 'handoff': {
      let changed = 0;
      for (const h of m.hints) if (storeLocal(s, h.key, h.entry, fx)) changed++;
      if (changed > 0) fx.log.push(`${id} received ${m.hints.length} hinted entries from ${m.from} (${changed} new)`);
      fx.send.push({type: 'handoff_ack', from: id, to: m.from, hintIds: m.hints.map((h) => h.hintId)});
      return;
    }
    case 'handoff_ack': {
      const done = new Set(m.hintIds);
      const removed: number[] = [];
      for (const [hk, h] of s.hints) {
        if (h.target === m.from && done.has(h.hintId)) {
          s.hints.delete(hk);
          removed.push(h.hintId);
        }
      }
      if (removed.length > 0) {
        fx.persist.push({type: 'hint_done', hintIds: removed});
        fx.log.push(`${id} handed off ${removed.length} hints to ${m.from}`);
      }
      return;
    }
    case 'digest': {
      const theirs = new Map(m.digests);
      const entries: [string, Entry][] = [];
      const want: string[] = [];
      for (const [key, digest] of theirs) {
        const mine = s.store.get(key);
        if (mine === undefined) want.push(key);
        else if (digestOf(mine) !== digest) {
          entries.push([key, mine]);
          want.push(key);
        }
      }
      for (const key of sharedKeys(s, m.from)) if (!theirs.has(key)) entries.push([key, s.store.get(key)!]);
      if (entries.length > 0 || want.length > 0) fx.send.push({type: 'repair', from: id, to: m.from, entries, want});
      return;
    }
    case 'repair': {
      let changed = 0;
      for (const [key, entry] of m.entries) if (storeLocal(s, key, entry, fx)) changed++;
      if (changed > 0) fx.log.push(`${id} anti-entropy with ${m.from} repaired ${changed} keys`);
      const back = m.want.flatMap((key): [string, Entry][] => {
        const e = s.store.get(key);
        return e === undefined ? [] : [[key, e]];
      });
      if (back.length > 0) fx.send.push({type: 'repair', from: id, to: m.from, entries: back, want: []});
      return;
    }
  }
}
