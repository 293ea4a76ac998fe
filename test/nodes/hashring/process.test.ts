/**
 * Three real hash-ring node processes on 127.0.0.1, wired directly to each other's peer ports (no
 * proxies), N=3 W=2 R=2: every node reports role replica, writes, adds and reads go through any
 * node, cas is refused, an acknowledged add survives SIGKILL of a node, and the others suspect it.
 * Every process is killed in `after`.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import {after, test} from 'node:test';
import {askAny as ask, exited, nodeProcesses, waitFor} from '../process-helpers.js';

const {start, startCluster, cleanup} = nodeProcesses('hashring');
after(cleanup);

test('three real hash-ring nodes serve quorum writes, adds and reads, and keep an acknowledged add across kill -9', {timeout: 60_000}, async () => {
  const nodes = await startCluster(['n1', 'n2', 'n3'], ['--n', '3', '--w', '2', '--r', '2', '--vnodes', '64', '--phi-threshold', '8']);

  await waitFor('not every node answered status', nodes, async () => {
    const rs = await Promise.all(nodes.map((p) => ask(p.clientPort, {type: 'status', id: 1})));
    return rs.every((r) => r?.type === 'status_ok' && r.role === 'replica');
  });
  const [p1, p2, p3] = nodes;
  // peers need a moment to connect; retry the first write until it is acknowledged
  await waitFor('the first write was never acknowledged', nodes, async () => (await ask(p1.clientPort, {type: 'write', id: 2, key: 'k', value: 42}))?.type === 'write_ok');
  // every node's own peer links come up on their own schedule: the first read through n2 may find
  // no quorum yet (unavailable, a definite error); retry it until it has one
  await waitFor('n2 never read the acknowledged write', nodes, async () => {
    const r = await ask(p2.clientPort, {type: 'read', id: 3, key: 'k'});
    if (r?.type === 'error' && r.code === 'unavailable') return false;
    assert.deepEqual(r, {type: 'read_ok', id: 3, value: 42});
    return true;
  });
  // on a loaded machine an add may time out (indefinite) before W acks arrive; adding again is harmless
  const added = async (port: number, id: number, element: number) => {
    const r = await ask(port, {type: 'add', id, key: 's', element});
    if (r?.type === 'error' && r.code === 'timeout') return false;
    assert.deepEqual(r, {type: 'add_ok', id});
    return true;
  };
  await waitFor('n3 never acknowledged element 1', nodes, () => added(p3.clientPort, 4, 1));
  await waitFor('n1 never acknowledged element 2', nodes, () => added(p1.clientPort, 5, 2));
  assert.deepEqual(await ask(p2.clientPort, {type: 'read_set', id: 6, key: 's'}), {type: 'read_set_ok', id: 6, elements: [1, 2]});
  const cas = await ask(p1.clientPort, {type: 'cas', id: 7, key: 'k', from: 42, to: 43});
  assert.equal(cas?.type === 'error' && cas.code, 'unavailable');
  assert.equal(cas?.type === 'error' && cas.definite, true);
  const bad = await ask(p1.clientPort, {type: 'add', id: 8, key: 's'});
  assert.equal(bad?.type === 'error' && bad.code, 'malformed');

  // kill -9 n3; the other two still reach W=2 and R=2, and suspect n3
  p3.child.kill('SIGKILL');
  await exited(p3.child);
  // until n1 suspects n3 an add may time out waiting for n3's ack; adding the same element again is harmless
  await waitFor('n1 never acknowledged the add with n3 down', [p1, p2], async () => (await ask(p1.clientPort, {type: 'add', id: 9, key: 's', element: 3}))?.type === 'add_ok');
  await waitFor('n1 never suspected n3', [p1], async () => p1.output.join('').includes('n1 suspects n3'));

  // restart n3 from its data dir: it still has what it acknowledged, and gets the rest back
  const again = start('n3', p3.args, p3.clientPort);
  await waitFor('restarted n3 did not answer', [again], async () => (await ask(again.clientPort, {type: 'status', id: 10}))?.type === 'status_ok');
  assert.match(again.output.join(''), /n3 restored \d+ keys/);
  await waitFor('n3 never caught up on element 3', [p1, p2, again], async () => {
    const r = await ask(again.clientPort, {type: 'read_set', id: 11, key: 's'});
    return r?.type === 'read_set_ok' && r.elements.join(',') === '1,2,3';
  });
});

test('a bad command line exits with status 2 and one line on stderr', {timeout: 20_000}, async () => {
  const p = start('bad', ['--id', 'n1', '--client-port', '1', '--peer-port', '2', '--peers', 'n2=127.0.0.1:9,n3=127.0.0.1:10', '--data-dir', os.tmpdir(), '--w', '9'], 0);
  await exited(p.child);
  assert.equal(p.child.exitCode, 2);
  assert.match(p.output.join(''), /^hashring node: --w/);
});
