import {ProtocolError} from './errors.js';
import type {AnyClientReply, AnyClientRequest, ClientReply, ClientRequest, ErrorCode, Role} from './messages.js';

type Obj = Record<string, unknown>;

function parseObject(line: string): Obj {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError(`not valid JSON: ${line.slice(0, 80)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('expected a JSON object');
  }
  return value as Obj;
}

function field<T>(o: Obj, name: string, check: (v: unknown) => v is T, what: string, optional = false): T {
  const v = o[name];
  if (v === undefined && optional) return undefined as T;
  if (!check(v)) throw new ProtocolError(`${String(o.type ?? 'message')}.${name}: expected ${what}`);
  return v;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isValue = (v: unknown): v is number | null => v === null || isInt(v);
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/**
 * Parses one request line received by a node.
 * @throws ProtocolError naming the bad field; the node answers it with a `malformed` error reply.
 */
export function parseClientRequest(line: string): ClientRequest {
  const o = parseObject(line);
  const id = field(o, 'id', isInt, 'an integer');
  const dedup = () => ({
    client: field(o, 'client', isString, 'a string', true),
    seq: field(o, 'seq', isInt, 'an integer', true),
  });
  switch (o.type) {
    case 'read':
      return {type: 'read', id, key: field(o, 'key', isString, 'a string'), ...dedup()};
    case 'write':
      return {type: 'write', id, key: field(o, 'key', isString, 'a string'), value: field(o, 'value', isInt, 'an integer'), ...dedup()};
    case 'cas':
      return {
        type: 'cas',
        id,
        key: field(o, 'key', isString, 'a string'),
        from: field(o, 'from', isInt, 'an integer'),
        to: field(o, 'to', isInt, 'an integer'),
        ...dedup(),
      };
    case 'status':
      return {type: 'status', id};
    case 'clock':
      return {
        type: 'clock',
        id,
        rate: field(o, 'rate', (v): v is number => typeof v === 'number' && v > 0 && v <= 100, 'a number in (0, 100]'),
        offsetMs: field(o, 'offsetMs', (v): v is number => typeof v === 'number' && Number.isFinite(v), 'a number of ms', true) ?? 0,
      };
    default:
      throw new ProtocolError(`type: expected read, write, cas, status or clock, got ${JSON.stringify(o.type)}`);
  }
}

/** Best-effort extraction of the `id` of a request that failed to parse, for the error reply. */
export function requestIdOf(line: string): number | null {
  try {
    const o = JSON.parse(line) as Obj;
    return isInt(o?.id) ? o.id : null;
  } catch {
    return null;
  }
}

const ERROR_CODES: readonly ErrorCode[] = ['not_leader', 'cas_mismatch', 'unavailable', 'timeout', 'malformed', 'too_long'];
const ROLES: readonly Role[] = ['leader', 'follower', 'candidate', 'replica'];

/**
 * Parses one reply line received by a client.
 * @throws ProtocolError naming the bad field.
 */
export function parseClientReply(line: string): ClientReply {
  const o = parseObject(line);
  switch (o.type) {
    case 'read_ok':
      return {type: 'read_ok', id: field(o, 'id', isInt, 'an integer'), value: field(o, 'value', isValue, 'an integer or null')};
    case 'write_ok':
      return {type: 'write_ok', id: field(o, 'id', isInt, 'an integer')};
    case 'cas_ok':
      return {type: 'cas_ok', id: field(o, 'id', isInt, 'an integer')};
    case 'status_ok':
      return {
        type: 'status_ok',
        id: field(o, 'id', isInt, 'an integer'),
        node: field(o, 'node', isString, 'a string'),
        role: field(o, 'role', (v): v is Role => ROLES.includes(v as Role), ROLES.join(' | ')),
        term: field(o, 'term', isInt, 'an integer'),
        leader: field(o, 'leader', isStringOrNull, 'a string or null'),
        commitIndex: field(o, 'commitIndex', isInt, 'an integer', true),
        ticks: field(o, 'ticks', isInt, 'an integer', true),
      };
    case 'clock_ok':
      return {
        type: 'clock_ok',
        id: field(o, 'id', isInt, 'an integer'),
        rate: field(o, 'rate', (v): v is number => typeof v === 'number', 'a number'),
        offsetMs: field(o, 'offsetMs', (v): v is number => typeof v === 'number', 'a number'),
      };
    case 'error':
      return {
        type: 'error',
        id: field(o, 'id', (v): v is number | null => v === null || isInt(v), 'an integer or null'),
        code: field(o, 'code', (v): v is ErrorCode => ERROR_CODES.includes(v as ErrorCode), ERROR_CODES.join(' | ')),
        definite: field(o, 'definite', isBool, 'a boolean'),
        text: field(o, 'text', isString, 'a string', true) ?? '',
        leader: field(o, 'leader', isStringOrNull, 'a string or null', true),
      };
    default:
      throw new ProtocolError(`type: unknown reply type ${JSON.stringify(o.type)}`);
  }
}

const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isInt);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isReplicaMap = (v: unknown): v is Record<string, {replicas: string[]; value: unknown}> =>
  isObject(v) && Object.values(v).every((r) => isObject(r) && isStringArray(r.replicas) && 'value' in r);

/**
 * Parses one request line received by a node that also serves the set workload (`add`,
 * `read_set`), `replicas`, `join` and `leave`; every other type is parsed exactly as `parseClientRequest` does.
 * @throws ProtocolError naming the bad field.
 */
export function parseAnyClientRequest(line: string): AnyClientRequest {
  const o = parseObject(line);
  if (o.type === 'replicas' || o.type === 'join' || o.type === 'leave') return {type: o.type, id: field(o, 'id', isInt, 'an integer')};
  if (o.type === 'add' || o.type === 'read_set') {
    const id = field(o, 'id', isInt, 'an integer');
    const key = field(o, 'key', isString, 'a string');
    if (o.type === 'read_set') return {type: 'read_set', id, key};
    return {
      type: 'add',
      id,
      key,
      element: field(o, 'element', isInt, 'an integer'),
      client: field(o, 'client', isString, 'a string', true),
      seq: field(o, 'seq', isInt, 'an integer', true),
    };
  }
  return parseClientRequest(line);
}

/**
 * Parses one reply line, including the set workload's `add_ok` and `read_set_ok`, `replicas_ok` and `membership_ok`.
 * @throws ProtocolError naming the bad field.
 */
export function parseAnyClientReply(line: string): AnyClientReply {
  const o = parseObject(line);
  if (o.type === 'add_ok') return {type: 'add_ok', id: field(o, 'id', isInt, 'an integer')};
  if (o.type === 'read_set_ok') {
    const elements = field(o, 'elements', isIntArray, 'an array of integers');
    return {type: 'read_set_ok', id: field(o, 'id', isInt, 'an integer'), elements: [...new Set(elements)].sort((a, b) => a - b)};
  }
  if (o.type === 'replicas_ok') {
    const keys = field(o, 'keys', isReplicaMap, 'an object of key → {replicas: [node ids], value}');
    const members = field(o, 'members', isStringArray, 'an array of strings', true);
    return {type: 'replicas_ok', id: field(o, 'id', isInt, 'an integer'), keys, ...(members ? {members} : {})};
  }
  if (o.type === 'membership_ok') return {type: 'membership_ok', id: field(o, 'id', isInt, 'an integer'), members: field(o, 'members', isStringArray, 'an array of strings')};
  return parseClientReply(line);
}
