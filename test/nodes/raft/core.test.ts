/**
 * Rule tests for the pure Raft core, driven by the in-memory cluster in sim.ts.
 * Section numbers refer to Ongaro & Ousterhout 2014.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {newRaftState, restore, step, DEFAULT_RAFT_CONFIG} from '../../../nodes/raft/core.js';
import {Sim} from './sim.js';

const committedLog = (sim: Sim, id: string) => JSON.stringify(sim.node(id).log.slice(0, sim.node(id).commitIndex));

test('a three-node cluster elects exactly one leader and every node learns who it is', () => {
  // §5.2: randomized election timeouts; one leader per term (Election Safety).
  const sim = new Sim(3);
  const leader = sim.electLeader();
  sim.run(100);
  assert.deepEqual(sim.leaders(), [leader]);
  const term = sim.node(leader).currentTerm;
  for (const id of sim.ids) {
    assert.equal(sim.node(id).currentTerm, term);
    assert.equal(sim.node(id).leader, leader);
  }
  assert.ok(sim.logLines.includes(`${leader} became leader at term ${term}`));
});

test('a new leader commits a no-op of its own term', () => {
  // §8: a leader appends a blank entry at the start of its term so that it learns what is committed.
  const sim = new Sim(3);
  const leader = sim.electLeader();
  sim.run(10);
  const s = sim.node(leader);
  assert.equal(s.log[s.log.length - 1].command.type, 'noop');
  assert.equal(s.commitIndex, s.log.length);
  for (const id of sim.ids) assert.equal(sim.node(id).commitIndex, s.log.length);
});

test('a split vote leaves no leader, and randomized timeouts resolve it in a later term', () => {
  // §5.2: two candidates split the votes 2–2 in a four-node cluster (quorum 3).
  const sim = new Sim(4);
  sim.partition(['n1', 'n3'], ['n2', 'n4']);
  sim.tick('n1', DEFAULT_RAFT_CONFIG.electionTicksMax);
  sim.tick('n2', DEFAULT_RAFT_CONFIG.electionTicksMax);
  sim.deliver();
  assert.equal(sim.node('n1').role, 'candidate');
  assert.equal(sim.node('n2').role, 'candidate');
  assert.equal(sim.node('n1').currentTerm, 1);
  assert.equal(sim.node('n2').currentTerm, 1);
  assert.deepEqual([...sim.node('n1').votes].sort(), ['n1', 'n3']);
  assert.deepEqual([...sim.node('n2').votes].sort(), ['n2', 'n4']);
  assert.deepEqual(sim.leaders(), []);

  sim.heal();
  const leader = sim.electLeader();
  assert.ok(sim.node(leader).currentTerm >= 2);
  sim.run(50);
  assert.deepEqual(sim.leaders(), [leader]);
});

test('a follower rejects AppendEntries from an older term and tells the sender the newer term', () => {
  // §5.1: a request with a stale term is rejected; the reply carries currentTerm.
  const sim = new Sim(3);
  sim.electLeader();
  sim.run(5);
  const s = sim.node('n1');
  const effects = sim.inject({type: 'append_entries', from: 'n2', to: 'n1', term: 0, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0});
  assert.equal(effects.send.length, 1);
  const reply = effects.send[0].message;
  assert.equal(reply.type, 'append_entries_reply');
  assert.equal(reply.type === 'append_entries_reply' && reply.success, false);
  assert.equal(reply.term, s.currentTerm);
});

test('a node refuses to vote for a candidate whose log is less up-to-date', () => {
  // §5.4.1: grant only if the candidate's last term is higher, or equal with an index at least as high.
  const sim = new Sim(3, {checkQuorum: false});
  const leader = sim.electLeader();
  sim.propose(leader, {type: 'write', key: 'k', value: 1});
  sim.run(5);
  const [voter, candidate] = sim.ids.filter((id) => id !== leader);
  const term = sim.node(voter).currentTerm + 1;
  const effects = sim.inject({type: 'request_vote', from: candidate, to: voter, term, lastLogIndex: 1, lastLogTerm: 0});
  const reply = effects.send.find((o) => o.message.type === 'request_vote_reply')!.message;
  assert.equal(reply.type === 'request_vote_reply' && reply.granted, false);
  assert.equal(sim.node(voter).votedFor, null);
});

test('a follower with divergent uncommitted entries has them truncated and replaced by the new leader', () => {
  // §5.3: the leader forces followers' logs to duplicate its own; conflicting entries are deleted.
  const sim = new Sim(3);
  const old = sim.electLeader();
  sim.propose(old, {type: 'write', key: 'k', value: 1});
  sim.run(10);
  sim.isolate(old);
  const lost1 = sim.propose(old, {type: 'write', key: 'k', value: 100});
  const lost2 = sim.propose(old, {type: 'write', key: 'k', value: 101});
  const divergentIndex = sim.node(old).log.length - 1;
  const others = sim.ids.filter((id) => id !== old);
  const next = sim.electLeader(others);
  const kept = sim.propose(next, {type: 'write', key: 'k', value: 2});
  sim.run(10);
  assert.deepEqual(sim.replies.get(kept), {type: 'write_ok'});

  // The isolated leader stepped down by CheckQuorum; its pending writes are indefinite, never definite.
  assert.equal(sim.node(old).role === 'leader', false);
  for (const r of [lost1, lost2]) {
    assert.deepEqual(sim.replies.get(r), {
      type: 'error',
      code: 'timeout',
      definite: false,
      text: `${old} lost leadership before the request was applied; it may still commit`,
    });
  }

  sim.heal();
  sim.runUntil(() => sim.ids.every((id) => sim.node(id).commitIndex === sim.node(sim.leaders()[0] ?? 'n1').log.length && sim.leaders().length === 1), 1000);
  sim.run(20);
  const leader = sim.leaders()[0];
  for (const id of sim.ids) {
    assert.deepEqual(sim.node(id).log, sim.node(leader).log, `${id} log equals the leader's`);
    assert.equal(committedLog(sim, id), committedLog(sim, leader));
  }
  assert.ok(sim.logLines.some((l) => l.startsWith(`${old} truncated log from index `)));
  const values = sim.node(old).log.flatMap((e) => (e.command.type === 'write' ? [e.command.value] : []));
  assert.deepEqual(values, [1, 2]);
  assert.ok(divergentIndex > 0);
  assert.equal(sim.node(old).kv.data.get('k'), 2);
});

test('an old-term entry stored on a majority is not committed until an entry of the current term is', () => {
  // §5.4.2 and Figure 8: a leader commits by counting replicas only entries of its current term.
  const sim = new Sim(3);
  // n2 led term 1 and sent entry 1 to n1 only, then vanished before committing it.
  sim.inject({type: 'append_entries', from: 'n2', to: 'n1', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [{index: 1, term: 1, command: {type: 'write', key: 'k', value: 7}}], leaderCommit: 0});
  sim.drop();
  // n1 times out and wins term 2 with n3's vote; it appends its no-op at index 2.
  sim.tick('n1', DEFAULT_RAFT_CONFIG.electionTicksMax);
  sim.drop();
  sim.inject({type: 'request_vote_reply', from: 'n3', to: 'n1', term: 2, granted: true});
  sim.drop();
  const s = sim.node('n1');
  assert.equal(s.role, 'leader');
  assert.deepEqual(s.log.map((e) => e.term), [1, 2]);

  // n3 acknowledges entry 1 only: entry 1 (term 1) is now on n1 and n3, a majority.
  sim.inject({type: 'append_entries_reply', from: 'n3', to: 'n1', term: 2, success: true, matchIndex: 1, conflictIndex: 0});
  sim.drop();
  assert.equal(s.commitIndex, 0, 'the term-1 entry is not committed by counting replicas');
  assert.deepEqual(sim.applied.get('n1'), []);

  // Once the current-term no-op is on a majority, both entries commit (Log Matching, §5.3).
  sim.inject({type: 'append_entries_reply', from: 'n3', to: 'n1', term: 2, success: true, matchIndex: 2, conflictIndex: 0});
  assert.equal(s.commitIndex, 2);
  assert.deepEqual(sim.applied.get('n1')!.map((e) => e.index), [1, 2]);
  assert.equal(s.kv.data.get('k'), 7);
});

test('a vote is persisted before the reply leaves, and survives a restart', () => {
  // Figure 2: currentTerm and votedFor are updated on stable storage before responding to RPCs.
  const sim = new Sim(3);
  const effects = sim.inject({type: 'request_vote', from: 'n2', to: 'n1', term: 5, lastLogIndex: 0, lastLogTerm: 0});
  assert.deepEqual(effects.persist.at(-1), {type: 'hard', term: 5, votedFor: 'n2'});
  assert.equal(effects.send[0].message.type === 'request_vote_reply' && effects.send[0].message.granted, true);

  sim.crash('n1');
  sim.restart('n1');
  const s = sim.node('n1');
  assert.equal(s.currentTerm, 5);
  assert.equal(s.votedFor, 'n2');

  // §5.2: at most one vote per term, even across a restart.
  const again = sim.inject({type: 'request_vote', from: 'n3', to: 'n1', term: 5, lastLogIndex: 9, lastLogTerm: 4});
  const reply = again.send[0].message;
  assert.equal(reply.type === 'request_vote_reply' && reply.granted, false);
  assert.equal(sim.node('n1').votedFor, 'n2');
});

test('a crashed follower restarts with its term, vote and log and catches up its state machine', () => {
  const sim = new Sim(3);
  const leader = sim.electLeader();
  for (let v = 1; v <= 5; v++) sim.propose(leader, {type: 'write', key: 'k', value: v});
  sim.run(10);
  const follower = sim.ids.find((id) => id !== leader)!;
  const before = sim.node(follower);
  const saved = {term: before.currentTerm, votedFor: before.votedFor, log: JSON.stringify(before.log)};
  sim.crash(follower);
  sim.propose(leader, {type: 'write', key: 'k', value: 6});
  sim.run(5);
  sim.restart(follower);
  const after = sim.node(follower);
  assert.equal(after.currentTerm, saved.term);
  assert.equal(after.votedFor, saved.votedFor);
  assert.equal(JSON.stringify(after.log), saved.log);
  assert.equal(after.commitIndex, 0, 'commitIndex is volatile');
  sim.run(20);
  assert.equal(sim.node(follower).kv.data.get('k'), 6);
  assert.equal(sim.node(follower).commitIndex, sim.node(leader).commitIndex);
});

test('restore replays truncate records so that overwritten entries stay gone', () => {
  const hard = restore([
    {type: 'hard', term: 2, votedFor: 'n1'},
    {type: 'entry', entry: {index: 1, term: 1, command: {type: 'noop'}}},
    {type: 'entry', entry: {index: 2, term: 1, command: {type: 'write', key: 'a', value: 1}}},
    {type: 'truncate', fromIndex: 2},
    {type: 'entry', entry: {index: 2, term: 2, command: {type: 'write', key: 'a', value: 2}}},
  ]);
  assert.equal(hard.term, 2);
  assert.deepEqual(hard.log.map((e) => e.term), [1, 2]);
});

test('a retried write with the same client and seq is applied once', () => {
  // §8: the state machine tracks the latest serial number per client and does not re-execute.
  const sim = new Sim(3);
  const leader = sim.electLeader();
  const a = sim.propose(leader, {type: 'write', key: 'k', value: 1, client: 'c1', seq: 1});
  const b = sim.propose(leader, {type: 'write', key: 'k', value: 2, client: 'c1', seq: 2});
  const retry = sim.propose(leader, {type: 'write', key: 'k', value: 1, client: 'c1', seq: 1});
  const cas = sim.propose(leader, {type: 'cas', key: 'k', from: 2, to: 3, client: 'c2', seq: 1});
  const casRetry = sim.propose(leader, {type: 'cas', key: 'k', from: 2, to: 3, client: 'c2', seq: 1});
  const read = sim.propose(leader, {type: 'read', key: 'k'});
  sim.run(10);
  for (const r of [a, b, retry]) assert.deepEqual(sim.replies.get(r), {type: 'write_ok'});
  assert.deepEqual(sim.replies.get(cas), {type: 'cas_ok'});
  assert.deepEqual(sim.replies.get(casRetry), {type: 'cas_ok'}, 'the cached result, not a mismatch');
  assert.deepEqual(sim.replies.get(read), {type: 'read_ok', value: 3});
  for (const id of sim.ids) assert.equal(sim.node(id).kv.data.get('k'), 3);
});

test('a cas whose from does not match is answered cas_mismatch, definite, when applied', () => {
  const sim = new Sim(3);
  const leader = sim.electLeader();
  const r = sim.propose(leader, {type: 'cas', key: 'k', from: 1, to: 2});
  assert.equal(sim.replies.has(r), false, 'decided at apply time, not at propose time');
  sim.run(5);
  const reply = sim.replies.get(r);
  assert.equal(reply?.type === 'error' && reply.code, 'cas_mismatch');
  assert.equal(reply?.type === 'error' && reply.definite, true);
});

test('followers answer client requests with not_leader, naming the leader', () => {
  const sim = new Sim(3);
  const leader = sim.electLeader();
  sim.run(5);
  const follower = sim.ids.find((id) => id !== leader)!;
  const r = sim.propose(follower, {type: 'write', key: 'k', value: 1});
  assert.deepEqual(sim.replies.get(r), {type: 'error', code: 'not_leader', definite: true, text: `${follower} is not the leader`, leader});
});

/** Isolates the leader after k=1 is committed, elects a new one elsewhere and writes k=2 there. */
function staleReadScenario(staleRead: boolean): {sim: Sim; old: string; read: number} {
  const sim = new Sim(3, {staleRead});
  const old = sim.electLeader();
  sim.propose(old, {type: 'write', key: 'k', value: 1});
  sim.run(10);
  sim.isolate(old);
  const others = sim.ids.filter((id) => id !== old);
  const next = sim.electLeader(others);
  const w = sim.propose(next, {type: 'write', key: 'k', value: 2});
  sim.run(10);
  assert.deepEqual(sim.replies.get(w), {type: 'write_ok'});
  const read = sim.propose(old, {type: 'read', key: 'k'});
  sim.run(DEFAULT_RAFT_CONFIG.requestTimeoutTicks + 10);
  return {sim, old, read};
}

