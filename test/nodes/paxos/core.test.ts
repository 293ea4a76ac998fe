/**
 * Rule tests for the pure Multi-Paxos core, driven by the in-memory cluster in sim.ts.
 * "PMS" is Lamport, "Paxos Made Simple" (2001); "PMMC" is van Renesse & Altinbuken, "Paxos Made
 * Moderately Complex" (2015).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {compareBallots, formatBallot} from '../../../nodes/paxos/ballot.js';
import {restore} from '../../../nodes/paxos/core.js';
import type {Accept, Prepare, PromiseMsg} from '../../../nodes/paxos/messages.js';
import {PaxosSim} from './sim.js';

const noop = (origin: string) => ({origin, command: {type: 'noop' as const}});
const write = (origin: string, key: string, value: number) => ({origin, command: {type: 'write' as const, key, value}});

test('ballots are ordered by round, then by node id', () => {
  // PMS §2.2: proposals are numbered from a totally ordered set, distinct per proposer.
  assert.ok(compareBallots({round: 2, node: 'n1'}, {round: 1, node: 'n9'}) > 0);
  assert.ok(compareBallots({round: 2, node: 'n1'}, {round: 2, node: 'n2'}) < 0);
  assert.equal(compareBallots({round: 3, node: 'n2'}, {round: 3, node: 'n2'}), 0);
  assert.equal(formatBallot({round: 3, node: 'n2'}), '3.n2');
});

test('a three-node cluster elects one leader, logged in Paxos terms, and every node follows it', () => {
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.run(50);
  assert.deepEqual(sim.leaders(), [leader]);
  const ballot = formatBallot(sim.node(leader).ballot);
  assert.ok(sim.logLines.some((l) => l.startsWith(`${leader} became leader with ballot ${ballot}`)), sim.logLines.join('\n'));
  for (const id of sim.ids) assert.equal(sim.node(id).leader, leader);
});

test('an acceptor promises a higher ballot, persisting the promise before the reply leaves', () => {
  // PMS §2.2 phase 1(b), and §2.4: an acceptor must remember its promise across restarts.
  const sim = new PaxosSim(3);
  const m: Prepare = {type: 'prepare', from: 'n2', to: 'n1', ballot: {round: 5, node: 'n2'}, fromSlot: 1};
  const e = sim.inject(m);
  assert.deepEqual(e.persist, [{type: 'promise', ballot: {round: 5, node: 'n2'}}]);
  assert.equal(e.send.length, 1);
  assert.equal(e.send[0].message.type, 'promise');
  assert.deepEqual(sim.node('n1').promised, {round: 5, node: 'n2'});
});

test('an acceptor refuses a prepare below its promise and names the promised ballot', () => {
  // PMS §2.2 phase 1(b): respond only to a prepare numbered above any already responded to.
  const sim = new PaxosSim(3);
  sim.inject({type: 'prepare', from: 'n2', to: 'n1', ballot: {round: 5, node: 'n2'}, fromSlot: 1});
  const e = sim.inject({type: 'prepare', from: 'n3', to: 'n1', ballot: {round: 4, node: 'n3'}, fromSlot: 1});
  assert.deepEqual(e.persist, []);
  assert.deepEqual(e.send.map((o) => o.message), [{type: 'nack', from: 'n1', to: 'n3', ballot: {round: 4, node: 'n3'}, promised: {round: 5, node: 'n2'}}]);
});

test('a promise reports the highest-ballot value accepted at every slot from the asked one', () => {
  // PMS §2.2 phase 1(b): "the proposal with the highest number less than n that it has accepted".
  const sim = new PaxosSim(3);
  const accept: Accept = {type: 'accept', from: 'n2', to: 'n1', ballot: {round: 1, node: 'n2'}, entries: [{slot: 1, value: write('1.n2', 'k', 1)}, {slot: 2, value: write('1.n2', 'k', 2)}], applied: 0};
  sim.inject(accept);
  const e = sim.inject({type: 'prepare', from: 'n3', to: 'n1', ballot: {round: 2, node: 'n3'}, fromSlot: 2});
  const promise = e.send[0].message as PromiseMsg;
  assert.equal(promise.type, 'promise');
  assert.deepEqual(promise.accepted, [{slot: 2, ballot: {round: 1, node: 'n2'}, value: write('1.n2', 'k', 2)}]);
});

test('an acceptor refuses an accept below its promise, and accepts at or above it', () => {
  // PMS §2.2 phase 2(b): accept unless it has promised a higher number.
  const sim = new PaxosSim(3);
  sim.inject({type: 'prepare', from: 'n2', to: 'n1', ballot: {round: 5, node: 'n2'}, fromSlot: 1});
  const low = sim.inject({type: 'accept', from: 'n3', to: 'n1', ballot: {round: 4, node: 'n3'}, entries: [{slot: 1, value: noop('4.n3')}], applied: 0});
  assert.equal(low.send[0].message.type, 'nack');
  assert.equal(sim.node('n1').accepted.size, 0);
  const ok = sim.inject({type: 'accept', from: 'n2', to: 'n1', ballot: {round: 5, node: 'n2'}, entries: [{slot: 1, value: noop('5.n2')}], applied: 0});
  assert.deepEqual(ok.persist, [{type: 'accept', slot: 1, ballot: {round: 5, node: 'n2'}, value: noop('5.n2')}]);
  assert.equal(ok.send[0].message.type, 'accepted');
});

test('with the no-promise-check bug an acceptor accepts below its promise', () => {
  const sim = new PaxosSim(3, {noPromiseCheck: true});
  sim.inject({type: 'prepare', from: 'n2', to: 'n1', ballot: {round: 5, node: 'n2'}, fromSlot: 1});
  const low = sim.inject({type: 'accept', from: 'n3', to: 'n1', ballot: {round: 4, node: 'n3'}, entries: [{slot: 1, value: noop('4.n3')}], applied: 0});
  assert.equal(low.send[0].message.type, 'accepted');
  assert.deepEqual(sim.node('n1').accepted.get(1)?.ballot, {round: 4, node: 'n3'});
});

test('a new leader re-proposes the highest-ballot accepted value per slot and fills gaps with no-ops', () => {
  // PMS §2.2 phase 2(a) (the value of the highest-numbered proposal among the responses) and §3
  // (gaps in the sequence are filled with no-op commands).
  const sim = new PaxosSim(3);
  // n2 accepted slot 1 at 1.n2 and slot 3 at 2.n3; n3 accepted slot 1 at 2.n3 with another value.
  sim.inject({type: 'accept', from: 'n3', to: 'n2', ballot: {round: 1, node: 'n2'}, entries: [{slot: 1, value: write('1.n2', 'k', 1)}], applied: 0});
  sim.inject({type: 'accept', from: 'n3', to: 'n2', ballot: {round: 2, node: 'n3'}, entries: [{slot: 3, value: write('2.n3', 'k', 3)}], applied: 0});
  sim.inject({type: 'accept', from: 'n2', to: 'n3', ballot: {round: 2, node: 'n3'}, entries: [{slot: 1, value: write('2.n3', 'k', 9)}], applied: 0});
  sim.drop();
  sim.isolate('n1');
  sim.tick('n2', 100); // n2 takes over; n3 follows
  sim.deliver();
  sim.run(5);
  assert.equal(sim.node('n2').role, 'leader');
  assert.deepEqual(
    sim.applied.get('n2')!.map((a) => [a.slot, a.value]),
    [
      [1, write('2.n3', 'k', 9)],
      [2, noop(formatBallot(sim.node('n2').ballot))],
      [3, write('2.n3', 'k', 3)],
      [4, noop(formatBallot(sim.node('n2').ballot))],
    ],
  );
});

test('a stable leader skips phase 1: a client request costs one accept round', () => {
  // PMS §3: once elected, the leader runs only phase 2 for new instances.
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.run(5);
  const before = sim.logLines.length;
  const id = sim.propose(leader, {type: 'write', key: 'k', value: 7});
  sim.deliver();
  assert.deepEqual(sim.replies.get(id), {type: 'write_ok'});
  assert.equal(sim.logLines.length, before, 'no role change');
  assert.ok(!sim.logLines.slice(before).some((l) => l.includes('candidate')));
});

test('reads go through a slot and see the latest write', () => {
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.propose(leader, {type: 'write', key: 'k', value: 1});
  sim.propose(leader, {type: 'cas', key: 'k', from: 1, to: 2});
  const r = sim.propose(leader, {type: 'read', key: 'k'});
  const bad = sim.propose(leader, {type: 'cas', key: 'k', from: 1, to: 3});
  sim.deliver();
  assert.deepEqual(sim.replies.get(r), {type: 'read_ok', value: 2});
  assert.deepEqual(sim.replies.get(bad), {type: 'error', code: 'cas_mismatch', definite: true, text: 'current value is 2'});
});

test('a follower answers not_leader with a hint naming the leader', () => {
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.run(3);
  const follower = sim.ids.find((id) => id !== leader)!;
  const id = sim.propose(follower, {type: 'read', key: 'k'});
  const body = sim.replies.get(id);
  assert.equal(body?.type, 'error');
  assert.equal(body?.type === 'error' && body.code, 'not_leader');
  assert.equal(body?.type === 'error' && body.definite, true);
  assert.equal(body?.type === 'error' && body.leader, leader);
});

test('a leader that sees a higher ballot steps down and answers its pending requests timeout, indefinite', () => {
  // PMMC §3: a preempted leader stops; its proposals may still be chosen by the next leader.
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.run(3);
  sim.isolate(leader);
  const id = sim.propose(leader, {type: 'write', key: 'k', value: 1});
  const other = sim.ids.find((x) => x !== leader)!;
  const round = sim.node(leader).ballot.round + 1;
  sim.inject({type: 'prepare', from: other, to: leader, ballot: {round, node: other}, fromSlot: 1});
  assert.equal(sim.node(leader).role, 'follower');
  const body = sim.replies.get(id);
  assert.equal(body?.type === 'error' && body.code, 'timeout');
  assert.equal(body?.type === 'error' && body.definite, false);
  assert.ok(sim.logLines.some((l) => l.includes(`${leader} became follower`) && l.includes('preempted')));
});

test('a leader that stops hearing from a majority steps down', () => {
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.isolate(leader);
  sim.tick(leader, 2 * sim.node(leader).config.quorumCheckTicks + 1);
  assert.equal(sim.node(leader).role, 'follower');
  assert.ok(sim.logLines.some((l) => l.startsWith(`${leader} became follower (leader unknown): heard from 1 of 3 nodes`)));
});

test('after a partition the majority side takes over with a higher ballot and keeps every decided write', () => {
  const sim = new PaxosSim(5);
  const leader = sim.electLeader();
  const w = sim.propose(leader, {type: 'write', key: 'k', value: 1});
  sim.run(3);
  assert.deepEqual(sim.replies.get(w), {type: 'write_ok'});
  const minority = [leader, sim.ids.find((x) => x !== leader)!];
  const majority = sim.ids.filter((x) => !minority.includes(x));
  sim.partition(minority, majority);
  const next = sim.electLeader(majority);
  assert.ok(compareBallots(sim.node(next).ballot, sim.node(leader).ballot) > 0);
  const r = sim.propose(next, {type: 'read', key: 'k'});
  sim.run(3);
  assert.deepEqual(sim.replies.get(r), {type: 'read_ok', value: 1});
  sim.heal();
  sim.run(100);
  assert.deepEqual(sim.leaders(), [next]);
  assert.deepEqual(sim.violations, []);
});

test('an acceptor restarted after a crash recovers its promise and accepted values from disk', () => {
  // PMS §2.4: "an acceptor must remember this information even if it fails and then restarts".
  const sim = new PaxosSim(3);
  const leader = sim.electLeader();
  sim.propose(leader, {type: 'write', key: 'k', value: 3});
  sim.run(2);
  const follower = sim.ids.find((x) => x !== leader)!;
  const promised = sim.node(follower).promised;
  const accepted = [...sim.node(follower).accepted];
  sim.crash(follower);
  sim.restart(follower);
  assert.deepEqual(sim.node(follower).promised, promised);
  assert.deepEqual([...sim.node(follower).accepted], accepted);
  assert.ok(accepted.length >= 2);
});

test('with the acceptor-forgets bug a restarted acceptor has promised and accepted nothing', () => {
  const sim = new PaxosSim(3, {acceptorForgets: true});
  const leader = sim.electLeader();
  sim.propose(leader, {type: 'write', key: 'k', value: 3});
  sim.run(2);
  const follower = sim.ids.find((x) => x !== leader)!;
  sim.crash(follower);
  sim.restart(follower);
  assert.equal(sim.node(follower).promised.round, 0);
  assert.equal(sim.node(follower).accepted.size, 0);
  assert.deepEqual(sim.disks.get(follower), []);
});

test('the log is bounded: a snapshot truncates decided slots and a lagging node catches up from it', () => {
  const sim = new PaxosSim(3, {snapshotEverySlots: 10});
  const leader = sim.electLeader();
  const lagging = sim.ids.find((x) => x !== leader)!;
  sim.crash(lagging);
  for (let i = 1; i <= 35; i++) {
    sim.propose(leader, {type: 'write', key: `k${i % 3}`, value: i, client: 'c', seq: i});
    sim.run(1);
  }
  const s = sim.node(leader);
  assert.ok(s.snapshot.through >= 30, `snapshot through ${s.snapshot.through}`);
  assert.ok([...s.accepted.keys()].every((slot) => slot > s.snapshot.through));
  assert.ok([...s.decided.keys()].every((slot) => slot > s.snapshot.through));
  assert.ok(sim.disks.get(leader)!.length < 15, 'the file was compacted');
  assert.deepEqual(restore(sim.disks.get(leader)!).snapshot, s.snapshot);
  sim.restart(lagging);
  sim.run(20);
  assert.ok(sim.logLines.some((l) => l.startsWith(`${lagging} installed a snapshot through slot`)));
  assert.equal(sim.node(lagging).applied, s.applied);
  assert.deepEqual([...sim.node(lagging).kv.data].sort(), [...s.kv.data].sort());
  assert.deepEqual(sim.violations, []);
});

test('a retried write is applied once; with the no-dedup bug it is applied twice', () => {
  // Client sessions (Raft §8; PMMC's replica skips a command already performed in an earlier slot).
  for (const noDedup of [false, true]) {
    const sim = new PaxosSim(3, {noDedup});
    const leader = sim.electLeader();
    const cmd = {type: 'write' as const, key: 'k', value: 5, client: 'p1', seq: 1};
    sim.propose(leader, cmd);
    sim.propose(leader, {type: 'write', key: 'k', value: 6, client: 'p2', seq: 1});
    sim.run(2);
    const peer = sim.ids.find((x) => x !== leader)!;
    sim.inject({type: 'forward', from: peer, to: leader, command: cmd});
    sim.run(2);
    assert.equal(sim.node(leader).kv.data.get('k'), noDedup ? 5 : 6, `noDedup=${noDedup}`);
  }
});

test('a deposed leader forwards its unfinished writes to the new leader after resubmitTicks', () => {
  const sim = new PaxosSim(3, {resubmitTicks: 5});
  const old = sim.electLeader();
  sim.run(3);
  sim.isolate(old);
  sim.propose(old, {type: 'write', key: 'k', value: 9, client: 'p1', seq: 1});
  const rest = sim.ids.filter((x) => x !== old);
  const next = sim.electLeader(rest);
  sim.heal();
  sim.runUntil(() => sim.node(next).kv.data.get('k') === 9, 200);
  assert.deepEqual(sim.violations, []);
});
