import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../src/checker/index.js';
import type {HistoryEvent} from '../../src/history/types.js';
import {explainResult} from '../../src/report/index.js';

const MS = 1e6;

function history(raw: Array<Omit<HistoryEvent, 'index'>>): HistoryEvent[] {
  return raw.map((e, index) => ({index, ...e})) as HistoryEvent[];
}

test('a stale read after two concurrent writes is explained by the read that fixed their order', () => {
  // Writes of 1 and 2 overlap, so either may come last; process 2's read of 2 (after both) says 2
  // did, and process 3's later read of 1 is stale. No single write lies between the write of 1 and
  // the stale read, so the explanation names the earlier read.
  const events = history([
    {process: 0, type: 'invoke', f: 'write', key: 'k1', value: 1, time: 10 * MS},
    {process: 1, type: 'invoke', f: 'write', key: 'k1', value: 2, time: 12 * MS},
    {process: 0, type: 'ok', f: 'write', key: 'k1', value: 1, time: 20 * MS, node: 'n1'},
    {process: 1, type: 'ok', f: 'write', key: 'k1', value: 2, time: 22 * MS, node: 'n1'},
    {process: 2, type: 'invoke', f: 'read', key: 'k1', value: null, time: 30 * MS},
    {process: 2, type: 'ok', f: 'read', key: 'k1', value: 2, time: 35 * MS, node: 'n1'},
    {process: 3, type: 'invoke', f: 'read', key: 'k1', value: null, time: 40 * MS},
    {process: 3, type: 'ok', f: 'read', key: 'k1', value: 1, time: 45 * MS, node: 'n3'},
  ]);
  const check = checkHistory(events, {model: 'cas-register'});
  assert.equal(check.valid, false);
  assert.equal(
    explainResult(check, events),
    'Read of k1 by process 3 returned 1 at 0.045 s, but 1 was overwritten by 2 before the read began at 0.040 s: process 2 read 2 (read 0.030 s–0.035 s) after the write of 1 finished at 0.020 s (the read was served by n3, the earlier read by n1).',
  );
});

test('without a write or a read between the write and the stale read, the checker’s sentence is used', () => {
  // Both writes finished before two overlapping reads that disagree (2, then 1 from a read begun
  // 1 ms later): one of them is wrong, but no operation lies wholly between a write and either
  // read, so there is no simpler story than the checker's.
  const events = history([
    {process: 0, type: 'invoke', f: 'write', key: 'k1', value: 1, time: 10 * MS},
    {process: 1, type: 'invoke', f: 'write', key: 'k1', value: 2, time: 12 * MS},
    {process: 0, type: 'ok', f: 'write', key: 'k1', value: 1, time: 20 * MS},
    {process: 1, type: 'ok', f: 'write', key: 'k1', value: 2, time: 22 * MS},
    {process: 2, type: 'invoke', f: 'read', key: 'k1', value: null, time: 30 * MS},
    {process: 3, type: 'invoke', f: 'read', key: 'k1', value: null, time: 31 * MS},
    {process: 2, type: 'ok', f: 'read', key: 'k1', value: 2, time: 35 * MS},
    {process: 3, type: 'ok', f: 'read', key: 'k1', value: 1, time: 36 * MS},
    {process: 2, type: 'invoke', f: 'read', key: 'k1', value: null, time: 40 * MS},
    {process: 2, type: 'ok', f: 'read', key: 'k1', value: 2, time: 45 * MS},
  ]);
  const check = checkHistory(events, {model: 'cas-register'});
  assert.equal(check.valid, false);
  const bad = check.keys.find((k) => k.valid === false)!;
  assert.equal(explainResult(check, events), bad.evidence!.sentence);
  assert.match(bad.evidence!.sentence, /^On key k1, read returned/);
});