test('stale-read is off by default: a deposed leader never answers a read from stale state', () => {
  // §8: read-only operations must not return stale data; here reads go through the log.
  const {sim, read} = staleReadScenario(false);
  const reply = sim.replies.get(read);
  assert.ok(reply !== undefined);
  assert.notEqual(reply.type, 'read_ok');
});

test('with the stale-read bug an isolated old leader serves a stale read', () => {
  const {sim, old, read} = staleReadScenario(true);
  assert.equal(sim.node(old).role, 'leader', 'CheckQuorum is skipped so the old leader keeps believing');
  assert.deepEqual(sim.replies.get(read), {type: 'read_ok', value: 1});
});

test('an isolated leader answers its pending requests timeout (indefinite) after the request timeout', () => {
  const sim = new Sim(3, {checkQuorum: false});
  const leader = sim.electLeader();
  sim.isolate(leader);
  const r = sim.propose(leader, {type: 'write', key: 'k', value: 1});
  sim.run(DEFAULT_RAFT_CONFIG.requestTimeoutTicks + 1);
  const reply = sim.replies.get(r);
  assert.equal(reply?.type === 'error' && reply.code, 'timeout');
  assert.equal(reply?.type === 'error' && reply.definite, false);
});

test('the same seed and inputs give the same election', () => {
  const run = () => {
    const sim = new Sim(5);
    const leader = sim.electLeader();
    return {leader, term: sim.node(leader).currentTerm, lines: sim.logLines.join('\n')};
  };
  assert.deepEqual(run(), run());
});

