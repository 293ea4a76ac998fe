/**
 * Durable Raft state: `raft.jsonl` in the data directory, an append-only file of JSON lines
 * (`{"type":"hard","term":4,"votedFor":"n2"}`, `{"type":"entry","entry":{…}}`,
 * `{"type":"truncate","fromIndex":17}`) replayed in order at start. Written before each fsync
 * batch; a torn last line after SIGKILL is cut off (see nodes/common/storage.ts).
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {RecordFile} from '../common/storage.js';
import {restore, type DurableRecord, type HardState} from './core.js';
import {parseEntry} from './messages.js';

/** File name of the Raft record file inside `--data-dir`. */
export const RAFT_FILE_NAME = 'raft.jsonl';

/** Validates one replayed line. @throws ProtocolError if it is not a durable record. */
export function parseDurableRecord(v: unknown): DurableRecord {
  if (typeof v !== 'object' || v === null) throw new ProtocolError('record: expected an object');
  const r = v as Record<string, unknown>;
  switch (r.type) {
    case 'hard':
      if (!Number.isSafeInteger(r.term) || !(r.votedFor === null || typeof r.votedFor === 'string')) {
        throw new ProtocolError('hard: bad term or votedFor');
      }
      return {type: 'hard', term: r.term as number, votedFor: r.votedFor as string | null};
    case 'entry':
      return {type: 'entry', entry: parseEntry(r.entry)};
    case 'truncate':
      if (!Number.isSafeInteger(r.fromIndex) || (r.fromIndex as number) < 1) throw new ProtocolError('truncate: bad fromIndex');
      return {type: 'truncate', fromIndex: r.fromIndex as number};
    default:
      throw new ProtocolError(`record: unknown type ${JSON.stringify(r.type)}`);
  }
}

/** Opens the data directory's record file and replays it. @throws Error on corruption before the last line. */
export function openRaftStorage(dataDir: string): {file: RecordFile<DurableRecord>; hard: HardState; tornBytes: number; records: number} {
  const {file, replay} = RecordFile.open(dataDir, RAFT_FILE_NAME, parseDurableRecord);
  return {file, hard: restore(replay.records), tornBytes: replay.tornBytes, records: replay.records.length};
}
