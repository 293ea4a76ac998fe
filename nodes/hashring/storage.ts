/**
 * Durable state of the hash-ring node: `hashring.jsonl` in the data directory, JSON lines of
 * `{"type":"value","key":…,"entry":…}` (the merged entry after each change),
 * `{"type":"hint","hintId":…,"target":…,"key":…,"entry":…}` (a hint held for another node) and
 * `{"type":"hint_done","hintIds":[…]}` (handed off or dropped), replayed in order at start.
 * Appended and fsynced once per event-loop turn before any ack or reply leaves; a torn last line
 * after SIGKILL is cut off (nodes/common/storage.ts). The core compacts the file by rewriting it
 * with one record per live key and hint.
 */
import {ProtocolError} from '../../src/protocol/index.js';
import {RecordFile} from '../common/storage.js';
import {parseEntry, type Entry} from './store.js';

/** File name of the record file inside `--data-dir`. */
export const HASHRING_FILE_NAME = 'hashring.jsonl';

/** An entry held for `target` (sloppy quorum), to be handed off when it is trusted again. */
export interface Hint {
  /** Increases with every change of the hint, so an old handoff ack cannot delete newer content. */
  hintId: number;
  target: string;
  key: string;
  entry: Entry;
}

export type DurableRecord =
  | {type: 'value'; key: string; entry: Entry}
  | ({type: 'hint'} & Hint)
  | {type: 'hint_done'; hintIds: number[]};

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Validates one replayed line. @throws ProtocolError. */
export function parseDurableRecord(v: unknown): DurableRecord {
  if (typeof v !== 'object' || v === null) throw new ProtocolError('record: expected an object');
  const r = v as Record<string, unknown>;
  switch (r.type) {
    case 'value':
      if (typeof r.key !== 'string') throw new ProtocolError('value.key: expected a string');
      return {type: 'value', key: r.key, entry: parseEntry(r.entry)};
    case 'hint':
      if (!isInt(r.hintId) || typeof r.target !== 'string' || typeof r.key !== 'string') throw new ProtocolError('hint: bad hintId, target or key');
      return {type: 'hint', hintId: r.hintId, target: r.target, key: r.key, entry: parseEntry(r.entry)};
    case 'hint_done':
      if (!Array.isArray(r.hintIds) || !r.hintIds.every(isInt)) throw new ProtocolError('hint_done.hintIds: expected integers');
      return {type: 'hint_done', hintIds: r.hintIds as number[]};
    default:
      throw new ProtocolError(`record: unknown type ${JSON.stringify(r.type)}`);
  }
}

/** Rebuilds the store and the live hints from replayed records (pure). */
export function restore(records: readonly DurableRecord[]): {store: Map<string, Entry>; hints: Hint[]} {
  const store = new Map<string, Entry>();
  const hints = new Map<string, Hint>();
  const byId = new Map<number, string>();
  for (const r of records) {
    if (r.type === 'value') store.set(r.key, r.entry); // the merged entry at the time: last one wins
    else if (r.type === 'hint') {
      const hk = `${r.target}\u0000${r.key}`;
      const {type: _t, ...hint} = r;
      hints.set(hk, hint);
      byId.set(r.hintId, hk);
    } else {
      for (const id of r.hintIds) {
        const hk = byId.get(id);
        if (hk !== undefined && hints.get(hk)?.hintId === id) hints.delete(hk);
      }
    }
  }
  return {store, hints: [...hints.values()].sort((a, b) => a.hintId - b.hintId)};
}

/** Opens the data directory's record file and replays it. @throws Error on corruption before the last line. */
export function openRingStorage(dataDir: string): {file: RecordFile<DurableRecord>; store: Map<string, Entry>; hints: Hint[]; tornBytes: number; records: number} {
  const {file, replay} = RecordFile.open(dataDir, HASHRING_FILE_NAME, parseDurableRecord);
  return {file, ...restore(replay.records), tornBytes: replay.tornBytes, records: replay.records.length};
}
