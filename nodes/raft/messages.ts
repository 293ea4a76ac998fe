/**
 * Raft peer messages (Figure 2 of the paper), sent as NDJSON lines over directed links. Every
 * message names its sender in `from`, because replies travel on the replier's own outbound link.
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {parseEntryCommand} from '../common/kv.js';
import type {LogEntry} from './log.js';

/** RequestVote RPC (§5.2). */
export interface RequestVote {
  type: 'request_vote';
  from: string;
  to: string;
  term: number;
  lastLogIndex: number;
  lastLogTerm: number;
}

/** Reply to RequestVote. */
export interface RequestVoteReply {
  type: 'request_vote_reply';
  from: string;
  to: string;
  term: number;
  granted: boolean;
}

/** AppendEntries RPC (§5.3); with no entries it is a heartbeat. */
export interface AppendEntries {
  type: 'append_entries';
  from: string;
  to: string;
  term: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: LogEntry[];
  leaderCommit: number;
}

/**
 * Reply to AppendEntries. On success `matchIndex` is the last index known to match the leader's.
 * On failure `conflictIndex` is where the leader should retry from (the fast back-off of §5.3).
 */
export interface AppendEntriesReply {
  type: 'append_entries_reply';
  from: string;
  to: string;
  term: number;
  success: boolean;
  matchIndex: number;
  conflictIndex: number;
}

export type RaftMessage = RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply;

type Obj = Record<string, unknown>;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function int(o: Obj, name: string): number {
  const v = o[name];
  if (!isInt(v)) throw new ProtocolError(`${String(o.type)}.${name}: expected a non-negative integer`);
  return v;
}

function str(o: Obj, name: string): string {
  const v = o[name];
  if (typeof v !== 'string') throw new ProtocolError(`${String(o.type)}.${name}: expected a string`);
  return v;
}

function bool(o: Obj, name: string): boolean {
  const v = o[name];
  if (typeof v !== 'boolean') throw new ProtocolError(`${String(o.type)}.${name}: expected a boolean`);
  return v;
}

/** Validates one record as a log entry (used for messages and for the on-disk log). */
export function parseEntry(v: unknown): LogEntry {
  if (typeof v !== 'object' || v === null) throw new ProtocolError('entry: expected an object');
  const e = v as Obj;
  return {index: int(e, 'index'), term: int(e, 'term'), command: parseEntryCommand(e.command)};
}

/**
 * Parses one peer line.
 * @throws ProtocolError if the line is not a valid Raft message; the node ignores such lines.
 */
export function parseRaftMessage(line: string): RaftMessage {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new ProtocolError('peer message: not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError('peer message: expected an object');
  const o = v as Obj;
  const base = {from: str(o, 'from'), to: str(o, 'to'), term: int(o, 'term')};
  switch (o.type) {
    case 'request_vote':
      return {type: 'request_vote', ...base, lastLogIndex: int(o, 'lastLogIndex'), lastLogTerm: int(o, 'lastLogTerm')};
    case 'request_vote_reply':
      return {type: 'request_vote_reply', ...base, granted: bool(o, 'granted')};
    case 'append_entries': {
      if (!Array.isArray(o.entries)) throw new ProtocolError('append_entries.entries: expected an array');
      return {
        type: 'append_entries',
        ...base,
        prevLogIndex: int(o, 'prevLogIndex'),
        prevLogTerm: int(o, 'prevLogTerm'),
        entries: o.entries.map(parseEntry),
        leaderCommit: int(o, 'leaderCommit'),
      };
    }
    case 'append_entries_reply':
      return {
        type: 'append_entries_reply',
        ...base,
        success: bool(o, 'success'),
        matchIndex: int(o, 'matchIndex'),
        conflictIndex: int(o, 'conflictIndex'),
      };
    default:
      throw new ProtocolError(`peer message: unknown type ${JSON.stringify(o.type)}`);
  }
}
