/**
 * Multi-Paxos peer messages, sent as NDJSON lines over directed links (docs/protocol.md, "Paxos").
 * Every message names its sender in `from`, because replies travel on the replier's own link.
 * Section numbers refer to Lamport, "Paxos Made Simple" (2001): phase 1 is §2.2 (a)/(b)
 * "prepare"/"promise", phase 2 is §2.2 (a)/(b) "accept"/"accepted", learning is §2.3, and the
 * multi-instance leader of §3 runs phase 1 once for all slots from the first undecided one.
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {parseEntryCommand, type EntryCommand, type KvCommand, type KvImage} from '../common/kv.js';
import type {Ballot} from './ballot.js';

/**
 * The value of one slot: a command (or no-op) and the ballot of the proposer that first proposed
 * it, as `round.node`. Re-proposals by later leaders keep `origin`, so a proposer can tell whether
 * the value decided for its slot is its own.
 */
export interface SlotValue {
  origin: string;
  command: EntryCommand;
}

/** One slot's accepted value, as an acceptor reports it in a promise (§2.2 phase 1(b)). */
export interface AcceptedEntry {
  slot: number;
  ballot: Ballot;
  value: SlotValue;
}

/** A slot and its value, in accept and learn messages. */
export interface SlotEntry {
  slot: number;
  value: SlotValue;
}

/** A checkpoint of the state machine: every slot up to `through` applied (the dedup table included). */
export interface Snapshot {
  /** Last slot included. Invariant: every slot ≤ through is decided. 0 = empty. */
  through: number;
  kv: KvImage;
}

/** Phase 1(a): asks acceptors to promise `ballot` for every slot ≥ `fromSlot`. */
export interface Prepare {
  type: 'prepare';
  from: string;
  to: string;
  ballot: Ballot;
  fromSlot: number;
}

/**
 * Phase 1(b): a promise not to accept below `ballot`, with every value accepted at slots ≥ the
 * prepare's `fromSlot`; `snapshot` is set when the acceptor has compacted slots the proposer asked for.
 */
export interface PromiseMsg {
  type: 'promise';
  from: string;
  to: string;
  ballot: Ballot;
  accepted: AcceptedEntry[];
  snapshot: Snapshot | null;
}

/**
 * Phase 2(a) for some slots (none: a heartbeat of a stable leader). `applied` is the leader's last
 * applied slot, so that a follower can tell how far behind it is.
 */
export interface Accept {
  type: 'accept';
  from: string;
  to: string;
  ballot: Ballot;
  entries: SlotEntry[];
  applied: number;
}

/** Phase 2(b): the acceptor accepted `ballot` for `slots`. `applied` is its last applied slot (catch-up). */
export interface AcceptedMsg {
  type: 'accepted';
  from: string;
  to: string;
  ballot: Ballot;
  slots: number[];
  applied: number;
}

/** A prepare or accept at `ballot` was refused: the acceptor has promised the higher `promised`. */
export interface Nack {
  type: 'nack';
  from: string;
  to: string;
  ballot: Ballot;
  promised: Ballot;
}

/** Learning (§2.3): these slots are decided. `snapshot` first, if the learner is behind the checkpoint. */
export interface Learn {
  type: 'learn';
  from: string;
  to: string;
  ballot: Ballot;
  entries: SlotEntry[];
  snapshot: Snapshot | null;
}

/** A deposed leader hands a client command it could not finish to the new leader (internal retry). */
export interface Forward {
  type: 'forward';
  from: string;
  to: string;
  command: KvCommand;
}

export type PaxosMessage = Prepare | PromiseMsg | Accept | AcceptedMsg | Nack | Learn | Forward;

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`${what}: expected an object`);
  return v as Obj;
}

function int(o: Obj, name: string): number {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ProtocolError(`${String(o.type)}.${name}: expected a non-negative integer`);
  return v;
}

function str(o: Obj, name: string): string {
  const v = o[name];
  if (typeof v !== 'string') throw new ProtocolError(`${String(o.type)}.${name}: expected a string`);
  return v;
}

