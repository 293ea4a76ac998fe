/**
 * The key-value state machine shared by the built-in nodes (Raft, later Paxos).
 *
 * Commands are applied in log order. Values are integers; an absent key reads as `null`.
 * Mutating commands that carry `client` + `seq` are applied at most once per (client, seq): a
 * command whose `seq` is not above the last applied `seq` of its client is not applied again and
 * gets the cached result of that client's last applied command (Raft paper §8, "Client interaction").
 *
 * Pure: `applyCommand` returns a result and updates the given state in place; no I/O.
 */
import {ProtocolError, type Value} from '../../src/protocol/index.js';

/** A command as stored in a replicated log. Reads go through the log too (linearizable reads). */
export type KvCommand =
  | {type: 'read'; key: string; client?: string; seq?: number}
  | {type: 'write'; key: string; value: number; client?: string; seq?: number}
  | {type: 'cas'; key: string; from: number; to: number; client?: string; seq?: number};

/** What a log entry or Paxos slot carries: a key-value command, or the no-op a new leader proposes (Raft §8). */
export type EntryCommand = KvCommand | {type: 'noop'};

/**
 * Validates a command received from a peer or read from disk.
 * @throws ProtocolError naming the bad field.
 */
export function parseEntryCommand(v: unknown): EntryCommand {
  if (typeof v !== 'object' || v === null) throw new ProtocolError('entry.command: expected an object');
  const c = v as Record<string, unknown>;
  const dedup = {
    ...(typeof c.client === 'string' ? {client: c.client} : {}),
    ...(Number.isSafeInteger(c.seq) ? {seq: c.seq as number} : {}),
  };
  const key = () => {
    if (typeof c.key !== 'string') throw new ProtocolError('command.key: expected a string');
    return c.key;
  };
  const num = (name: string) => {
    const n = c[name];
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ProtocolError(`command.${name}: expected an integer`);
    return n;
  };
  switch (c.type) {
    case 'noop':
      return {type: 'noop'};
    case 'read':
      return {type: 'read', key: key(), ...dedup};
    case 'write':
      return {type: 'write', key: key(), value: num('value'), ...dedup};
    case 'cas':
      return {type: 'cas', key: key(), from: num('from'), to: num('to'), ...dedup};
    default:
      throw new ProtocolError(`command.type: unknown ${JSON.stringify(c.type)}`);
  }
}

/** The outcome of applying one command. `cas_mismatch` carries the value that did not match. */
export type KvResult =
  | {type: 'read_ok'; value: Value}
  | {type: 'write_ok'}
  | {type: 'cas_ok'}
  | {type: 'cas_mismatch'; current: Value};

/** Last applied mutating command of one client, for at-most-once application. */
export interface ClientSession {
  /** Invariant: the highest `seq` applied for this client. */
  seq: number;
  result: KvResult;
}

/** State of the key-value machine: the data plus one dedup session per client. */
export interface KvState {
  data: Map<string, number>;
  sessions: Map<string, ClientSession>;
}

/** An empty store with no sessions. */
export function emptyKv(): KvState {
  return {data: new Map(), sessions: new Map()};
}

/** Reads `key` without going through a log (used only by the seeded `stale-read` bug and tests). */
export function readLocal(kv: KvState, key: string): Value {
  return kv.data.get(key) ?? null;
}

/** Options of `applyCommand`. */
export interface ApplyOptions {
  /** Check the client session (at-most-once). `false` only for the seeded `no-dedup` bug. @default true */
  dedup?: boolean;
}

/**
 * Applies one command and returns its result. Reads never touch sessions. A write or cas with
 * `client` and `seq` whose seq ≤ the client's last applied seq is a duplicate: it changes nothing
 * and returns the cached result of the client's last applied command.
 */
export function applyCommand(kv: KvState, command: KvCommand, options: ApplyOptions = {}): KvResult {
  if (command.type === 'read') return {type: 'read_ok', value: readLocal(kv, command.key)};
  const {client, seq} = command;
  if (client !== undefined && seq !== undefined && options.dedup !== false) {
    const session = kv.sessions.get(client);
    if (session !== undefined && seq <= session.seq) return session.result;
  }
  let result: KvResult;
  if (command.type === 'write') {
    kv.data.set(command.key, command.value);
    result = {type: 'write_ok'};
  } else {
    const current = readLocal(kv, command.key);
    if (current === command.from) {
      kv.data.set(command.key, command.to);
      result = {type: 'cas_ok'};
    } else {
      result = {type: 'cas_mismatch', current};
    }
  }
  if (client !== undefined && seq !== undefined) kv.sessions.set(client, {seq, result});
  return result;
}

/** A JSON-safe copy of a `KvState` (data and sessions as entry arrays), for snapshots on disk and on the wire. */
export interface KvImage {
  data: [string, number][];
  sessions: [string, ClientSession][];
}

/** Copies the state into a `KvImage`; later changes to `kv` do not affect it. */
export function kvImage(kv: KvState): KvImage {
  return {data: [...kv.data], sessions: [...kv.sessions].map(([c, s]) => [c, {seq: s.seq, result: {...s.result}}])};
}

/** Rebuilds a `KvState` from an image (a fresh copy). */
export function kvFromImage(image: KvImage): KvState {
  return {data: new Map(image.data), sessions: new Map(image.sessions.map(([c, s]) => [c, {seq: s.seq, result: {...s.result}}]))};
}
