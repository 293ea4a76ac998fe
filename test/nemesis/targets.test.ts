import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {nodeIds} from '../../src/cluster/topology.js';
import {resolveTarget, type ClusterView} from '../../src/nemesis/index.js';
import {Rng} from '../../src/rng/index.js';

const five: ClusterView = {ids: nodeIds(5), running: nodeIds(5), leader: 'n3'};

describe('fault targets', () => {
  test('leader and followers come from the cluster’s view', () => {
    assert.deepEqual(resolveTarget('leader', five, Rng.seeded(1)), ['n3']);
    assert.deepEqual(resolveTarget('followers', five, Rng.seeded(1)), ['n1', 'n2', 'n4', 'n5']);
  });

  test('minority and majority of five are two and three running nodes', () => {
    const minority = resolveTarget('minority', five, Rng.seeded(2));
    const majority = resolveTarget('majority', five, Rng.seeded(2));
    assert.ok(Array.isArray(minority) && minority.length === 2);
    assert.ok(Array.isArray(majority) && majority.length === 3);
  });

  test('one picks a single running node, the same one for the same seed', () => {
    const view = {...five, running: ['n2', 'n4']};
    const a = resolveTarget('one', view, Rng.seeded(9));
    assert.ok(Array.isArray(a) && a.length === 1 && view.running.includes(a[0]));
    assert.deepEqual(resolveTarget('random', view, Rng.seeded(9)), a);
  });

  test('targets that name nobody give the reason', () => {
    assert.equal(resolveTarget('leader', {...five, leader: null}, Rng.seeded(1)), 'no node reports itself leader');
    assert.equal(resolveTarget('n2', {...five, running: ['n1']}, Rng.seeded(1)), 'n2 is not running');
    assert.equal(resolveTarget('majority', {...five, running: ['n1', 'n2']}, Rng.seeded(1)), 'only 2 nodes are running');
  });

  test('a list keeps its running members', () => {
    assert.deepEqual(resolveTarget(['n5', 'n1'], {...five, running: ['n1', 'n2']}, Rng.seeded(1)), ['n1']);
  });
});
