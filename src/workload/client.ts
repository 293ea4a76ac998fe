import {NodeConnection, RequestFailed, type RequestBody} from '../client/index.js';
import type {NodeId} from '../cluster/topology.js';
import {sleep} from '../history/clock.js';
import type {HistoryEvent} from '../history/types.js';
import type {AnyClientReply} from '../protocol/index.js';
import type {Rng} from '../rng/index.js';
import type {Operation, OperationGenerator} from './generator.js';
import type {HistoryRecorder} from './recorder.js';

/** `host:port` of each node's client proxy. */
export type ClientAddresses = ReadonlyMap<NodeId, {host: string; port: number}>;

/** The reply type that completes each operation `ok` (docs/protocol.md). */
const OK_REPLY = {read: 'read_ok', write: 'write_ok', cas: 'cas_ok', add: 'add_ok', 'read-set': 'read_set_ok'} as const satisfies Record<Operation['f'], string>;

/** A follower's leader hint is followed at most this many times for one operation. */
const MAX_REDIRECTS = 3;

/** The outcome of one request, before it is written to the history. */
export type Outcome = {type: 'ok'; value: unknown; node: NodeId} | {type: 'fail' | 'info'; error: string; node: NodeId};

/**
 * How operations reach a system that does not speak the NDJSON protocol (etcd's HTTP gateway,
 * src/etcd): sends one operation to a node's client proxy and says what came of it. The
 * WorkloadClient still records the history.
 */
export interface OperationSender {
  /** Sends `op` to `node`; resolves (never rejects) within about `timeoutMs`. */
  send(op: Operation, node: NodeId, timeoutMs: number): Promise<Outcome>;
}

/**
 * One workload client (Jepsen's worker): invokes operations one at a time against the node it is
 * bound to, records each invoke and completion, and follows `not_leader` hints to the leader's
 * client proxy. An operation without a definite answer (timeout, connection lost after sending,
 * indefinite error) completes as `info`; the process is then retired and the client continues
 * as process `process + processStride` with a new connection, as in Jepsen.
 */
export class WorkloadClient {
  private process: number;
  private seq = 0;
  private node: NodeId;
  private conn: NodeConnection | null = null;
  private connNode: NodeId | null = null;

  /**
   * @param slot this client's number, from 0; its first process number.
   * @param processStride added to the process number when the process is retired (the client count).
   * @param timeoutMs per-operation timeout in ms; past it the operation is `info`.
   * @param sender sends operations instead of the NDJSON protocol (etcd); absent for NDJSON nodes.
   */
  constructor(
    slot: number,
    private readonly processStride: number,
    private readonly home: NodeId,
    private readonly addresses: ClientAddresses,
    private readonly recorder: HistoryRecorder,
    private readonly timeoutMs: number,
    private readonly sender?: OperationSender,
  ) {
    this.process = slot;
    this.node = home;
  }

  /**
   * Invokes generated operations until `endNs` on the run clock (or `signal` aborts), pausing a
   * uniform random 0–2×`meanGapMs` between operations (Jepsen's `stagger`).
   */
  async run(generator: OperationGenerator, rng: Rng, meanGapMs: number, now: () => number, endNs: number, signal: AbortSignal): Promise<void> {
    while (now() < endNs && !signal.aborted) {
      await this.invoke(generator.next(rng), generator);
      if (meanGapMs > 0) await sleep(rng.float() * 2 * meanGapMs, signal);
    }
    this.close();
  }

  /** Invokes one operation, records it, and returns its completion event. */
  async invoke(op: Operation, generator?: OperationGenerator): Promise<HistoryEvent> {
    const invoke = this.recorder.invoke(this.process, op.f, op.key, op.value);
    const outcome = await this.execute(op);
    if (outcome.type === 'ok') {
      const completion = this.recorder.complete(invoke, 'ok', outcome.value, {node: outcome.node});
      if (generator && op.f !== 'add' && op.f !== 'read-set') generator.observe(op.key, op.f === 'read' ? (outcome.value as number | null) : op.f === 'write' ? op.value : op.value[1]);
      return completion;
    }
    const completion = this.recorder.complete(invoke, outcome.type, op.value, {node: outcome.node, error: outcome.error});
    if (outcome.type === 'info') this.retire();
    return completion;
  }

  /** Closes the client's connection. */
  close(): void {
    this.conn?.close();
    this.conn = null;
    this.connNode = null;
  }

  private retire(): void {
    this.close();
    this.process += this.processStride;
    this.seq = 0;
    this.node = this.home;
  }

  private async execute(op: Operation): Promise<Outcome> {
    if (this.sender) return this.sender.send(op, this.node, this.timeoutMs);
    const deadline = Date.now() + this.timeoutMs;
    const seq = ++this.seq;
    const client = `p${this.process}`;
    const body = requestBody(op, client, seq);
    const tried = new Set<NodeId>();
    for (let attempt = 0; ; attempt++) {
      const node = this.node;
      tried.add(node);
      let reply: AnyClientReply;
      try {
        const conn = await this.connection(node, deadline);
        reply = await conn.request(body, Math.max(1, deadline - Date.now()));
      } catch (error) {
        if (!(error instanceof RequestFailed)) throw error;
        this.close();
        return {type: error.sent ? 'info' : 'fail', error: error.message, node};
      }
      if (reply.type !== 'error' && reply.type !== OK_REPLY[op.f]) {
        // A node that answers another request's reply may or may not have done this one.
        return {type: 'info', error: `unexpected reply ${reply.type} to ${op.f}`, node};
      }
      switch (reply.type) {
        case 'read_ok':
          return {type: 'ok', value: reply.value, node};
        case 'write_ok':
        case 'cas_ok':
        case 'add_ok':
          return {type: 'ok', value: op.value, node};
        case 'read_set_ok':
          return {type: 'ok', value: reply.elements, node};
        case 'error':
          if (reply.code === 'not_leader' && reply.definite && reply.leader && !tried.has(reply.leader) && this.addresses.has(reply.leader) && attempt < MAX_REDIRECTS) {
            this.node = reply.leader;
            continue;
          }
          return {type: reply.definite ? 'fail' : 'info', error: reply.code, node};
      }
    }
  }

  private async connection(node: NodeId, deadline: number): Promise<NodeConnection> {
    if (this.conn && this.connNode === node && !this.conn.closed) return this.conn;
    this.close();
    const addr = this.addresses.get(node)!;
    this.conn = await NodeConnection.connect(addr.host, addr.port, Math.max(1, deadline - Date.now()));
    this.connNode = node;
    return this.conn;
  }
}

/** The wire request of an operation (docs/protocol.md); `client` and `seq` let a node deduplicate retries. */
function requestBody(op: Operation, client: string, seq: number): RequestBody {
  switch (op.f) {
    case 'read':
      return {type: 'read', key: op.key, client, seq};
    case 'write':
      return {type: 'write', key: op.key, value: op.value, client, seq};
    case 'cas':
      return {type: 'cas', key: op.key, from: op.value[0], to: op.value[1], client, seq};
    case 'add':
      return {type: 'add', key: op.key, element: op.value, client, seq};
    case 'read-set':
      return {type: 'read_set', key: op.key};
  }
}
