import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {nodeCommand} from '../../src/cluster/index.js';
import {etcdCommand, findEtcd} from '../../src/etcd/index.js';

const launch = {
  id: 'n2',
  clientPort: 21001,
  peerPort: 21002,
  peers: new Map([['n3', '127.0.0.1:30003'], ['n1', '127.0.0.1:30001']]),
  dataDir: '/tmp/run/data/n2',
  bugs: [],
  advertisedPeer: '127.0.0.1:30002',
};

test('an etcd member listens on its own ports but advertises the proxy in front of it, and every member is named by its proxy', () => {
  const args = etcdCommand('/usr/bin/etcd', launch);
  const flag = (name: string) => args[args.indexOf(name) + 1];
  assert.equal(args[0], '/usr/bin/etcd');
  assert.equal(flag('--name'), 'n2');
  assert.equal(flag('--data-dir'), '/tmp/run/data/n2');
  assert.equal(flag('--listen-peer-urls'), 'http://127.0.0.1:21002');
  assert.equal(flag('--initial-advertise-peer-urls'), 'http://127.0.0.1:30002');
  assert.equal(flag('--listen-client-urls'), 'http://127.0.0.1:21001');
  assert.equal(flag('--initial-cluster'), 'n1=http://127.0.0.1:30001,n2=http://127.0.0.1:30002,n3=http://127.0.0.1:30003');
  assert.equal(flag('--heartbeat-interval'), '50');
  assert.equal(flag('--election-timeout'), '500');
});

test('an etcd member without the proxy address is a harness error', () => {
  assert.throws(() => etcdCommand('etcd', {...launch, advertisedPeer: undefined}), /n2 needs the address of the proxy in front of it/);
});

test('findEtcd takes the first executable etcd on PATH, and null when there is none', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'faultline-path-'));
  const withEtcd = mkdtempSync(path.join(tmpdir(), 'faultline-path-'));
  writeFileSync(path.join(withEtcd, 'etcd'), '#!/bin/sh\n');
  chmodSync(path.join(withEtcd, 'etcd'), 0o755);
  assert.equal(findEtcd(empty), null);
  assert.equal(findEtcd([empty, withEtcd].join(path.delimiter)), path.join(withEtcd, 'etcd'));
  assert.equal(nodeCommand('etcd', launch)[1], '--name');
});
