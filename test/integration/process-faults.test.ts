import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {Cluster, freePort, nodeCommand, nodeIds, type NodeLaunch} from '../../src/cluster/index.js';

/**
 * Process faults observed on real nodes (issue 7: "a paused process answers nothing"): three Raft
 * nodes wired to each other directly, driven through the Cluster the nemesis uses.
 */
describe('process faults on real nodes', async () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'faultline-faults-'));
  const ids = nodeIds(3);
  const ports = await Promise.all(ids.map(async () => ({client: await freePort(), peer: await freePort()})));
  const launches: NodeLaunch[] = ids.map((id, i) => ({
    id,
    clientPort: ports[i].client,
    peerPort: ports[i].peer,
    peers: new Map(ids.filter((p) => p !== id).map((p) => [p, `127.0.0.1:${ports[ids.indexOf(p)].peer}`])),
    dataDir: path.join(runDir, 'data', id),
    bugs: [],
  }));
  const cluster = new Cluster(launches, (l) => nodeCommand('raft', l), runDir);
  after(() => cluster.stopAll());

  test('a paused node answers nothing until it is resumed', async () => {
    cluster.startAll();
    await cluster.waitForLeader(20_000);
    assert.notEqual(await cluster.status('n1'), null);
    cluster.pause('n1');
    assert.equal(await cluster.status('n1'), null);
    assert.equal(cluster.isRunning('n1'), true);
    cluster.resume('n1');
    assert.equal((await cluster.status('n1'))?.node, 'n1');
  });

  test('a killed node is gone until started again, and comes back with its term', async () => {
    const before = await cluster.status('n2');
    await cluster.kill('n2');
    assert.equal(cluster.isRunning('n2'), false);
    assert.equal(await cluster.status('n2'), null);
    cluster.start('n2');
    const deadline = Date.now() + 15_000;
    let after_ = await cluster.status('n2');
    while (after_ === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after_ = await cluster.status('n2');
    }
    assert.ok(after_ && before && after_.term >= before.term, `term ${after_?.term} after restart, ${before?.term} before`);
    assert.deepEqual(cluster.unexpectedExits, []);
  });

  test('stop ends a node with SIGTERM and it is not reported as a crash', async () => {
    await cluster.stop('n3');
    assert.equal(cluster.isRunning('n3'), false);
    assert.deepEqual(cluster.unexpectedExits, []);
  });
});
