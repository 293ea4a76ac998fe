import assert from 'node:assert/strict';
import {test} from 'node:test';
import {nodeCommand, systemName, systemUnavailable} from '../../src/cluster/index.js';
import {parsePlan} from '../../src/plan/index.js';

const launch = {id: 'n2', clientPort: 21001, peerPort: 21002, peers: new Map([['n1', '127.0.0.1:30001'], ['n3', '127.0.0.1:30003']]), dataDir: '/tmp/run/data/n2', bugs: []};

test('a custom command gets every placeholder replaced, per node', () => {
  const system = {command: ['node', 'kv.js', '--id={id}', '{client_port}', '{peer_port}', '{peers}', '{data_dir}'], protocol: 'ndjson' as const, ready: 'leader' as const};
  assert.deepEqual(nodeCommand(system, launch), [process.execPath, 'kv.js', '--id=n2', '21001', '21002', 'n1=127.0.0.1:30001,n3=127.0.0.1:30003', '/tmp/run/data/n2']);
  assert.equal(systemName(system), 'custom');
});

test('a built-in system runs its compiled node with the same facts', () => {
  const [file, script, ...args] = nodeCommand('raft', launch);
  assert.equal(file, process.execPath);
  assert.match(script, /dist\/nodes\/raft\/node\.js$/);
  assert.deepEqual(args.slice(0, 4), ['--id', 'n2', '--client-port', '21001']);
});

test('a plan may name its own system by command, without seeded bugs', () => {
  const plan = parsePlan('cluster:\n  system: {command: [node, kv.js, "{id}"], ready: status}\n', 'p.yaml');
  assert.deepEqual(plan.cluster.system, {command: ['node', 'kv.js', '{id}'], protocol: 'ndjson', ready: 'status'});
  assert.throws(() => parsePlan('cluster:\n  system: {command: [x]}\n  bugs: [stale-read]\n', 'p.yaml'), /cluster\.bugs: seeded bugs exist only in the built-in systems/);
});

test('a custom command whose program is missing is told before anything starts; one found on PATH or by path is fine', () => {
  const custom = (program: string) => ({command: [program, '--id', '{id}'], protocol: 'ndjson' as const, ready: 'leader' as const});
  assert.equal(systemUnavailable(custom('./my-node')), `cluster.system.command: ./my-node is not an executable file (looked up from ${process.cwd()})`);
  assert.equal(systemUnavailable(custom('no-such-program-faultline')), 'cluster.system.command: no-such-program-faultline is not an executable file (looked up on PATH)');
  assert.equal(systemUnavailable(custom('./package.json')), `cluster.system.command: ./package.json is not an executable file (looked up from ${process.cwd()})`);
  assert.equal(systemUnavailable(custom('node')), null);
  assert.equal(systemUnavailable(custom(process.execPath)), null);
  assert.equal(systemUnavailable(custom('{data_dir}/node')), null);
  assert.equal(systemUnavailable('raft'), null);
});
