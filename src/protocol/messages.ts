/**
 * Client and admin messages of faultline's node protocol (docs/protocol.md).
 *
 * Every message is one JSON object on one line (NDJSON, UTF-8) over TCP. A client request carries
 * a numeric `id` that the node echoes in its reply; replies may arrive out of order. Requests that
 * change state carry `client` (a string naming the client process) and `seq` (increasing per
 * client) so that a node applies a retried request at most once.
 */

/** Values stored in the key-value state machine. `null` means the key is absent. */
export type Value = number | null;

/** Reads the current value of `key`. */
export interface ReadRequest {
  type: 'read';
  id: number;
  key: string;
  client?: string;
  seq?: number;
}

/** Sets `key` to `value`. */
export interface WriteRequest {
  type: 'write';
  id: number;
  key: string;
  value: number;
  client?: string;
  seq?: number;
}

/** Sets `key` to `to` if and only if its current value is `from`. */
export interface CasRequest {
  type: 'cas';
  id: number;
  key: string;
  from: number;
  to: number;
  client?: string;
  seq?: number;
}

/** Admin: asks a node for its role, term and the leader it knows of. */
export interface StatusRequest {
  type: 'status';
  id: number;
}

/**
 * Admin: sets the node's clock. `rate` scales how fast the node's time passes (2 = twice as fast:
 * a node counting ticks then fires its timeouts in half the time); `offsetMs` shifts the wall
 * clock the node reads, for nodes with time-based logic (leases, timestamps). Rate 1 and offset 0
 * restore the real clock. Nodes without an injectable clock answer `error malformed`.
 */
export interface ClockRequest {
  type: 'clock';
  id: number;
  rate: number;
  offsetMs: number;
}

export type KvRequest = ReadRequest | WriteRequest | CasRequest;
export type ClientRequest = KvRequest | StatusRequest | ClockRequest;

export interface ReadOk {
  type: 'read_ok';
  id: number;
  value: Value;
}
export interface WriteOk {
  type: 'write_ok';
  id: number;
}
export interface CasOk {
  type: 'cas_ok';
  id: number;
}

/** A node's role as reported by `status`. Systems without leaders report `replica`. */
export type Role = 'leader' | 'follower' | 'candidate' | 'replica';

export interface StatusOk {
  type: 'status_ok';
  id: number;
  node: string;
  role: Role;
  /** Raft term, Paxos ballot round; 0 where the system has none. */
  term: number;
  /** Id of the leader this node believes in, or null. */
  leader: string | null;
  commitIndex?: number;
  /** Ticks the node has counted since it started (nodes with an injectable clock). */
  ticks?: number;
}

/** Reply to `clock`: the clock now in force. */
export interface ClockOk {
  type: 'clock_ok';
  id: number;
  rate: number;
  offsetMs: number;
}

/**
 * Error codes. Whether the operation certainly did not happen is given by `definite`, not by the
 * code, but the codes have conventional values:
 * - `not_leader` (definite): this node is not the leader; `leader` hints at the one it knows.
 * - `cas_mismatch` (definite): a cas whose `from` did not match the current value.
 * - `unavailable` (definite): the node cannot serve the request now (no leader known, shutting down).
 * - `timeout` (indefinite): the node gave up waiting; the operation may still take effect.
 * - `malformed` (definite): the request line was not valid JSON or not a valid request.
 * - `too_long` (definite): the request line exceeded the node's line limit.
 */
export type ErrorCode = 'not_leader' | 'cas_mismatch' | 'unavailable' | 'timeout' | 'malformed' | 'too_long';

export interface ErrorReply {
  type: 'error';
  /** The request's id, or null when the request could not be parsed far enough to find one. */
  id: number | null;
  code: ErrorCode;
  /** true: the operation certainly did not take effect (history `fail`); false: unknown (`info`). */
  definite: boolean;
  text: string;
  /** With `not_leader`: the id of the node believed to be leader, or null. */
  leader?: string | null;
}

export type ClientReply = ReadOk | WriteOk | CasOk | StatusOk | ClockOk | ErrorReply;

/** Upper bound on one NDJSON line, in bytes. Longer lines get `too_long` and are discarded. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Set workload (hash-ring node; any system may serve it): adds `element` to the grow-only set at
 * `key`. Not part of `ClientRequest`, so nodes that do not know sets answer it `malformed`.
 */
export interface AddRequest {
  type: 'add';
  id: number;
  key: string;
  element: number;
  client?: string;
  seq?: number;
}

/** Set workload: reads the whole set at `key` (an absent key reads as the empty set). */
export interface ReadSetRequest {
  type: 'read_set';
  id: number;
  key: string;
}

export type SetRequest = AddRequest | ReadSetRequest;

/**
 * Admin, for systems that replicate each key on some of their nodes (the hash ring): what this
 * node holds for every key it is a home replica of. The harness compares the replicas of each key
 * after the final heal (the `convergence` check). Other nodes answer it `malformed`.
 */
export interface ReplicasRequest {
  type: 'replicas';
  id: number;
}

/**
 * Admin, for systems whose membership changes at run time (the hash ring): this node leaves or
 * (re)joins the ring. Nodes that cannot answer `malformed`; a change the node refuses (it would
 * leave too few members) is `unavailable`.
 */
export interface MembershipRequest {
  type: 'join' | 'leave';
  id: number;
}

/** Every request a node may receive: the key-value and admin requests plus the set workload's, `replicas` and membership. */
export type AnyClientRequest = ClientRequest | SetRequest | ReplicasRequest | MembershipRequest;

export interface AddOk {
  type: 'add_ok';
  id: number;
}

export interface ReadSetOk {
  type: 'read_set_ok';
  id: number;
  /** Invariant: ascending, no duplicates. */
  elements: number[];
}

export type SetReply = AddOk | ReadSetOk;

/**
 * Reply to `replicas`: key → what this replica holds, as any JSON value (compared for equality
 * between replicas, never interpreted), for every key this node is a home replica of.
 */
export interface ReplicasOk {
  type: 'replicas_ok';
  id: number;
  keys: Record<string, {replicas: string[]; value: unknown}>;
  /** The ring members in this node's view, sorted (compared between nodes: the ring must converge too). */
  members?: string[];
}

/** Reply to `join` / `leave`: the ring members in this node's view afterwards, sorted. */
export interface MembershipOk {
  type: 'membership_ok';
  id: number;
  members: string[];
}

/** Every reply a client may receive: `ClientReply` plus the set workload's, `replicas_ok` and `membership_ok`. */
export type AnyClientReply = ClientReply | SetReply | ReplicasOk | MembershipOk;
