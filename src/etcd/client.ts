import type {NodeId} from '../cluster/topology.js';
import type {ClientAddresses, Operation, OperationSender, Outcome, RegisterOperation} from '../workload/index.js';
import {b64, gatewayPost, unb64, type GatewayResult} from './gateway.js';

/**
 * etcd errors after which a write or cas certainly did not take effect (history `fail`): the
 * request was refused before it was proposed to raft. `raft proposal dropped`: raft had no leader
 * to forward the proposal to, so it never entered the log; `too many requests`: the server's
 * committed-minus-applied gap was too large and it refused the request up front (etcdserver
 * ErrProposalDropped / ErrTooManyRequests). Every other error (`request timed out`, `leader
 * changed`, `server stopped`, …) is indefinite: the proposal may still commit.
 */
const DEFINITE_ERRORS = ['raft proposal dropped', 'etcdserver: too many requests'];
/** gRPC status InvalidArgument: the request was malformed and rejected before proposing. */
const GRPC_INVALID_ARGUMENT = 3;

/**
 * The gateway request of a register operation (docs/etcd.md): read → Range of the key
 * (`serializable` answers from the member's local state without a quorum); write → Put; cas
 * [from, to] → a Txn that puts `to` if the key's value equals `from` (a missing key never
 * equals: etcd fails a value comparison on a key that does not exist). Values are decimal
 * strings.
 */
export function gatewayRequest(op: RegisterOperation, serializable: boolean): {path: string; body: Record<string, unknown>} {
  const key = b64(op.key);
  switch (op.f) {
    case 'read':
      return {path: '/v3/kv/range', body: serializable ? {key, serializable: true} : {key}};
    case 'write':
      return {path: '/v3/kv/put', body: {key, value: b64(String(op.value))}};
    case 'cas':
      return {
        path: '/v3/kv/txn',
        body: {
          compare: [{key, target: 'VALUE', result: 'EQUAL', value: b64(String(op.value[0]))}],
          success: [{requestPut: {key, value: b64(String(op.value[1]))}}],
        },
      };
  }
}

/**
 * What a gateway result means for the history (pure; docs/etcd.md "Errors"):
 *  - a reply with HTTP 200: `ok` (a read's value is the key's value as a number, or null when
 *    the key is absent); a cas whose compare failed (`succeeded` absent or false) is `fail`
 *    `cas_mismatch`, as the built-in nodes report it;
 *  - no connection (`sent: false`): `fail`;
 *  - a read that got no answer or an error: `fail` (a read changes nothing, so it may be
 *    treated as not having happened, as Jepsen's etcd client does);
 *  - a write or cas with an error reply: `fail` for the errors in DEFINITE_ERRORS and
 *    InvalidArgument, else `info`; with no reply after sending (timeout, reset): `info`.
 */
export function outcomeOf(op: RegisterOperation, result: GatewayResult, node: NodeId): Outcome {
  if (result.type === 'no-reply') return {type: result.sent && op.f !== 'read' ? 'info' : 'fail', error: result.reason, node};
  const {status, body} = result;
  if (status !== 200) {
    const message = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : `HTTP ${status}`;
    const definite = op.f === 'read' || body.code === GRPC_INVALID_ARGUMENT || DEFINITE_ERRORS.some((e) => message.includes(e));
    return {type: definite ? 'fail' : 'info', error: message, node};
  }
  switch (op.f) {
    case 'read': {
      const kvs = body.kvs;
      if (kvs === undefined) return {type: 'ok', value: null, node};
      const first = Array.isArray(kvs) ? (kvs[0] as {value?: unknown} | undefined) : undefined;
      // A key written with an empty value has no `value` field: never by faultline, so unreadable.
      const value = typeof first?.value === 'string' ? Number(unb64(first.value)) : NaN;
      return Number.isInteger(value) ? {type: 'ok', value, node} : {type: 'fail', error: `unreadable range reply ${JSON.stringify(kvs).slice(0, 80)}`, node};
    }
    case 'write':
      return {type: 'ok', value: op.value, node};
    case 'cas':
      return body.succeeded === true ? {type: 'ok', value: op.value, node} : {type: 'fail', error: 'cas_mismatch', node};
  }
}

/**
 * Sends workload operations to etcd members through their client proxies, over the v3 JSON
 * gateway with one connection per request. Stateless, so one instance serves every client. etcd
 * members forward writes and linearizable reads to the leader themselves, so there are no
 * redirects to follow.
 */
export class EtcdSender implements OperationSender {
  /** @param serializable reads are Range requests with `serializable: true` (possibly stale, by etcd's documentation). */
  constructor(
    private readonly addresses: ClientAddresses,
    private readonly serializable: boolean,
  ) {}

  /** Sends a register operation; set operations (which plan validation keeps from etcd runs) fail at once, unsent. */
  async send(op: Operation, node: NodeId, timeoutMs: number): Promise<Outcome> {
    if (op.f === 'add' || op.f === 'read-set') return {type: 'fail', error: 'etcd runs have no set workload', node};
    const addr = this.addresses.get(node)!;
    const {path, body} = gatewayRequest(op, this.serializable);
    return outcomeOf(op, await gatewayPost(addr.host, addr.port, path, body, timeoutMs), node);
  }
}
