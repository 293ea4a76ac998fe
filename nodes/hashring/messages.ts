/**
 * Peer messages of the hash-ring node, sent as NDJSON lines over directed links (docs/protocol.md,
 * "Hash ring"). Every message names its sender in `from`, because replies travel on the
 * replier's own outbound link.
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {parseEntry, type Entry} from './store.js';

/** Heartbeat and gossip, sent to every peer every `heartbeatTicks`. */
export interface Heartbeat {
  type: 'heartbeat';
  from: string;
  to: string;
  /** Gossiped membership: each member's heartbeat counter as the sender knows it (highest wins). */
  members: [string, number][];
  /** The nodes the sender's own φ detector suspects now. */
  suspects: string[];
  /** Gossiped ring membership: [node, membership version, in the ring] for every node (highest version wins). */
  ring: [string, number, boolean][];
}

/** Coordinator → replica: store `entry` under `key`; with `hint`, keep it for node `hint` (sloppy quorum). */
export interface Put {
  type: 'put';
  from: string;
  to: string;
  /** The coordinator's operation id; 0 for fire-and-forget read repair (no ack expected). */
  op: number;
  key: string;
  entry: Entry;
  hint: string | null;
}

/** Replica → coordinator: `entry` of `op` is durable here. */
export interface PutAck {
  type: 'put_ack';
  from: string;
  to: string;
  op: number;
}

/** Coordinator → replica: what do you hold for `key` (including hints held for others)? */
export interface Get {
  type: 'get';
  from: string;
  to: string;
  op: number;
  key: string;
}

/** Replica → coordinator: the replica's entry for the key, or null. */
export interface GetReply {
  type: 'get_reply';
  from: string;
  to: string;
  op: number;
  entry: Entry | null;
}

/** One hinted entry being handed off. */
export interface HintItem {
  hintId: number;
  key: string;
  entry: Entry;
}

/** Holder of hints → the node they were meant for, once it is trusted again (Dynamo §4.6). */
export interface Handoff {
  type: 'handoff';
  from: string;
  to: string;
  hints: HintItem[];
}

/** The intended node has the handed-off entries durably; the holder may delete these hints. */
export interface HandoffAck {
  type: 'handoff_ack';
  from: string;
  to: string;
  hintIds: number[];
}

/** Anti-entropy, round 1: digests of every key the two nodes both replicate, as the sender holds them. */
export interface Digest {
  type: 'digest';
  from: string;
  to: string;
  digests: [string, number][];
}

/** Anti-entropy, rounds 2–3: entries the receiver lacks or holds differently, and keys the sender wants back. */
export interface Repair {
  type: 'repair';
  from: string;
  to: string;
  entries: [string, Entry][];
  want: string[];
}

export type RingMessage = Heartbeat | Put | PutAck | Get | GetReply | Handoff | HandoffAck | Digest | Repair;

type Obj = Record<string, unknown>;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function str(o: Obj, name: string): string {
  if (!isStr(o[name])) throw new ProtocolError(`${String(o.type)}.${name}: expected a string`);
  return o[name] as string;
}
function int(o: Obj, name: string): number {
  if (!isInt(o[name])) throw new ProtocolError(`${String(o.type)}.${name}: expected an integer`);
  return o[name] as number;
}
function arr(o: Obj, name: string): unknown[] {
  if (!Array.isArray(o[name])) throw new ProtocolError(`${String(o.type)}.${name}: expected an array`);
  return o[name] as unknown[];
}
function pair<T>(v: unknown, second: (x: unknown) => T): [string, T] {
  if (!Array.isArray(v) || v.length !== 2 || !isStr(v[0])) throw new ProtocolError('expected a [key, value] pair');
  return [v[0], second(v[1])];
}
const intOf = (v: unknown): number => {
  if (!isInt(v)) throw new ProtocolError('expected an integer');
  return v;
};
const strOf = (v: unknown): string => {
  if (!isStr(v)) throw new ProtocolError('expected a string');
  return v;
};

/** Parses one peer line. @throws ProtocolError; the shell drops such lines. */
export function parseRingMessage(line: string): RingMessage {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new ProtocolError('peer line is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError('peer message: expected an object');
  const o = v as Obj;
  const head = {from: str(o, 'from'), to: str(o, 'to')};
  switch (o.type) {
    case 'heartbeat':
      return {
        type: 'heartbeat',
        ...head,
        members: arr(o, 'members').map((m) => pair(m, intOf)),
        suspects: arr(o, 'suspects').map(strOf),
        ring: arr(o, 'ring').map((r) => {
          if (!Array.isArray(r) || r.length !== 3 || !isStr(r[0]) || !isInt(r[1]) || typeof r[2] !== 'boolean') throw new ProtocolError('heartbeat.ring: expected [node, version, member] triples');
          return [r[0], r[1], r[2]];
        }),
      };
    case 'put':
      return {
        type: 'put',
        ...head,
        op: int(o, 'op'),
        key: str(o, 'key'),
        entry: parseEntry(o.entry),
        hint: o.hint === null ? null : str(o, 'hint'),
      };
    case 'put_ack':
      return {type: 'put_ack', ...head, op: int(o, 'op')};
    case 'get':
      return {type: 'get', ...head, op: int(o, 'op'), key: str(o, 'key')};
    case 'get_reply':
      return {type: 'get_reply', ...head, op: int(o, 'op'), entry: o.entry === null ? null : parseEntry(o.entry)};
    case 'handoff':
      return {
        type: 'handoff',
        ...head,
        hints: arr(o, 'hints').map((h) => {
          const x = h as Obj;
          if (typeof x !== 'object' || x === null) throw new ProtocolError('handoff.hints: expected objects');
          return {hintId: int(x, 'hintId'), key: str(x, 'key'), entry: parseEntry(x.entry)};
        }),
      };
    case 'handoff_ack':
      return {type: 'handoff_ack', ...head, hintIds: arr(o, 'hintIds').map(intOf)};
    case 'digest':
      return {type: 'digest', ...head, digests: arr(o, 'digests').map((d) => pair(d, intOf))};
    case 'repair':
      return {type: 'repair', ...head, entries: arr(o, 'entries').map((e) => pair(e, parseEntry)), want: arr(o, 'want').map(strOf)};
    default:
      throw new ProtocolError(`peer message: unknown type ${JSON.stringify(o.type)}`);
  }
}
