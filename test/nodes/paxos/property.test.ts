/**
 * Property tests of the Multi-Paxos core over the hostile in-memory network of sim.ts / chaos.ts.
 *
 * Safety (Lamport, "Paxos Made Simple", §2.1): whatever the network and crashes do, no two
 * different values are ever chosen for one slot, and no two learners apply different values for
 * one slot. fast-check draws the seed and the fault rates; each seed drives a deterministic run.
 * Liveness: with a stable majority connected, every client request sent to the leader is decided.
 * The seeded bugs `no-promise-check` and `acceptor-forgets` break the same property, so the
 * property is strong enough to notice them.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {chaos, type ChaosOptions} from './chaos.js';
import {PaxosSim} from './sim.js';

/** Seeds per safety property run. 3-node and 5-node runs together take about 15 s. */
const SAFETY_RUNS_3 = 2500;
const SAFETY_RUNS_5 = 500;

const scenario = (nodes: number) =>
  fc.record({
    seed: fc.integer({min: 1, max: 2 ** 31 - 1}),
    dropRate: fc.double({min: 0, max: 0.3, noNaN: true}),
    dupRate: fc.double({min: 0, max: 0.2, noNaN: true}),
    maxDelayTicks: fc.integer({min: 0, max: 6}),
    crashRate: fc.double({min: 0, max: 0.05, noNaN: true}),
    partitionRate: fc.double({min: 0, max: 0.05, noNaN: true}),
  }).map(
    (r): [number, ChaosOptions] => [
      r.seed,
      {
        nodes,
        ticks: 200,
        net: {dropRate: r.dropRate, dupRate: r.dupRate, maxDelayTicks: r.maxDelayTicks},
        crashRate: r.crashRate,
        restartRate: 0.1,
        partitionRate: r.partitionRate,
        healRate: 0.05,
        proposeRate: 0.5,
      },
    ],
  );

let seedsCovered = 0;

test(`no two different values are chosen for one slot (3 nodes, ${SAFETY_RUNS_3} seeds)`, () => {
  fc.assert(
    fc.property(scenario(3), ([seed, options]) => {
      seedsCovered += 1;
      const sim = chaos(seed, options);
      assert.deepEqual(sim.violations, []);
    }),
    {numRuns: SAFETY_RUNS_3, seed: 20261130},
  );
});

test(`no two different values are chosen for one slot (5 nodes, ${SAFETY_RUNS_5} seeds)`, () => {
  fc.assert(
    fc.property(scenario(5), ([seed, options]) => {
      seedsCovered += 1;
      const sim = chaos(seed, options);
      assert.deepEqual(sim.violations, []);
    }),
    {numRuns: SAFETY_RUNS_5, seed: 20261201},
  );
  console.log(`# paxos safety: ${seedsCovered} seeds covered`);
});

test('the chaos runs do make progress: leaders change and slots are decided', () => {
  const sim = chaos(42, {nodes: 3, ticks: 200, net: {dropRate: 0.1, dupRate: 0.05, maxDelayTicks: 3}, crashRate: 0.02, restartRate: 0.1, partitionRate: 0.02, healRate: 0.05, proposeRate: 0.5});
  assert.ok(sim.decided.size > 10, `only ${sim.decided.size} slots decided`);
  assert.ok(sim.logLines.filter((l) => l.includes('became leader')).length >= 2);
});

for (const bug of ['noPromiseCheck', 'acceptorForgets'] as const) {
  test(`the safety property catches the seeded bug ${bug}`, () => {
    const failing: number[] = [];
    for (let seed = 1; seed <= 200 && failing.length === 0; seed++) {
      const sim = chaos(seed, {nodes: 3, ticks: 200, net: {dropRate: 0.1, dupRate: 0.05, maxDelayTicks: 3}, crashRate: 0.03, restartRate: 0.1, partitionRate: 0.03, healRate: 0.05, proposeRate: 0.5, config: {[bug]: true}});
      if (sim.violations.length > 0) failing.push(seed);
    }
    assert.ok(failing.length > 0, `no violation in 200 seeds with ${bug}`);
  });
}

test('liveness: with a stable majority connected, every client request is decided', () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 2 ** 31 - 1}), fc.integer({min: 0, max: 4}), (seed, downIndex) => {
      const sim = new PaxosSim(5, {}, {dropRate: 0, dupRate: 0, maxDelayTicks: 2}, seed);
      // Two nodes are lost for good (crashed or cut off); the other three form a stable majority.
      const lost = [sim.ids[downIndex], sim.ids[(downIndex + 2) % 5]];
      sim.crash(lost[0]);
      sim.isolate(lost[1]);
      const majority = sim.ids.filter((id) => !lost.includes(id));
      const leader = sim.electLeader(majority, 2000);
      const ids: number[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(sim.propose(leader, i % 3 === 0 ? {type: 'read', key: 'k'} : {type: 'write', key: 'k', value: i, client: 'c', seq: i}));
        sim.run(1);
      }
      sim.run(50);
      for (const id of ids) {
        const body = sim.replies.get(id);
        assert.ok(body && (body.type === 'read_ok' || body.type === 'write_ok'), `request ${id}: ${JSON.stringify(body)}`);
      }
      assert.deepEqual(sim.leaders(majority), [leader]);
    }),
    {numRuns: 100, seed: 7},
  );
});
