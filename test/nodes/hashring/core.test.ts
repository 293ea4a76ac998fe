/**
 * The hash-ring core, driven deterministically through an in-memory network (sim.ts): quorum
 * coordination, read repair, failure detection, sloppy quorum with hinted handoff (Dynamo §4.6),
 * anti-entropy (§4.7), durability across kill -9, and the seeded bugs.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {newRingState, DEFAULT_RING_CONFIG, step} from '../../../nodes/hashring/core.js';
import {preferenceList, walk} from '../../../nodes/hashring/ring.js';
import {RingSim} from './sim.js';

const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** A key whose preference list (N=3) on the 5-node ring does not include `outside`. */
function keyAvoiding(sim: RingSim, outside: string): {key: string; pref: string[]; spare: string} {
  const ring = sim.nodes.get('n1')!.ring;
  for (let i = 0; ; i++) {
    const key = `k${i}`;
    const pref = preferenceList(ring, key, 3);
    if (!pref.includes(outside)) return {key, pref, spare: walk(ring, key)[3]};
  }
}

test('a write is acknowledged after W acks and a read from any node returns it', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(10);
  assert.deepEqual(sim.run('n1', {type: 'write', key: 'a', value: 5}), {type: 'write_ok'});
  assert.deepEqual(sim.run('n3', {type: 'read', key: 'a'}), {type: 'read_ok', value: 5});
  assert.deepEqual(sim.run('n2', {type: 'read', key: 'missing'}), {type: 'read_ok', value: null});
  for (const s of sim.nodes.values()) assert.equal(s.store.get('a')?.kind, 'register');
});

test('the coordinator answers a write as soon as W replicas acked, without waiting for the third', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(10);
  sim.partition(['n1'], ['n3']); // not yet suspected: n3 just does not answer
  const id = sim.request('n1', {type: 'write', key: 'a', value: 1});
  assert.deepEqual(sim.replies.get(id), {type: 'write_ok'});
});

test('with W=3 and one replica silent, the write times out as indefinite (it is stored on two)', () => {
  const sim = new RingSim(['n1', 'n2', 'n3'], {w: 3, r: 1});
  sim.tick(10);
  sim.isolate('n3');
  const body = sim.run('n1', {type: 'write', key: 'a', value: 1});
  assert.equal(body.type === 'error' && body.code, 'timeout');
  assert.equal(body.type === 'error' && body.definite, false);
  assert.deepEqual(sim.run('n2', {type: 'read', key: 'a'}), {type: 'read_ok', value: 1});
});

test('cas is refused with a definite unavailable error: a quorum store cannot do linearizable cas', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  const body = sim.run('n1', {type: 'cas', key: 'a', from: 1, to: 2});
  assert.equal(body.type, 'error');
  assert.equal(body.type === 'error' && body.code, 'unavailable');
  assert.equal(body.type === 'error' && body.definite, true);
});

test('a later write wins, and a read returns the newest version and repairs the stale replica', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(10);
  sim.run('n1', {type: 'write', key: 'a', value: 1});
  sim.tick(1);
  sim.partition(['n3'], ['n1', 'n2']);
  sim.run('n1', {type: 'write', key: 'a', value: 2}); // n3 misses it
  sim.heal();
  assert.equal(sim.nodes.get('n3')!.store.get('a')?.kind === 'register' && (sim.nodes.get('n3')!.store.get('a') as {value: number}).value, 1);
  // R=2 from n3: its own stale 1 and a fresh 2 from a peer; newest wins and n3 is repaired
  assert.deepEqual(sim.run('n3', {type: 'read', key: 'a'}), {type: 'read_ok', value: 2});
  const repaired = sim.nodes.get('n3')!.store.get('a');
  assert.equal(repaired?.kind === 'register' && repaired.value, 2);
  assert.ok(sim.log.some((l) => l.includes('read-repaired key a')));
});

