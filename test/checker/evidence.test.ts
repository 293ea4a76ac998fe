import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../src/checker/index.js';
import {history} from './helpers.js';

test('evidence names the longest linearizable prefix, the state there and the stuck read', () => {
  const events = history([
    {process: 0, f: 'write', key: 'k3', value: 9, call: 0, ret: 1},
    {process: 1, f: 'read', key: 'k3', read: 9, call: 2, ret: 3},
    {process: 1, f: 'read', key: 'k3', read: 7, call: 12, ret: 12.41},
  ]);
  const result = checkHistory(events);
  assert.equal(result.valid, false);
  const evidence = result.keys[0].evidence!;
  assert.deepEqual(
    evidence.prefix.map((op) => op.description),
    ['write 9', 'read returned 9'],
  );
  assert.equal(evidence.stateAfterPrefix, 'the register held 9');
  assert.equal(evidence.stuck?.description, 'read returned 7');
  assert.equal(evidence.stuck?.invokeIndex, 4);
  assert.equal(evidence.stuck?.completionIndex, 5);
  assert.equal(evidence.stuck?.callNs, 12e9);
  assert.deepEqual(
    evidence.candidates.map((op) => op.description),
    ['read returned 7'],
  );
  assert.match(evidence.sentence, /^On key k3, read returned 7 at 12\.410 s .*no linearization allows it.*the register held 9/);
});

test('evidence operations of info operations have a null return time', () => {
  const events = history([
    {process: 0, f: 'write', value: 2, type: 'info', call: 0, ret: 1},
    {process: 2, f: 'read', read: 2, call: 2, ret: 3},
    {process: 1, f: 'read', read: 5, call: 4, ret: 5},
  ]);
  const evidence = checkHistory(events).keys[0].evidence!;
  const info = [...evidence.prefix, ...evidence.candidates].find((op) => op.status === 'info');
  assert.ok(info !== undefined);
  assert.equal(info.returnNs, null);
  assert.equal(evidence.stuck?.description, 'read returned 5');
});