test('a single-node cluster elects itself and commits alone', () => {
  const s = newRaftState({...DEFAULT_RAFT_CONFIG, id: 'n1', peers: []}, 1);
  for (let i = 0; i < DEFAULT_RAFT_CONFIG.electionTicksMax; i++) step(s, {type: 'tick'});
  assert.equal(s.role, 'leader');
  const {effects} = step(s, {type: 'propose', requestId: 1, command: {type: 'write', key: 'x', value: 3}});
  assert.deepEqual(effects.replies, [{requestId: 1, body: {type: 'write_ok'}}]);
});

test('a follower that recently heard from its leader ignores RequestVote from a higher term', () => {
  // §6 (disruptive servers): RequestVote is disregarded within the minimum election timeout of
  // hearing from a current leader, so a node that cannot hear the leader does not depose it.
  const sim = new Sim(3);
  const leader = sim.electLeader();
  sim.run(3);
  const [follower, other] = sim.ids.filter((id) => id !== leader);
  const term = sim.node(follower).currentTerm;
  const effects = sim.inject({type: 'request_vote', from: other, to: follower, term: term + 5, lastLogIndex: 99, lastLogTerm: 99});
  assert.deepEqual(effects.send, []);
  assert.equal(sim.node(follower).currentTerm, term);
  assert.equal(sim.node(follower).leader, leader);
});

test('a one-way cut from the leader to one follower does not depose the leader', () => {
  // The cut follower keeps campaigning, but the others are in the §6 lease and ignore it.
  const sim = new Sim(3);
  const leader = sim.electLeader();
  const [cutOff] = sim.ids.filter((id) => id !== leader);
  sim.cutLink(leader, cutOff);
  sim.run(300);
  assert.deepEqual(sim.leaders(), [leader]);
  const r = sim.propose(leader, {type: 'write', key: 'k', value: 1});
  sim.run(5);
  assert.deepEqual(sim.replies.get(r), {type: 'write_ok'});
});
