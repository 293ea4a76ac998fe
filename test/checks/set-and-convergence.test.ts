import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {checkConvergence, checkSetHistory, converged, divergentKeys, outsideRing, ringViews, type ReplicaSnapshot} from '../../src/checks/index.js';
import type {HistoryEvent} from '../../src/history/types.js';

const S = 1e9;

/** Operations as [process, f, key, invoke value, invoke s, outcome, completion value, completion s, node]. */
function history(list: Array<[number, 'add' | 'read-set', string, unknown, number, 'ok' | 'fail' | 'info', unknown, number, string]>): HistoryEvent[] {
  const raw = list.flatMap(([process, f, key, v, a, type, cv, b, node]) => [
    {process, type: 'invoke' as const, f, key, value: v, time: a * S},
    {process, type, f, key, value: cv, time: b * S, node},
  ]);
  return raw.sort((x, y) => x.time - y.time).map((e, index) => ({index, ...e}));
}

describe('the set check of a run', () => {
  test('an acknowledged add missing from the final read is lost, named with its acknowledgement and the read', () => {
    const events = history([
      [0, 'add', 's1', 1, 1, 'ok', 1, 1.5, 'n1'],
      [1, 'add', 's1', 2, 2, 'ok', 2, 2.5, 'n2'],
      [2, 'add', 's1', 3, 3, 'info', 3, 4, 'n2'],
      [3, 'read-set', 's1', null, 11, 'ok', [1, 3], 11.2, 'n3'],
    ]);
    const r = checkSetHistory(events, 10 * S);
    assert.equal(r.valid, false);
    assert.equal(
      r.explanation,
      '1 acknowledged add lost. First: element 2 of s1, acknowledged at 2.500 s (process 1 via n2), is missing from the final read at 11.200 s by process 3 on n3.',
    );
    assert.deepEqual(r.figures, {attempted: 3, acknowledged: 2, indeterminate: 1, lost: 1, unexpected: 0, failedPresent: 0, recovered: 1, staleReads: 1});
  });

  test('reads before the end of the workload are not final; an element never added is unexpected', () => {
    const events = history([
      [0, 'add', 's1', 1, 1, 'ok', 1, 1.5, 'n1'],
      [1, 'read-set', 's1', null, 2, 'ok', [], 2.1, 'n2'],
      [2, 'read-set', 's1', null, 11, 'ok', [1, 9], 11.1, 'n2'],
    ]);
    const r = checkSetHistory(events, 10 * S);
    assert.equal(r.valid, false);
    assert.equal(r.explanation, 'element 9 of s1 was never added, yet it is in the final read at 11.100 s by process 2 on n2.');
    assert.equal(r.figures.staleReads, 1);
  });

  test('every acknowledged add present: valid, with the counts', () => {
    const events = history([
      [0, 'add', 's1', 1, 1, 'ok', 1, 1.5, 'n1'],
      [1, 'add', 's2', 1, 1, 'fail', 1, 1.5, 'n1'],
      [2, 'read-set', 's1', null, 11, 'ok', [1], 11.1, 'n2'],
      [3, 'read-set', 's2', null, 11, 'ok', [], 11.1, 'n2'],
    ]);
    const r = checkSetHistory(events, 10 * S);
    assert.equal(r.valid, true);
    assert.equal(r.explanation, 'all 1 acknowledged adds of 2 sets are in the final reads; 0 indeterminate adds (0 present); 0 stale reads during the workload');
  });
});

describe('the convergence check', () => {
  const homes = ['n1', 'n2', 'n3'];
  const snap = (entries: Record<string, Record<string, unknown> | null>, members?: Record<string, string[]>): ReplicaSnapshot =>
    new Map(
      Object.entries(entries).map(([node, keys]) => [
        node,
        keys === null ? null : {keys: Object.fromEntries(Object.entries(keys).map(([k, value]) => [k, {replicas: homes, value}])), ...(members ? {members: members[node]} : {})},
      ]),
    );

  test('a key is divergent when a home replica lacks it, holds another value or does not answer', () => {
    assert.deepEqual(divergentKeys(snap({n1: {a: [1, 2], b: 5}, n2: {a: [1, 2], b: 5}, n3: {a: [1, 2], b: 5}})), []);
    assert.deepEqual(divergentKeys(snap({n1: {a: [1, 2]}, n2: {a: [1]}, n3: {a: [1, 2]}})), [
      {key: 'a', holders: [{node: 'n1', value: [1, 2]}, {node: 'n2', value: [1]}, {node: 'n3', value: [1, 2]}]},
    ]);
    assert.deepEqual(divergentKeys(snap({n1: {a: 1}, n2: {}, n3: null})), [
      {key: 'a', holders: [{node: 'n1', value: 1}, {node: 'n2', value: 'missing'}, {node: 'n3', value: 'no answer'}]},
    ]);
  });

  test('converged within the bound is valid; converged late or never is not', () => {
    const agreed = snap({n1: {a: 1}, n2: {a: 1}, n3: {a: 1}});
    const apart = snap({n1: {a: 1}, n2: {a: 2}, n3: {a: 1}});
    assert.equal(checkConvergence([{afterMs: 100, snapshot: apart}, {afterMs: 600, snapshot: agreed}], 1000).valid, true);
    assert.equal(checkConvergence([{afterMs: 1500, snapshot: agreed}], 1000).valid, false);
    const never = checkConvergence([{afterMs: 1200, snapshot: apart}], 1000);
    assert.equal(never.valid, false);
    assert.equal(never.explanation, '1 of 1 keys still differ between replicas 1.2 s after the heal (bound 1 s). First: a: n1 1, n2 2, n3 1');
  });

  test('nodes that disagree on the ring have not converged, whatever their replicas hold', () => {
    const ring = ['n1', 'n2', 'n3'];
    const agreed = snap({n1: {a: 1}, n2: {a: 1}, n3: {a: 1}}, {n1: ring, n2: ring, n3: ring});
    assert.equal(converged(agreed), true);
    const split = snap({n1: {a: 1}, n2: {a: 1}, n3: {a: 1}}, {n1: ring, n2: ring, n3: [...ring, 'n4']});
    assert.equal(converged(split), false);
    assert.deepEqual([...ringViews(split)], [['n1 n2 n3', ['n1', 'n2']], ['n1 n2 n3 n4', ['n3']]]);
    assert.equal(
      checkConvergence([{afterMs: 2000, snapshot: split}], 1000).explanation,
      'the nodes still disagree on the ring 2.0 s after the heal (bound 1 s): n1 n2 see n1 n2 n3; n3 see n1 n2 n3 n4',
    );
    assert.match(checkConvergence([{afterMs: 300, snapshot: agreed}], 1000).explanation, /every node sees the ring n1 n2 n3$/);
  });

  test('polling cut short before the bound is unknown; a node still out of the ring after the heal fails', () => {
    const apart = snap({n1: {a: 1}, n2: {a: 2}, n3: {a: 1}});
    assert.equal(checkConvergence([{afterMs: 400, snapshot: apart}], 1000).valid, 'unknown');
    const ring = ['n2', 'n3'];
    const out = snap({n1: {}, n2: {}, n3: {}}, {n1: ring, n2: ring, n3: ring});
    assert.deepEqual(outsideRing(out), ['n1']);
    assert.equal(converged(out), false);
    assert.equal(
      checkConvergence([{afterMs: 1500, snapshot: out}], 1000).explanation,
      'n1 is still out of the ring 1.5 s after the heal (bound 1 s), though the final heal should have brought every node back',
    );
  });
});