function arr(o: Obj, name: string): unknown[] {
  const v = o[name];
  if (!Array.isArray(v)) throw new ProtocolError(`${String(o.type)}.${name}: expected an array`);
  return v;
}

/** Validates a ballot. @throws ProtocolError */
export function parseBallot(v: unknown): Ballot {
  const o = obj(v, 'ballot');
  return {round: int(o, 'round'), node: str(o, 'node')};
}

/** Validates a slot value. @throws ProtocolError */
export function parseSlotValue(v: unknown): SlotValue {
  const o = obj(v, 'value');
  return {origin: str(o, 'origin'), command: parseEntryCommand(o.command)};
}

function slotEntry(v: unknown): SlotEntry {
  const o = obj(v, 'entry');
  return {slot: int(o, 'slot'), value: parseSlotValue(o.value)};
}

/** Validates a snapshot (kv data and dedup sessions). @throws ProtocolError */
export function parseSnapshot(v: unknown): Snapshot {
  const o = obj(v, 'snapshot');
  const kv = obj(o.kv, 'snapshot.kv');
  if (!Array.isArray(kv.data) || !Array.isArray(kv.sessions)) throw new ProtocolError('snapshot.kv: expected data and sessions arrays');
  for (const d of kv.data) {
    if (!Array.isArray(d) || typeof d[0] !== 'string' || !Number.isSafeInteger(d[1])) throw new ProtocolError('snapshot.kv.data: expected [key, integer] pairs');
  }
  for (const c of kv.sessions) {
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'object' || c[1] === null) throw new ProtocolError('snapshot.kv.sessions: expected [client, session] pairs');
  }
  return {through: int(o, 'through'), kv: kv as unknown as Snapshot['kv']};
}

/**
 * Parses one peer line.
 * @throws ProtocolError if the line is not a valid Paxos message; the node drops such lines.
 */
export function parsePaxosMessage(line: string): PaxosMessage {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new ProtocolError('peer message: not valid JSON');
  }
  const o = obj(v, 'peer message');
  const base = {from: str(o, 'from'), to: str(o, 'to')};
  switch (o.type) {
    case 'prepare':
      return {type: 'prepare', ...base, ballot: parseBallot(o.ballot), fromSlot: int(o, 'fromSlot')};
    case 'promise':
      return {
        type: 'promise',
        ...base,
        ballot: parseBallot(o.ballot),
        accepted: arr(o, 'accepted').map((a) => {
          const e = obj(a, 'accepted');
          return {slot: int(e, 'slot'), ballot: parseBallot(e.ballot), value: parseSlotValue(e.value)};
        }),
        snapshot: o.snapshot === null || o.snapshot === undefined ? null : parseSnapshot(o.snapshot),
      };
    case 'accept':
      return {type: 'accept', ...base, ballot: parseBallot(o.ballot), entries: arr(o, 'entries').map(slotEntry), applied: int(o, 'applied')};
    case 'accepted':
      return {
        type: 'accepted',
        ...base,
        ballot: parseBallot(o.ballot),
        slots: arr(o, 'slots').map((s) => {
          if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 1) throw new ProtocolError('accepted.slots: expected slot numbers');
          return s;
        }),
        applied: int(o, 'applied'),
      };
    case 'nack':
      return {type: 'nack', ...base, ballot: parseBallot(o.ballot), promised: parseBallot(o.promised)};
    case 'learn':
      return {
        type: 'learn',
        ...base,
        ballot: parseBallot(o.ballot),
        entries: arr(o, 'entries').map(slotEntry),
        snapshot: o.snapshot === null || o.snapshot === undefined ? null : parseSnapshot(o.snapshot),
      };
    case 'forward': {
      const command = parseEntryCommand(o.command);
      if (command.type === 'noop') throw new ProtocolError('forward.command: expected a key-value command');
      return {type: 'forward', ...base, command};
    }
    default:
      throw new ProtocolError(`peer message: unknown type ${JSON.stringify(o.type)}`);
  }
}