test('set adds merge by union on every replica, and read_set returns the union', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(10);
  for (let e = 1; e <= 5; e++) assert.deepEqual(sim.run(`n${(e % 3) + 1}`, {type: 'add', key: 's', element: e}), {type: 'add_ok'});
  assert.deepEqual(sim.run('n2', {type: 'read_set', key: 's'}), {type: 'read_set_ok', elements: [1, 2, 3, 4, 5]});
  assert.deepEqual(sim.run('n2', {type: 'read_set', key: 'empty'}), {type: 'read_set_ok', elements: []});
});

test('an isolated node is suspected by the others within about a second, and trusted again after heal', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(50);
  assert.equal(sim.nodes.get('n1')!.suspects.size, 0);
  sim.isolate('n3');
  let ticks = 0;
  while (!(sim.nodes.get('n1')!.suspects.has('n3') && sim.nodes.get('n2')!.suspects.has('n3'))) {
    sim.tick();
    ticks++;
    assert.ok(ticks < 100, 'not suspected within 2 s');
  }
  assert.ok(ticks * 20 >= 300, `suspected too early: ${ticks * 20} ms`);
  // gossip carried the suspicion: n1 knows that n2 suspects n3
  sim.tick(10);
  assert.ok(sim.nodes.get('n1')!.suspectedBy.get('n3')?.has('n2'));
  sim.heal();
  sim.tick(20);
  assert.equal(sim.nodes.get('n1')!.suspects.has('n3'), false);
  assert.ok(sim.log.some((l) => l === 'n1 trusts n3 again' || l.startsWith('n1 trusts n3 again')));
});

test('writes for a suspected replica go to the next healthy node with a hint, and are handed off on recovery', () => {
  const sim = new RingSim(FIVE);
  sim.tick(50);
  const {key, pref, spare} = keyAvoiding(sim, 'n1');
  const victim = pref[2];
  sim.isolate(victim);
  sim.tick(100); // everyone suspects it
  assert.deepEqual(sim.run('n1', {type: 'add', key, element: 7}), {type: 'add_ok'});
  const holder = sim.nodes.get(spare)!;
  assert.equal(holder.hints.size, 1, 'the spare holds a hint');
  assert.equal([...holder.hints.values()][0].target, victim);
  assert.equal(holder.store.has(key), false, 'hinted data is kept apart from the spare\'s own');
  assert.equal(sim.nodes.get(victim)!.store.has(key), false);
  sim.heal();
  sim.tick(100);
  const got = sim.nodes.get(victim)!.store.get(key);
  assert.deepEqual(got, {kind: 'set', elements: [7]});
  assert.equal(holder.hints.size, 0, 'the hint is deleted once handed off');
  assert.ok(sim.log.some((l) => l.startsWith(`${spare} handed off 1 hints to ${victim}`)));
});

test('reads during the outage see hinted data through the spare (sloppy quorum)', () => {
  const sim = new RingSim(FIVE);
  sim.tick(50);
  const {key, pref} = keyAvoiding(sim, 'n1');
  sim.isolate(pref[0]);
  sim.isolate(pref[1]);
  sim.tick(100);
  assert.deepEqual(sim.run('n1', {type: 'add', key, element: 1}), {type: 'add_ok'});
  assert.deepEqual(sim.run('n1', {type: 'read_set', key}), {type: 'read_set_ok', elements: [1]});
});

test('anti-entropy repairs a replica that missed a write and got no hint', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(10);
  sim.partition(['n3'], ['n1', 'n2']); // short cut: nobody suspects n3, so no hint is made
  sim.run('n1', {type: 'add', key: 's', element: 1});
  sim.heal();
  assert.equal(sim.nodes.get('n3')!.store.has('s'), false);
  sim.tick(200); // a few anti-entropy rounds (every 50 ticks, round-robin over peers)
  assert.deepEqual(sim.nodes.get('n3')!.store.get('s'), {kind: 'set', elements: [1]});
  assert.ok(sim.log.some((l) => l.startsWith('n3 anti-entropy with')));
});

