import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {RecordFile} from '../../../nodes/common/storage.js';
import {parseDurableRecord} from '../../../nodes/raft/storage.js';

const asAny = (v: unknown) => v;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-storage-'));
}

test('records appended and synced are replayed in order after reopening', () => {
  const dir = tempDir();
  try {
    const {file} = RecordFile.open(dir, 'r.jsonl', asAny);
    file.append([{a: 1}, {a: 2}]);
    file.sync();
    file.append([{a: 3}]);
    file.close();
    const {file: again, replay} = RecordFile.open(dir, 'r.jsonl', asAny);
    again.close();
    assert.deepEqual(replay.records, [{a: 1}, {a: 2}, {a: 3}]);
    assert.equal(replay.tornBytes, 0);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

test('a torn last line left by kill -9 is cut off and the file stays appendable', () => {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'r.jsonl'), '{"type":"hard","term":3,"votedFor":"n2"}\n{"type":"entry","entry":{"ind');
    const {file, replay} = RecordFile.open(dir, 'r.jsonl', parseDurableRecord);
    assert.deepEqual(replay.records, [{type: 'hard', term: 3, votedFor: 'n2'}]);
    assert.ok(replay.tornBytes > 0);
    file.append([{type: 'truncate', fromIndex: 1}]);
    file.close();
    const {replay: again} = RecordFile.open(dir, 'r.jsonl', parseDurableRecord);
    assert.deepEqual(again.records.map((r) => r.type), ['hard', 'truncate']);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

test('a corrupt record before the last line is an error, not silently dropped', () => {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'r.jsonl'), 'garbage\n{"type":"hard","term":3,"votedFor":null}\n');
    assert.throws(() => RecordFile.open(dir, 'r.jsonl', parseDurableRecord), /corrupt record on line 1/);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
