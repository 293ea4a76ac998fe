/**
 * `leave` and `join` in the schedule, against an in-memory cluster whose ring membership is a set:
 * leave picks among the nodes in the ring, join among those a leave took out, `for` brings them
 * back, and a refusal is a skip with the node's reason.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Cluster, NodeId} from '../../src/cluster/index.js';
import {RunClock} from '../../src/history/index.js';
import {LinkCutter, runSchedule, type LinkProxies, type NemesisEvent} from '../../src/nemesis/index.js';
import {parsePlan, type PlanStep} from '../../src/plan/index.js';
import {Rng} from '../../src/rng/index.js';

const stepsOf = (...lines: string[]): PlanStep[] =>
  parsePlan(['cluster: {system: hashring, nodes: 5}', 'workload: {duration: 10s, mix: {add: 1}}', 'nemesis:', ...lines, ''].join('\n'), 'p.yaml').nemesis;

/** Five nodes; `leave` and `join` move ids in and out of `out`, refusing to go below three members, as the hash ring does. */
function ringCluster(out: Set<NodeId>, calls: string[]): Cluster {
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
  return {
    ids,
    isRunning: () => true,
    isPaused: () => false,
    leader: async () => null,
    waitForRingWithout: async () => true,
    get leftRing() {
      return [...out].sort();
    },
    membership: async (id: NodeId, action: 'join' | 'leave') => {
      calls.push(`${action} ${id}`);
      if (action === 'leave' && ids.length - out.size - 1 < 3) return `${id} refused leave (unavailable: leaving would leave 2 members, fewer than N=3)`;
      if (action === 'leave') out.add(id);
      else out.delete(id);
      return ids.filter((x) => !out.has(x));
    },
  } as unknown as Cluster;
}

const noProxies: LinkProxies = {setEnabled: async () => {}, addToxic: async () => {}, removeToxic: async () => {}};

async function run(steps: readonly PlanStep[], out: Set<NodeId>, calls: string[]): Promise<NemesisEvent[]> {
  const events: NemesisEvent[] = [];
  const ctx = {cluster: ringCluster(out, calls), links: new LinkCutter(noProxies), proxies: noProxies, clock: new RunClock(), rng: Rng.seeded(4), signal: new AbortController().signal};
  await runSchedule(steps, {...ctx, record: (e) => events.push(e), log: () => {}, onError: (_, e) => assert.fail(e)});
  return events;
}

describe('leave and join in the schedule', () => {
  test('leave with for takes the node out and brings it back; the events name it and the members', async () => {
    const calls: string[] = [];
    const out = new Set<NodeId>();
    const events = await run(stepsOf('  - {fault: leave, target: n2, for: 30ms}'), out, calls);
    assert.deepEqual(calls, ['leave n2', 'join n2']);
    assert.deepEqual(out, new Set());
    assert.deepEqual(
      events.map((e) => [e.type, e.fault, e.nodes, e.description]),
      [
        ['start', 'leave', ['n2'], 'n2 left the ring (members now n1 n3 n4 n5)'],
        ['stop', 'leave', ['n2'], 'n2 joined the ring again (members now n1 n2 n3 n4 n5)'],
      ],
    );
  });

  test('a random leave never picks a node already out; join defaults to every node out; a leave below N members is a skip', async () => {
    const calls: string[] = [];
    const out = new Set<NodeId>();
    const events = await run(
      stepsOf('  - {fault: leave, target: random, at: 0ms}', '  - {fault: leave, target: random, at: 20ms}', '  - {fault: leave, target: random, at: 40ms}', '  - {fault: join, at: 60ms}'),
      out,
      calls,
    );
    const left = calls.filter((c) => c.startsWith('leave')).map((c) => c.slice(6));
    assert.equal(new Set(left).size, 3, `three different nodes asked to leave: ${left.join(' ')}`);
    assert.deepEqual(events.filter((e) => e.type === 'skip').map((e) => e.description), ['leave skipped: ' + `${left[2]} refused leave (unavailable: leaving would leave 2 members, fewer than N=3)`]);
    assert.deepEqual(calls.filter((c) => c.startsWith('join')).sort(), left.slice(0, 2).map((id) => `join ${id}`).sort());
    assert.deepEqual(out, new Set());
  });

  test('join with no node out of the ring is a skip that says so', async () => {
    const events = await run(stepsOf('  - {fault: join}'), new Set(), []);
    assert.deepEqual(events.map((e) => e.description), ['join all skipped: no node is out of the ring']);
  });
});
