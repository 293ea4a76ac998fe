import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../src/checker/index.js';
import {history} from './helpers.js';

test('a violation on one key makes the history invalid and names that key, while the other keys stay valid', () => {
  const events = history([
    {process: 0, f: 'write', key: 'k1', value: 1, call: 0, ret: 1},
    {process: 1, f: 'write', key: 'k2', value: 1, call: 0, ret: 1},
    {process: 2, f: 'write', key: 'k10', value: 1, call: 0, ret: 1},
    {process: 0, f: 'read', key: 'k1', read: 1, call: 2, ret: 3},
    {process: 1, f: 'read', key: 'k2', read: 7, call: 2, ret: 3},
    {process: 2, f: 'read', key: 'k10', read: 1, call: 2, ret: 3},
  ]);
  const result = checkHistory(events);
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.keys.map((k) => [k.key, k.valid]),
    [
      ['k1', true],
      ['k2', false],
      ['k10', true],
    ],
  );
  assert.match(result.reason ?? '', /key k2/);
  assert.equal(result.operationCount, 6);
});

test('keys are independent: the same values on different keys do not interfere', () => {
  const events = history([
    {process: 0, f: 'write', key: 'a', value: 1, call: 0, ret: 1},
    {process: 1, f: 'write', key: 'b', value: 2, call: 0, ret: 1},
    {process: 0, f: 'read', key: 'b', read: 2, call: 2, ret: 3},
    {process: 1, f: 'read', key: 'a', read: 1, call: 2, ret: 3},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('every key is checked even after one is found not linearizable', () => {
  const ops = [];
  for (let k = 0; k < 5; k++) ops.push({process: k, f: 'read' as const, key: `k${k}`, read: k === 0 ? null : 9, call: 0, ret: 1});
  const result = checkHistory(history(ops));
  assert.equal(result.valid, false);
  assert.equal(result.keys.length, 5);
  assert.deepEqual(
    result.keys.filter((k) => k.valid === false).map((k) => k.key),
    ['k1', 'k2', 'k3', 'k4'],
  );
});
