/** The set checker on hand-written histories, with Jepsen's `set` semantics (jepsen.checker/set). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkSets} from '../../../src/checker/set/index.js';
import type {CheckableEvent} from '../../../src/checker/types.js';

type Ev = [process: number, type: CheckableEvent['type'], f: string, value: unknown, key?: string];

/** Builds events from tuples; index and time (ns) are the position. */
function history(...evs: Ev[]): CheckableEvent[] {
  return evs.map(([process, type, f, value, key], i) => ({index: i, process, type, f, key: key ?? 's', value, time: i * 1000}));
}

test('every acknowledged add in the final read: valid, with ok fraction 1', () => {
  const r = checkSets(history([0, 'invoke', 'add', 1], [0, 'ok', 'add', 1], [1, 'invoke', 'add', 2], [1, 'ok', 'add', 2], [2, 'invoke', 'read', null], [2, 'ok', 'read', [1, 2]]));
  assert.equal(r.valid, true);
  assert.equal(r.keys[0].okFraction, 1);
  assert.equal(r.keys[0].acknowledged, 2);
});

test('an acknowledged add missing from the final read is lost: invalid, with the add and read as evidence', () => {
  const r = checkSets(history([0, 'invoke', 'add', 1], [0, 'ok', 'add', 1], [1, 'invoke', 'add', 2], [1, 'ok', 'add', 2], [2, 'invoke', 'read', null], [2, 'ok', 'read', [2]]));
  assert.equal(r.valid, false);
  assert.equal(r.lostCount, 1);
  assert.deepEqual(r.keys[0].lost, [{element: 1, addInvokeIndex: 0, addCompletionIndex: 1, readIndex: 5}]);
  assert.equal(r.keys[0].okFraction, 0.5);
});

test('an element no add ever attempted is unexpected: invalid', () => {
  const r = checkSets(history([0, 'invoke', 'add', 1], [0, 'ok', 'add', 1], [2, 'invoke', 'read', null], [2, 'ok', 'read', [1, 99]]));
  assert.equal(r.valid, false);
  assert.equal(r.unexpectedCount, 1);
  assert.equal(r.keys[0].unexpected[0].element, 99);
  assert.equal(r.keys[0].unexpected[0].addInvokeIndex, null);
});

test('info adds that appeared are recovered and those that did not are unrecovered; both are fine', () => {
  const r = checkSets(
    history(
      [0, 'invoke', 'add', 1],
      [0, 'info', 'add', 1],
      [1, 'invoke', 'add', 2],
      [1, 'info', 'add', 2],
      [3, 'invoke', 'add', 3], // never completed
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', [1, 3]],
    ),
  );
  assert.equal(r.valid, true);
  assert.deepEqual(r.keys[0].recovered, [1, 3]);
  assert.deepEqual(r.keys[0].unrecovered, [2]);
  assert.equal(r.recoveredCount, 2);
  assert.equal(r.keys[0].indeterminate, 3);
});

test('a failed add (certainly not applied) that appears is an error', () => {
  const r = checkSets(history([0, 'invoke', 'add', 1], [0, 'fail', 'add', 1], [2, 'invoke', 'read', null], [2, 'ok', 'read', [1]]));
  assert.equal(r.valid, false);
  assert.equal(r.failedPresentCount, 1);
  assert.equal(r.unexpectedCount, 0, 'an attempted element is never unexpected (Jepsen)');
});

test('a key that was added to but never read is unknown, with the reason', () => {
  const r = checkSets(history([0, 'invoke', 'add', 1], [0, 'ok', 'add', 1]));
  assert.equal(r.valid, 'unknown');
  assert.match(r.reason ?? '', /never read/);
});

test('only the last ok read is final by default; earlier stale reads are counted, not failed', () => {
  const r = checkSets(
    history(
      [0, 'invoke', 'add', 1],
      [0, 'ok', 'add', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', []], // stale: misses 1, acknowledged before this read began
      [2, 'invoke', 'read', null],
      [2, 'fail', 'read', null],
      [3, 'invoke', 'read', null],
      [3, 'ok', 'read', [1]],
    ),
  );
  assert.equal(r.valid, true);
  assert.deepEqual(r.keys[0].finalReads, [7]);
  assert.equal(r.staleReads, 1);
  assert.deepEqual(r.keys[0].stale.examples, [{readIndex: 3, missing: 1}]);
});

test('with finalAfterNs, every read after it is final and each must hold every acknowledged add', () => {
  const evs = history([0, 'invoke', 'add', 1], [0, 'ok', 'add', 1], [1, 'invoke', 'read', null], [1, 'ok', 'read', [1]], [2, 'invoke', 'read', null], [2, 'ok', 'read', []]);
  const r = checkSets(evs, {finalAfterNs: 2000});
  assert.equal(r.valid, false);
  assert.deepEqual(r.keys[0].finalReads, [3, 5]);
  assert.equal(r.keys[0].lost[0].readIndex, 5);
});

test('keys are checked independently and merged: false beats unknown beats true', () => {
  const r = checkSets(
    history(
      [0, 'invoke', 'add', 1, 'a'],
      [0, 'ok', 'add', 1, 'a'],
      [1, 'invoke', 'add', 2, 'b'],
      [1, 'ok', 'add', 2, 'b'],
      [2, 'invoke', 'read', null, 'a'],
      [2, 'ok', 'read', [], 'a'],
    ),
  );
  assert.equal(r.valid, false);
  assert.deepEqual(
    r.keys.map((k) => [k.key, k.valid]),
    [
      ['a', false],
      ['b', 'unknown'],
    ],
  );
});

test('events of other functions are ignored, and a malformed read value is a TypeError', () => {
  assert.equal(checkSets(history([0, 'invoke', 'write', 1], [0, 'ok', 'write', 1])).valid, true);
  assert.throws(() => checkSets(history([0, 'invoke', 'read', null], [0, 'ok', 'read', 5])), TypeError);
});
