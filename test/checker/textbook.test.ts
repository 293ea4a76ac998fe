import assert from 'node:assert/strict';
import {test} from 'node:test';
import {casRegister, checkHistory} from '../../src/checker/index.js';
import {history} from './helpers.js';

// Textbook histories of one register (Herlihy & Wing 1990, figure 1 style). Times in seconds.

test('a sequential write then read of the written value is linearizable', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', read: 1, call: 2, ret: 3},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('a read of a value that was never written is not linearizable', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', read: 2, call: 2, ret: 3},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('a read after a completed write cannot return the older value (stale read)', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 0, f: 'write', value: 2, call: 2, ret: 3},
    {process: 1, f: 'read', read: 1, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('a read concurrent with a write may return either the old or the new value', () => {
  for (const read of [null, 1]) {
    const events = history([
      {process: 0, f: 'write', value: 1, call: 0, ret: 10},
      {process: 1, f: 'read', read, call: 2, ret: 3},
    ]);
    assert.equal(checkHistory(events).valid, true, `read ${read}`);
  }
});

test('two reads cannot see a concurrent write take effect and then un-take effect', () => {
  // p1 reads the new value, then p2 — strictly later — reads the old one.
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 10},
    {process: 1, f: 'read', read: 1, call: 1, ret: 2},
    {process: 2, f: 'read', read: null, call: 3, ret: 4},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('the register starts absent, so a first read returns nil', () => {
  assert.equal(checkHistory(history([{process: 0, f: 'read', read: null, call: 0, ret: 1}])).valid, true);
  assert.equal(checkHistory(history([{process: 0, f: 'read', read: 0, call: 0, ret: 1}])).valid, false);
});

test('a successful cas needs the register to hold its from value', () => {
  const good = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [1, 2], call: 2, ret: 3},
    {process: 0, f: 'read', read: 2, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(good).valid, true);
  const bad = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [3, 2], call: 2, ret: 3},
  ]);
  assert.equal(checkHistory(bad).valid, false);
});

test('two concurrent cas from the same value cannot both succeed', () => {
  const events = history([
    {process: 0, f: 'write', value: 0, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [0, 1], call: 2, ret: 5},
    {process: 2, f: 'cas', value: [0, 2], call: 2, ret: 5},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('a failed cas (Jepsen semantics) did not happen and is dropped', () => {
  const events = history([
    {process: 0, f: 'write', value: 0, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [0, 7], type: 'fail', call: 2, ret: 3},
    {process: 2, f: 'read', read: 0, call: 4, ret: 5},
  ]);
  const result = checkHistory(events);
  assert.equal(result.valid, true);
  assert.equal(result.operationCount, 2);
});

test('a failed cas under the compare-failed convention is illegal when the register held from', () => {
  const events = history([
    {process: 0, f: 'write', value: 0, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [0, 7], type: 'fail', call: 2, ret: 3},
  ]);
  assert.equal(checkHistory(events, {model: casRegister({failedCas: 'compare-failed'})}).valid, false);
  const other = history([
    {process: 0, f: 'write', value: 5, call: 0, ret: 1},
    {process: 1, f: 'cas', value: [0, 7], type: 'fail', call: 2, ret: 3},
    {process: 2, f: 'read', read: 5, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(other, {model: casRegister({failedCas: 'compare-failed'})}).valid, true);
});

test('failed reads and writes did not happen and constrain nothing', () => {
  const events = history([
    {process: 0, f: 'write', value: 3, type: 'fail', call: 0, ret: 1},
    {process: 1, f: 'read', type: 'fail', call: 2, ret: 3},
    {process: 2, f: 'read', read: null, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('the Knossos options start the register at 0 and let a nil read match any state', () => {
  const events = history([
    {process: 0, f: 'read', read: 0, call: 0, ret: 1},
    {process: 0, f: 'write', value: 4, call: 2, ret: 3},
    {process: 1, f: 'read', read: null, call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(events).valid, false);
  assert.equal(checkHistory(events, {model: casRegister({initial: 0, nilReadMatchesAny: true})}).valid, true);
  assert.equal(checkHistory(events, {model: casRegister({initial: 0})}).valid, false);
});

test('an empty history is linearizable', () => {
  const result = checkHistory([]);
  assert.equal(result.valid, true);
  assert.deepEqual(result.keys, []);
});

test('many concurrent writes followed by reads that agree are linearizable', () => {
  const ops = [];
  for (let p = 0; p < 8; p++) ops.push({process: p, f: 'write' as const, value: p, call: 0, ret: 10});
  for (let p = 0; p < 8; p++) ops.push({process: p, f: 'read' as const, read: 5, call: 11 + p, ret: 11.5 + p});
  assert.equal(checkHistory(history(ops)).valid, true);
});

test('many concurrent writes followed by reads that disagree are not linearizable', () => {
  const ops = [];
  for (let p = 0; p < 8; p++) ops.push({process: p, f: 'write' as const, value: p, call: 0, ret: 10});
  ops.push({process: 0, f: 'read' as const, read: 5, call: 11, ret: 12});
  ops.push({process: 1, f: 'read' as const, read: 6, call: 13, ret: 14});
  assert.equal(checkHistory(history(ops)).valid, false);
});
