import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {checkAvailability, checkNoCrash, checkRecovery, faultIntervals} from '../../src/checks/index.js';
import type {HistoryEvent} from '../../src/history/types.js';
import type {NemesisEvent} from '../../src/nemesis/events.js';

const S = 1e9;

/** Operations at whole seconds: [invoke s, completion s, outcome]. */
function ops(list: Array<[number, number, 'ok' | 'fail' | 'info']>): HistoryEvent[] {
  const raw = list.flatMap(([a, b, type], p) => [
    {process: p, type: 'invoke' as const, f: 'read' as const, key: 'k1', value: null, time: a * S},
    {process: p, type, f: 'read' as const, key: 'k1', value: null, time: b * S},
  ]);
  return raw.sort((x, y) => x.time - y.time).map((e, index) => ({index, ...e}));
}

const fault = (step: number, from: number, to: number): NemesisEvent[] => [
  {time: from * S, type: 'start', step, fault: 'partition', description: 'cut'},
  {time: to * S, type: 'stop', step, fault: 'partition', description: 'heal'},
];

describe('availability, recovery and no-crash', () => {
  test('overlapping faults make one window, healed when the last one stops', () => {
    const {active, healed} = faultIntervals([...fault(0, 2, 5), ...fault(1, 4, 7), ...fault(2, 10, 11)], 20 * S);
    assert.deepEqual(active, [{from: 2 * S, to: 7 * S}, {from: 10 * S, to: 11 * S}]);
    assert.deepEqual(healed, [7 * S, 11 * S]);
  });

  test('availability counts ok operations overall and outside fault windows', () => {
    const events = ops([[1, 1.1, 'ok'], [2.5, 3, 'info'], [3, 4, 'fail'], [8, 8.1, 'ok'], [9, 9.1, 'fail']]);
    const r = checkAvailability(events, {from: 0, to: 20 * S}, [{from: 2 * S, to: 5 * S}], [], {overall: 0, outsideFaults: 0.5});
    assert.equal(r.figures.okFraction, 2 / 5);
    assert.equal(r.figures.okFractionOutsideFaults, 2 / 3);
    assert.equal(r.valid, true);
    const strict = checkAvailability(events, {from: 0, to: 20 * S}, [{from: 2 * S, to: 5 * S}], [], {overall: 0.5, outsideFaults: 0.9});
    assert.equal(strict.valid, false);
    assert.match(strict.explanation, /^only 40\.0% of 5 workload operations succeeded \(bound 50\.0%\); only 66\.7% of the 3 operations outside fault windows and post-heal grace succeeded \(bound 90\.0%\)\.$/);
  });

  test('recovery fails when nothing succeeds within the bound after a heal', () => {
    const events = ops([[1, 1.1, 'ok'], [7.5, 9, 'fail'], [20, 20.5, 'ok']]);
    const r = checkRecovery(events, [7 * S], 30 * S, 10_000);
    assert.equal(r.valid, false);
    assert.equal(r.explanation, 'no operation succeeded within 10000 ms of the heal at 7.000 s (the first took 13500 ms).');
    assert.equal(checkRecovery(events, [7 * S], 30 * S, 15_000).valid, true);
  });

  test('a heal too close to the end of the workload is not judged', () => {
    const r = checkRecovery(ops([[1, 1.1, 'ok']]), [9 * S], 10 * S, 5000);
    assert.equal(r.valid, true);
    assert.equal(r.explanation, 'no heal to judge');
  });

  test('a node that exited without a fault fails no-crash', () => {
    assert.equal(checkNoCrash([]).valid, true);
    const r = checkNoCrash([{node: 'n2', exitCode: null, signal: 'SIGSEGV', logFile: 'runs/x/nodes/n2.log'}]);
    assert.equal(r.valid, false);
    assert.equal(r.explanation, 'a node exited without a fault: n2 (SIGSEGV); see runs/x/nodes/n2.log.');
    const many = checkNoCrash(['n1', 'n2', 'n3', 'n4'].map((node) => ({node, exitCode: null, signal: null, spawnError: 'could not start: spawn ./my-node ENOENT', logFile: `runs/x/nodes/${node}.log`})));
    assert.equal(
      many.explanation,
      '4 node exits without a fault: n1 (could not start: spawn ./my-node ENOENT), n2 (could not start: spawn ./my-node ENOENT), n3 (could not start: spawn ./my-node ENOENT), 1 more; see runs/x/nodes/n1.log.',
    );
  });
});
