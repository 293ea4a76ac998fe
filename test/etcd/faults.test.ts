import assert from 'node:assert/strict';
import {test} from 'node:test';
import {inboundPeerProxyName, peerProxies} from '../../src/cluster/index.js';
import {LinkCutter, type LinkProxies} from '../../src/nemesis/index.js';
import {loadPlan, parsePlan} from '../../src/plan/index.js';

const etcdPlan = (nemesis: string, nodes = 5) => `cluster:\n  system: etcd\n  nodes: ${nodes}\nnemesis:\n${nemesis}`;

test('etcd plans may cut single-node groups (reset, or drop when every node is listed), kill, pause and put toxics on all peer or client links', () => {
  const plan = parsePlan(
    etcdPlan(`  - {fault: partition, shape: groups, groups: [[n1], [n2]], mode: reset, for: 1s}
  - {fault: partition, shape: groups, groups: [[n1], [n2], [n3], [n4], [n5]], mode: drop, for: 1s}
  - {fault: pause, target: leader, for: 1s}
  - {fault: latency, links: all, latency: 10ms, for: 1s}
  - {fault: reset-peer, links: client, for: 1s}
`),
    'p.yaml',
  );
  assert.equal(plan.nemesis.length, 5);
  assert.equal(plan.cluster.system, 'etcd');
});

test('faults etcd cannot run exactly are refused at validation, naming file, line, column and field', () => {
  const refused = (nemesis: string, expected: RegExp) => assert.throws(() => parsePlan(etcdPlan(nemesis), 'p.yaml'), expected);
  refused('  - {fault: partition, shape: isolate-leader, for: 1s}\n', /p\.yaml:5:31: nemesis\.0\.shape: etcd runs support only shape groups with one node per group: each etcd member has one peer proxy/);
  refused('  - {fault: partition, shape: groups, groups: [[n1], [n2, n3]], for: 1s, mode: reset}\n', /p\.yaml:5:54: nemesis\.0\.groups\.1: etcd runs need one node per group/);
  refused('  - {fault: partition, shape: groups, groups: [[n1], [n2]], for: 1s}\n', /nemesis\.0\.mode: etcd runs support mode drop only when every node is listed; use mode reset/);
  refused('  - {fault: latency, links: [n1-n2], latency: 10ms, for: 1s}\n', /nemesis\.0\.links: etcd runs support links: all or client/);
  refused('  - {fault: bandwidth, links: {of: leader}, rate: 10, for: 1s}\n', /nemesis\.0\.links: etcd runs support links: all or client/);
  refused('  - {fault: clock-skew, rate: 2, for: 1s}\n', /nemesis\.0\.fault: clock-skew needs a node that accepts faultline's clock request; etcd members have no clock control/);
});

test('cluster.etcd belongs to etcd plans only, and etcd has no seeded bugs', () => {
  assert.throws(() => parsePlan('cluster:\n  system: raft\n  etcd: {serializableReads: true}\n', 'p.yaml'), /cluster\.etcd: only allowed with system: etcd/);
  assert.throws(() => parsePlan('cluster:\n  system: etcd\n  bugs: [stale-read]\n', 'p.yaml'), /stale-read is not a seeded bug of etcd; etcd has none/);
  assert.equal(parsePlan('cluster:\n  system: etcd\n  etcd: {}\n', 'p.yaml').cluster.etcd?.serializableReads, false);
});

test('the built-in etcd plans are valid', async () => {
  assert.equal((await loadPlan('plans/etcd-partition.yaml')).cluster.etcd, undefined);
  assert.equal((await loadPlan('plans/etcd-serializable-reads.yaml')).cluster.etcd?.serializableReads, true);
});

test('in the destination layout every node has one peer proxy, and a link is cut by cutting the proxy of its destination until every cut healed', async () => {
  assert.deepEqual(peerProxies('destination', ['n1', 'n2', 'n3']), [
    {name: 'peer-n1', to: 'n1'},
    {name: 'peer-n2', to: 'n2'},
    {name: 'peer-n3', to: 'n3'},
  ]);
  assert.equal(peerProxies('link', ['n1', 'n2', 'n3']).length, 6);
  const enabled = new Map<string, boolean>();
  const fake: LinkProxies = {setEnabled: async (p, on) => enabled.set(p, on), addToxic: async () => {}, removeToxic: async () => {}};
  const cutter = new LinkCutter(fake, 'destination');
  assert.equal(cutter.proxyOf({from: 'n3', to: 'n2'}), inboundPeerProxyName('n2'));
  // The pair n1, n2: both directions, so both members' proxies.
  await cutter.cut([{from: 'n1', to: 'n2'}, {from: 'n2', to: 'n1'}], 'reset');
  assert.deepEqual(Object.fromEntries(enabled), {'peer-n2': false, 'peer-n1': false});
  await cutter.cut([{from: 'n3', to: 'n2'}], 'reset');
  await cutter.heal([{from: 'n1', to: 'n2'}, {from: 'n2', to: 'n1'}], 'reset');
  assert.deepEqual(Object.fromEntries(enabled), {'peer-n2': false, 'peer-n1': true});
  await cutter.heal([{from: 'n3', to: 'n2'}], 'reset');
  assert.equal(enabled.get('peer-n2'), true);
});
