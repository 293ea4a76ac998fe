import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Bitset} from '../../src/checker/bitset.js';
import {ConfigurationCache} from '../../src/checker/cache.js';
import {EntryList, sortedEntries} from '../../src/checker/entries.js';
import {casRegister} from '../../src/checker/models/index.js';
import {pairOperations} from '../../src/checker/operations.js';
import {partitionByKey} from '../../src/checker/partition.js';
import {twins} from '../../src/checker/search.js';
import {checkHistory} from '../../src/checker/index.js';
import type {Operation} from '../../src/checker/types.js';
import {HistoryFormatError} from '../../src/errors/index.js';
import {history} from './helpers.js';

function op(id: number, callNs: number, returnNs: number): Operation {
  return {id, key: 'k', process: id, f: 'read', input: null, output: null, status: returnNs === Infinity ? 'info' : 'ok', invokeIndex: 0, completionIndex: 0, callNs, returnNs};
}

test('pairing matches each invoke with the next completion of its process and drops failed operations', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 2},
    {process: 1, f: 'read', read: 1, call: 1, ret: 3},
    {process: 2, f: 'write', value: 5, type: 'fail', call: 1, ret: 3},
    {process: 3, f: 'cas', value: [1, 2], type: 'info', call: 4, ret: 5},
  ]);
  const ops = pairOperations(events, casRegister());
  assert.deepEqual(
    ops.map((o) => [o.id, o.process, o.f, o.status, o.callNs, o.returnNs]),
    [
      [0, 0, 'write', 'ok', 0, 2e9],
      [1, 1, 'read', 'ok', 1e9, 3e9],
      [2, 3, 'cas', 'info', 4e9, Infinity],
    ],
  );
});

test('pairing rejects a completion without an invoke, naming the event', () => {
  assert.throws(() => pairOperations([{index: 0, process: 1, type: 'ok', f: 'read', key: 'k', value: 1, time: 0}], casRegister()), (error: unknown) => {
    return error instanceof HistoryFormatError && /^history event 0: ok read by process 1, which has no open invoke; expected an invoke by that process first$/.test(error.message);
  });
});

test('pairing rejects a second invoke by a process with an operation open', () => {
  const events = history([{process: 1, f: 'read', call: 0}, {process: 1, f: 'read', call: 1}]);
  assert.throws(() => pairOperations(events, casRegister()), HistoryFormatError);
});

test('partitioning groups operations by key in natural key order', () => {
  const ops = ['k10', 'k2', 'k1', 'k2'].map((key, id) => ({...op(id, id, id + 1), key}));
  assert.deepEqual(
    partitionByKey(ops, casRegister()).map((p) => [p.key, p.operations.map((o) => o.id)]),
    [
      ['k1', [2]],
      ['k2', [1, 3]],
      ['k10', [0]],
    ],
  );
});

test('entries are sorted by time, calls before returns at equal times, info returns last', () => {
  // op0 [0, 5], op1 [5, 6] (invoked when op0 returns), op2 [1, ∞)
  const order = [...sortedEntries([op(0, 0, 5), op(1, 5, 6), op(2, 1, Infinity)])];
  assert.deepEqual(order, [0, 4, 2, 1, 3, 5]);
});

test('lift removes an operation and unlift restores the list exactly', () => {
  const list = new EntryList([op(0, 0, 3), op(1, 1, 2), op(2, 4, 5)]);
  const walk = (): number[] => {
    const out = [];
    for (let e = list.first(); e !== -1; e = list.next[e]) out.push(e);
    return out;
  };
  const before = walk();
  assert.deepEqual(before, [0, 2, 3, 1, 4, 5]);
  list.lift(2);
  assert.deepEqual(walk(), [0, 1, 4, 5]);
  list.lift(4);
  assert.deepEqual(walk(), [0, 1]);
  list.unlift(4);
  list.unlift(2);
  assert.deepEqual(walk(), before);
});

test('a bitset keeps its hash as the XOR of its members, whatever the order of changes', () => {
  const a = new Bitset(100);
  const b = new Bitset(100);
  a.set(3);
  a.set(70);
  b.set(70);
  b.set(99);
  b.set(3);
  b.clear(99);
  assert.equal(a.hash, b.hash);
  assert.deepEqual([...a.words], [...b.words]);
  assert.equal(a.size, 2);
  assert.ok(a.has(70) && !a.has(99));
  assert.equal(a.hashWith(5), (() => {
    a.set(5);
    const h = a.hash;
    a.clear(5);
    return h;
  })());
});

test('the configuration cache tells new configurations from seen ones and respects its budget', () => {
  const model = casRegister();
  const budget = {maxEntries: 2, maxBytes: Infinity, entries: 0, bytes: 0};
  const cache = new ConfigurationCache(model, budget, 40);
  const set = new Bitset(40);
  assert.equal(cache.addIfNew(set, 33, 1, model.hash(1)), true);
  assert.equal(cache.addIfNew(set, 33, 1, model.hash(1)), false);
  assert.equal(cache.addIfNew(set, 33, 2, model.hash(2)), true);
  assert.equal(cache.addIfNew(set, 34, 2, model.hash(2)), null);
  assert.equal(budget.entries, 2);
  cache.release();
  assert.equal(budget.entries, 0);
});

test('identical operations are ordered for the search only when the earlier one also returns no later', () => {
  const write = (id: number, callNs: number, returnNs: number): Operation => ({...op(id, callNs, returnNs), f: 'write', input: {f: 'write', value: 1}, output: null});
  // 0 and 1 are identical info writes; 2 is nested inside 3 (called later, returns earlier).
  assert.deepEqual([...twins([write(0, 0, Infinity), write(1, 5, Infinity), write(2, 12, 13), write(3, 10, 20)])], [-1, 0, -1, -1]);
  assert.deepEqual([...twins([write(0, 10, 20), write(1, 12, 25)])], [-1, 0]);
});

test('a nested identical write may take effect before the one around it', () => {
  // write 1 [0,10] around write 1 [2,3]; write 2 [4,5]; read 1 [6,7]: linearizable only as
  // (inner write 1), write 2, (outer write 1), read 1 — so the outer one may not be forced first.
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 10},
    {process: 1, f: 'write', value: 1, call: 2, ret: 3},
    {process: 2, f: 'write', value: 2, call: 4, ret: 5},
    {process: 3, f: 'read', read: 1, call: 6, ret: 7},
  ]);
  assert.equal(checkHistory(events).valid, true);
});