test('after a partition heals, every replica of every key converges', () => {
  const sim = new RingSim(FIVE);
  sim.tick(50);
  sim.partition(['n1', 'n2'], ['n3', 'n4', 'n5']);
  sim.tick(100);
  let e = 0;
  for (let i = 0; i < 20; i++) {
    sim.run('n1', {type: 'add', key: `s${i % 4}`, element: e++});
    sim.run('n4', {type: 'add', key: `s${i % 4}`, element: e++});
  }
  sim.heal();
  sim.tick(600);
  const ring = sim.nodes.get('n1')!.ring;
  for (let i = 0; i < 4; i++) {
    const key = `s${i}`;
    const views = preferenceList(ring, key, 3).map((n) => JSON.stringify(sim.nodes.get(n)!.store.get(key)));
    assert.equal(new Set(views).size, 1, `${key}: ${views.join(' | ')}`);
    assert.equal(JSON.parse(views[0]).elements.length, 10);
  }
  for (const s of sim.nodes.values()) assert.equal(s.hints.size, 0);
});

test('an acknowledged add survives kill -9 of a replica and its restart from disk', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  sim.tick(10);
  sim.run('n1', {type: 'add', key: 's', element: 9});
  sim.run('n1', {type: 'write', key: 'r', value: 4});
  sim.kill('n2');
  sim.restart('n2');
  assert.deepEqual(sim.nodes.get('n2')!.store.get('s'), {kind: 'set', elements: [9]});
  sim.kill('n1');
  sim.kill('n3');
  sim.tick(5);
  sim.restart('n1');
  sim.restart('n3');
  sim.tick(10);
  assert.deepEqual(sim.run('n3', {type: 'read', key: 'r'}), {type: 'read_ok', value: 4});
});

test('hints are bounded: past maxHints the oldest is dropped and logged', () => {
  const sim = new RingSim(FIVE, {maxHints: 1});
  sim.tick(50);
  sim.isolate('n5');
  sim.tick(100);
  const ring = sim.nodes.get('n1')!.ring;
  let made = 0;
  for (let i = 0; made < 6; i++) {
    const key = `h${i}`;
    if (!preferenceList(ring, key, 3).includes('n5')) continue;
    sim.run('n1', {type: 'add', key, element: i});
    made++;
  }
  for (const s of sim.nodes.values()) assert.ok(s.hints.size <= 1);
  assert.ok(sim.log.some((l) => l.includes('dropped hint')));
});

test('seeded bug no-handoff: hints are acknowledged and forgotten, so the recovered node never gets them', () => {
  const sim = new RingSim(FIVE, {noHandoff: true, antiEntropyTicks: 1_000_000});
  sim.tick(50);
  const {key, pref} = keyAvoiding(sim, 'n1');
  sim.isolate(pref[1]);
  sim.tick(100);
  assert.deepEqual(sim.run('n1', {type: 'add', key, element: 3}), {type: 'add_ok'});
  sim.heal();
  sim.tick(100);
  assert.equal(sim.nodes.get(pref[1])!.store.has(key), false);
});

test('seeded bug stale-wins: the older register value wins the merge', () => {
  const sim = new RingSim(['n1', 'n2', 'n3'], {staleWins: true});
  sim.tick(10);
  sim.run('n1', {type: 'write', key: 'a', value: 1});
  sim.tick(1);
  sim.run('n1', {type: 'write', key: 'a', value: 2});
  assert.deepEqual(sim.run('n2', {type: 'read', key: 'a'}), {type: 'read_ok', value: 1});
});

