/**
 * Three real Raft node processes on 127.0.0.1, wired directly to each other's peer ports (no
 * proxies): a leader is elected, a write and a read go through its client port, a bad line gets
 * `malformed`, the leader survives SIGKILL + restart. Every process is killed in `after`.
 */
import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {encodeLine} from '../../../src/protocol/index.js';
import {ask, connect, exited, nodeProcesses, waitForLeader, waitForOutput} from '../process-helpers.js';

const {start, startCluster, cleanup} = nodeProcesses('raft');
after(cleanup);

test('three real nodes elect a leader, serve a write and a read, and recover a killed leader', {timeout: 60_000}, async () => {
  const nodes = await startCluster(['n1', 'n2', 'n3']);

  const leader = await waitForLeader(nodes);
  const c = await connect(leader.clientPort);
  try {
    assert.deepEqual(await c.ask(encodeLine({type: 'write', id: 10, key: 'k', value: 42, client: 't', seq: 1})), {type: 'write_ok', id: 10});
    assert.deepEqual(await c.ask(encodeLine({type: 'read', id: 11, key: 'k'})), {type: 'read_ok', id: 11, value: 42});
    const bad = await c.ask('{"type":"write","id":12,"key":"k"}');
    assert.equal(bad.type === 'error' && bad.code, 'malformed');
    assert.equal(bad.type === 'error' && bad.id, 12);
    assert.deepEqual(await c.ask(encodeLine({type: 'cas', id: 13, key: 'k', from: 42, to: 43})), {type: 'cas_ok', id: 13});
  } finally {
    c.close();
  }
  // A follower redirects to the leader it last heard from; it knows none right after an election
  // timeout of its own (a loaded machine can starve heartbeats), so ask until it names one (≤ 5 s).
  const follower = nodes.find((p) => p !== leader)!;
  let nl = await ask(follower.clientPort, {type: 'read', id: 20, key: 'k'});
  for (let i = 0; i < 50 && nl?.type === 'error' && nl.leader === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    nl = await ask(follower.clientPort, {type: 'read', id: 20, key: 'k'});
  }
  assert.equal(nl?.type === 'error' && nl.code, 'not_leader');
  assert.equal(nl?.type === 'error' && nl.leader, leader.id);

  // SIGKILL the leader; the other two elect a new one that still has the value (§5.4 Leader Completeness).
  leader.child.kill('SIGKILL');
  await exited(leader.child);
  const rest = nodes.filter((p) => p !== leader);
  const next = await waitForLeader(rest);
  assert.notEqual(next.id, leader.id);
  const r = await ask(next.clientPort, {type: 'read', id: 30, key: 'k'});
  assert.deepEqual(r, {type: 'read_ok', id: 30, value: 43});

  // The killed node restarts with the same arguments and restores its term and log from disk.
  const again = start(leader.id, leader.args, leader.clientPort);
  await waitForOutput(again, `${leader.id} restored term=`);
  assert.match(again.output.join(''), new RegExp(`${leader.id} restored term=\\d+ votedFor=\\S+ lastIndex=\\d+ from disk`));

  // Closing stdin ends a node (the harness holds the pipe).
  again.child.stdin!.end();
  await exited(again.child);
  assert.equal(again.child.exitCode, 0);
});

test('a bad command line prints one line on stderr and exits with status 2', async () => {
  const p = start('bad', ['--id', 'n1', '--client-port', 'nope'], 0);
  await exited(p.child);
  assert.equal(p.child.exitCode, 2);
  const text = p.output.join('');
  assert.equal(text.trim().split('\n').length, 1);
  assert.match(text, /client-port/);
});
