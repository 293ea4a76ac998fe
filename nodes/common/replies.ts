/**
 * Client replies as the pure cores produce them: a body without its wire `id` (the shell adds it),
 * addressed by the shell's own request id. Shared by nodes/raft and nodes/paxos.
 */
import type {ErrorCode, Value} from '../../src/protocol/index.js';
import type {KvResult} from './kv.js';

/** A client reply without its wire `id`; the shell adds it. */
export type ReplyBody =
  | {type: 'read_ok'; value: Value}
  | {type: 'write_ok'}
  | {type: 'cas_ok'}
  | {type: 'error'; code: ErrorCode; definite: boolean; text: string; leader?: string | null};

/** An answer to the request the shell proposed with `requestId`. */
export interface Reply {
  requestId: number;
  body: ReplyBody;
}

/** The reply body for an applied command: `cas_mismatch` becomes a definite error naming the current value. */
export function bodyOf(result: KvResult): ReplyBody {
  if (result.type === 'cas_mismatch') {
    return {type: 'error', code: 'cas_mismatch', definite: true, text: `current value is ${JSON.stringify(result.current)}`};
  }
  return result;
}
