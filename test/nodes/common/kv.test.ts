import assert from 'node:assert/strict';
import {test} from 'node:test';
import {applyCommand, emptyKv} from '../../../nodes/common/kv.js';

test('an absent key reads as null and a write makes it readable', () => {
  const kv = emptyKv();
  assert.deepEqual(applyCommand(kv, {type: 'read', key: 'a'}), {type: 'read_ok', value: null});
  assert.deepEqual(applyCommand(kv, {type: 'write', key: 'a', value: 3}), {type: 'write_ok'});
  assert.deepEqual(applyCommand(kv, {type: 'read', key: 'a'}), {type: 'read_ok', value: 3});
});

test('a cas succeeds only when from equals the current value', () => {
  const kv = emptyKv();
  assert.deepEqual(applyCommand(kv, {type: 'cas', key: 'a', from: 1, to: 2}), {type: 'cas_mismatch', current: null});
  applyCommand(kv, {type: 'write', key: 'a', value: 1});
  assert.deepEqual(applyCommand(kv, {type: 'cas', key: 'a', from: 1, to: 2}), {type: 'cas_ok'});
  assert.equal(kv.data.get('a'), 2);
});

test('a duplicate (client, seq) is not applied again and gets the cached result of the last command', () => {
  // Raft §8: the state machine remembers the latest serial number per client.
  const kv = emptyKv();
  applyCommand(kv, {type: 'write', key: 'a', value: 1, client: 'c', seq: 1});
  applyCommand(kv, {type: 'cas', key: 'a', from: 5, to: 6, client: 'c', seq: 2});
  assert.deepEqual(applyCommand(kv, {type: 'write', key: 'a', value: 9, client: 'c', seq: 1}), {type: 'cas_mismatch', current: 1});
  assert.equal(kv.data.get('a'), 1);
  assert.deepEqual(applyCommand(kv, {type: 'write', key: 'a', value: 9, client: 'c', seq: 3}), {type: 'write_ok'});
  assert.equal(kv.data.get('a'), 9);
});

test('commands without client and seq are never deduplicated', () => {
  const kv = emptyKv();
  applyCommand(kv, {type: 'write', key: 'a', value: 1});
  applyCommand(kv, {type: 'cas', key: 'a', from: 1, to: 2});
  assert.deepEqual(applyCommand(kv, {type: 'cas', key: 'a', from: 1, to: 2}), {type: 'cas_mismatch', current: 2});
});
