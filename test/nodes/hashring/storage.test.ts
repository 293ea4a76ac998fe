/** Durable state of the hash-ring node: replay, torn tails after kill -9, hint bookkeeping, compaction, flags. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {parseRingArgs} from '../../../nodes/hashring/args.js';
import {DEFAULT_RING_CONFIG, newRingState, snapshotRecords, step} from '../../../nodes/hashring/core.js';
import {parseRingMessage} from '../../../nodes/hashring/messages.js';
import {HASHRING_FILE_NAME, openRingStorage, restore} from '../../../nodes/hashring/storage.js';
import {parseAnyClientReply, parseAnyClientRequest, parseClientRequest, ProtocolError} from '../../../src/protocol/index.js';

const v = (wallMs: number) => ({wallMs, counter: 0, node: 'n1'});

test('replay keeps the last value per key and only hints not marked done', () => {
  const {store, hints} = restore([
    {type: 'value', key: 'a', entry: {kind: 'register', version: v(1), value: 1}},
    {type: 'value', key: 'a', entry: {kind: 'register', version: v(2), value: 2}},
    {type: 'hint', hintId: 1, target: 'n3', key: 's', entry: {kind: 'set', elements: [1]}},
    {type: 'hint', hintId: 2, target: 'n3', key: 's', entry: {kind: 'set', elements: [1, 2]}},
    {type: 'hint_done', hintIds: [1]}, // an old id: the newer hint for (n3, s) stays
    {type: 'hint', hintId: 3, target: 'n2', key: 't', entry: {kind: 'set', elements: [5]}},
    {type: 'hint_done', hintIds: [3]},
  ]);
  assert.deepEqual(store.get('a'), {kind: 'register', version: v(2), value: 2});
  assert.deepEqual(hints, [{hintId: 2, target: 'n3', key: 's', entry: {kind: 'set', elements: [1, 2]}}]);
});

test('a torn last line left by kill -9 is cut off and the rest restored', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-hashring-storage-'));
  try {
    const line = JSON.stringify({type: 'value', key: 's', entry: {kind: 'set', elements: [1]}});
    fs.writeFileSync(path.join(dir, HASHRING_FILE_NAME), `${line}\n{"type":"val`);
    const s = openRingStorage(dir);
    assert.ok(s.tornBytes > 0);
    assert.deepEqual(s.store.get('s'), {kind: 'set', elements: [1]});
    s.file.close();
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

test('the snapshot records rebuild the same store and hints', () => {
  const s = newRingState({...DEFAULT_RING_CONFIG, id: 'n1', peers: ['n2', 'n3']}, 1000);
  step(s, {type: 'message', nowMs: 1000, message: {type: 'put', from: 'n2', to: 'n1', op: 1, key: 'x', entry: {kind: 'set', elements: [3]}, hint: null}});
  step(s, {type: 'message', nowMs: 1000, message: {type: 'put', from: 'n2', to: 'n1', op: 2, key: 'y', entry: {kind: 'set', elements: [4]}, hint: 'n3'}});
  const back = restore(snapshotRecords(s));
  assert.deepEqual(back.store, s.store);
  assert.deepEqual(back.hints, [...s.hints.values()]);
});

test('the node takes --n --w --r --vnodes --phi-threshold besides the common flags', () => {
  const {args, extra} = parseRingArgs(['--id', 'n1', '--client-port', '1', '--peer-port', '2', '--data-dir', '/tmp/d', '--n', '3', '--w=1', '--phi-threshold', '10.5', '--bugs', 'stale-wins']);
  assert.equal(args.id, 'n1');
  assert.deepEqual(extra, {'--n': 3, '--w': 1, '--phi-threshold': 10.5});
  assert.ok(args.bugs.has('stale-wins'));
  assert.throws(() => parseRingArgs(['--id', 'n1', '--client-port', '1', '--peer-port', '2', '--data-dir', '/d', '--vnodes', '0']), /--vnodes/);
  assert.throws(() => parseRingArgs(['--id', 'n1', '--client-port', '1', '--peer-port', '2', '--data-dir', '/d', '--bugs', 'stale-read']), /unknown bug/);
});

test('set requests and replies parse; the plain kv parser still rejects them', () => {
  assert.deepEqual(parseAnyClientRequest('{"type":"add","id":1,"key":"s","element":7}'), {type: 'add', id: 1, key: 's', element: 7, client: undefined, seq: undefined});
  assert.deepEqual(parseAnyClientRequest('{"type":"read_set","id":2,"key":"s"}'), {type: 'read_set', id: 2, key: 's'});
  assert.deepEqual(parseAnyClientRequest('{"type":"read","id":3,"key":"s"}'), {type: 'read', id: 3, key: 's', client: undefined, seq: undefined});
  assert.throws(() => parseAnyClientRequest('{"type":"add","id":1,"key":"s","element":"x"}'), ProtocolError);
  assert.throws(() => parseClientRequest('{"type":"add","id":1,"key":"s","element":7}'), ProtocolError);
  assert.deepEqual(parseAnyClientReply('{"type":"read_set_ok","id":2,"elements":[3,1,3]}'), {type: 'read_set_ok', id: 2, elements: [1, 3]});
  assert.deepEqual(parseAnyClientReply('{"type":"add_ok","id":1}'), {type: 'add_ok', id: 1});
});

test('peer messages round-trip through JSON, and junk is a ProtocolError', () => {
  const m = {type: 'repair', from: 'n1', to: 'n2', entries: [['k', {kind: 'register', version: v(5), value: 1}]], want: ['j']} as const;
  assert.deepEqual(parseRingMessage(JSON.stringify(m)), m);
  assert.throws(() => parseRingMessage('{"type":"put","from":"a","to":"b"}'), ProtocolError);
  assert.throws(() => parseRingMessage('nope'), ProtocolError);
});
