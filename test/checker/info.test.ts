import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../src/checker/index.js';
import {history} from './helpers.js';

test('an info write whose value appears later took effect, and the history is linearizable', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'write', value: 2, type: 'info', call: 2, ret: 3},
    {process: 0, f: 'read', read: 1, call: 4, ret: 5},
    {process: 0, f: 'read', read: 2, call: 10, ret: 11},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('an info write whose value never appears may never have happened', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'write', value: 2, type: 'info', call: 2, ret: 3},
    {process: 0, f: 'read', read: 1, call: 4, ret: 5},
    {process: 0, f: 'read', read: 1, call: 10, ret: 11},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('an info write cannot take effect before its invoke', () => {
  const events = history([
    {process: 0, f: 'read', read: 2, call: 0, ret: 1},
    {process: 1, f: 'write', value: 2, type: 'info', call: 2, ret: 3},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('an info write takes effect at most once: its value cannot come back after being overwritten', () => {
  const events = history([
    {process: 1, f: 'write', value: 2, type: 'info', call: 0, ret: 1},
    {process: 0, f: 'read', read: 2, call: 2, ret: 3},
    {process: 0, f: 'write', value: 3, call: 4, ret: 5},
    {process: 0, f: 'read', read: 2, call: 6, ret: 7},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('an operation still open when the history ends is treated as info', () => {
  const appears = history([
    {process: 1, f: 'write', value: 2, call: 0},
    {process: 0, f: 'read', read: 2, call: 5, ret: 6},
  ]);
  assert.equal(checkHistory(appears).valid, true);
  const never = history([
    {process: 1, f: 'write', value: 2, call: 0},
    {process: 0, f: 'read', read: null, call: 5, ret: 6},
  ]);
  assert.equal(checkHistory(never).valid, true);
});

test('an info cas takes effect only if the register held its from value', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [5, 9], type: 'info', call: 2, ret: 3},
    {process: 0, f: 'read', read: 9, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(events).valid, false);
  const ok = history([
    {process: 0, f: 'write', value: 5, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [5, 9], type: 'info', call: 2, ret: 3},
    {process: 0, f: 'read', read: 9, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(ok).valid, true);
});

test('an info read constrains nothing', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', type: 'info', call: 2, ret: 3},
  ]);
  const result = checkHistory(events);
  assert.equal(result.valid, true);
  assert.equal(result.operationCount, 2);
});
