import assert from 'node:assert/strict';
import {test} from 'node:test';
import {pinnedFromEvents} from '../../src/nemesis/index.js';

test('replay pins each occurrence to what it acted on, keyed step/occurrence', () => {
  const pinned = pinnedFromEvents([
    {time: 1, type: 'start', step: 0, occurrence: 0, fault: 'partition', description: 'partition n3 | n1 n2 (drop)', components: [['n3'], ['n1', 'n2']], cut: ['n1-n3', 'n3-n1'], nodes: ['n3']},
    {time: 2, type: 'stop', step: 0, occurrence: 0, fault: 'partition', description: 'heal'},
    {time: 3, type: 'start', step: 1, occurrence: 2, fault: 'kill', description: 'kill -9 n2', nodes: ['n2']},
    {time: 4, type: 'skip', step: 2, fault: 'pause', description: 'pause skipped: no node reports itself leader'},
    {time: 5, type: 'start', step: 3, fault: 'latency', description: 'latency 100 ms', proxies: ['n1-n2']},
  ]);
  assert.deepEqual([...pinned.keys()], ['0/0', '1/2', '3/0']);
  assert.deepEqual(pinned.get('0/0')?.cut, ['n1-n3', 'n3-n1']);
  assert.deepEqual(pinned.get('1/2')?.nodes, ['n2']);
  assert.deepEqual(pinned.get('3/0')?.proxies, ['n1-n2']);
});