test('a leave spreads by gossip: every node rebuilds the same ring without the node, and nothing acknowledged is lost', () => {
  const sim = new RingSim(FIVE);
  sim.tick(20);
  for (let e = 0; e < 40; e++) assert.deepEqual(sim.run(FIVE[e % 5], {type: 'add', key: `s${e % 8}`, element: e}), {type: 'add_ok'});
  assert.deepEqual(sim.membership('n3', 'leave'), {type: 'membership_ok', members: ['n1', 'n2', 'n4', 'n5']});
  sim.tick(10); // two heartbeat rounds
  for (const s of sim.nodes.values()) assert.deepEqual(s.ring.nodes, ['n1', 'n2', 'n4', 'n5'], `${s.config.id}'s ring`);
  assert.ok(sim.log.some((l) => l === 'n1 ring now n1 n2 n4 n5 (n3 left, heard from n3)'), sim.log.filter((l) => l.includes('ring')).join('\n'));
  // n3 pushes what it holds to the new home replicas; anti-entropy fills the rest
  sim.tick(400);
  const ring = sim.nodes.get('n1')!.ring;
  for (let k = 0; k < 8; k++) {
    const key = `s${k}`;
    const expected = Array.from({length: 5}, (_, i) => k + 8 * i);
    for (const node of preferenceList(ring, key, 3)) assert.deepEqual(sim.nodes.get(node)!.store.get(key), {kind: 'set', elements: expected}, `${key} on ${node}`);
  }
  // n3 still coordinates, as a client-facing node out of the ring
  assert.deepEqual(sim.run('n3', {type: 'read_set', key: 's0'}), {type: 'read_set_ok', elements: [0, 8, 16, 24, 32]});
});

test('a node that joins again is back in every ring and receives the keys it owns', () => {
  const sim = new RingSim(FIVE);
  sim.tick(20);
  sim.membership('n2', 'leave');
  sim.tick(10);
  for (let e = 0; e < 30; e++) sim.run('n1', {type: 'add', key: `s${e % 6}`, element: e});
  assert.deepEqual(sim.membership('n2', 'join'), {type: 'membership_ok', members: FIVE});
  sim.tick(500);
  for (const s of sim.nodes.values()) assert.deepEqual(s.ring.nodes, FIVE);
  const ring = sim.nodes.get('n1')!.ring;
  const owned = Array.from({length: 6}, (_, k) => `s${k}`).filter((key) => preferenceList(ring, key, 3).includes('n2'));
  assert.ok(owned.length > 0, 'n2 owns some of the keys');
  for (const key of owned) assert.equal((sim.nodes.get('n2')!.store.get(key) as {elements: number[]}).elements.length, 5, key);
});

test('a leave that would leave fewer than N members is refused as a definite error', () => {
  const sim = new RingSim(['n1', 'n2', 'n3']);
  const body = sim.membership('n1', 'leave');
  assert.equal(body.type === 'error' && body.code, 'unavailable');
  assert.equal(body.type === 'error' && body.definite, true);
  assert.deepEqual(sim.nodes.get('n1')!.ring.nodes, ['n1', 'n2', 'n3']);
});

test('a restarted node learns from gossip that it had left the ring', () => {
  const sim = new RingSim(FIVE);
  sim.tick(20);
  sim.membership('n4', 'leave');
  sim.tick(10);
  sim.kill('n4');
  sim.restart('n4');
  assert.deepEqual(sim.nodes.get('n4')!.ring.nodes, FIVE, 'membership is not on disk');
  sim.tick(20);
  assert.deepEqual(sim.nodes.get('n4')!.ring.nodes, ['n1', 'n2', 'n3', 'n5']);
});

test('a config with W > N is rejected', () => {
  assert.throws(() => newRingState({...DEFAULT_RING_CONFIG, id: 'n1', peers: ['n2', 'n3'], w: 4}, 0), RangeError);
});

test('messages addressed to another node are ignored', () => {
  const s = newRingState({...DEFAULT_RING_CONFIG, id: 'n1', peers: ['n2']}, 0);
  const fx = step(s, {type: 'message', nowMs: 1, message: {type: 'get', from: 'n2', to: 'n9', op: 1, key: 'a'}});
  assert.equal(fx.send.length, 0);
});
