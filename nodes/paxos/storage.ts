/**
 * Durable acceptor state: `paxos.jsonl` in the data directory, an append-only file of JSON lines
 * (`{"type":"promise","ballot":{"round":4,"node":"n2"}}`,
 * `{"type":"accept","slot":17,"ballot":{…},"value":{…}}`, `{"type":"snapshot","snapshot":{…}}`),
 * fsynced before any promise or accepted reply leaves, and replayed in order at start. After a
 * snapshot the file is rewritten (atomically) with just the records that recreate the state. A torn
 * last line after SIGKILL is cut off (nodes/common/storage.ts).
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {RecordFile} from '../common/storage.js';
import {restore, type AcceptorState, type DurableRecord} from './core.js';
import {parseBallot, parseSlotValue, parseSnapshot} from './messages.js';

/** File name of the Paxos record file inside `--data-dir`. */
export const PAXOS_FILE_NAME = 'paxos.jsonl';

/** Validates one replayed line. @throws ProtocolError if it is not a durable record. */
export function parseDurableRecord(v: unknown): DurableRecord {
  if (typeof v !== 'object' || v === null) throw new ProtocolError('record: expected an object');
  const r = v as Record<string, unknown>;
  switch (r.type) {
    case 'promise':
      return {type: 'promise', ballot: parseBallot(r.ballot)};
    case 'accept':
      if (!Number.isSafeInteger(r.slot) || (r.slot as number) < 1) throw new ProtocolError('accept: bad slot');
      return {type: 'accept', slot: r.slot as number, ballot: parseBallot(r.ballot), value: parseSlotValue(r.value)};
    case 'snapshot':
      return {type: 'snapshot', snapshot: parseSnapshot(r.snapshot)};
    default:
      throw new ProtocolError(`record: unknown type ${JSON.stringify(r.type)}`);
  }
}

/** Opens the data directory's record file and replays it. @throws Error on corruption before the last line. */
export function openPaxosStorage(dataDir: string): {file: RecordFile<DurableRecord>; acceptor: AcceptorState; tornBytes: number; records: number} {
  const {file, replay} = RecordFile.open(dataDir, PAXOS_FILE_NAME, parseDurableRecord);
  return {file, acceptor: restore(replay.records), tornBytes: replay.tornBytes, records: replay.records.length};
}
