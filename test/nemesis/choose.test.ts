import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Cluster, NodeId} from '../../src/cluster/index.js';
import {RunClock} from '../../src/history/index.js';
import {chosenStep, drawChoice} from '../../src/nemesis/choose.js';
import {LinkCutter, pinnedFromEvents, runSchedule, type LinkProxies, type NemesisEvent, type PinnedOccurrence} from '../../src/nemesis/index.js';
import {parsePlan, type ChooseStep, type PlanStep} from '../../src/plan/index.js';
import {Rng} from '../../src/rng/index.js';

/** The nemesis steps of a plan given as YAML lines. */
const stepsOf = (...lines: string[]): PlanStep[] => parsePlan(['workload: {duration: 10s}', 'nemesis:', ...lines, ''].join('\n'), 'p.yaml').nemesis;

/** A three-node cluster in memory: n1 leads, kill/stop/pause only mark nodes. */
function fakeCluster(): Cluster {
  const down = new Set<NodeId>();
  const paused = new Set<NodeId>();
  return {
    ids: ['n1', 'n2', 'n3'],
    isRunning: (id: NodeId) => !down.has(id),
    isPaused: (id: NodeId) => paused.has(id),
    leader: async () => 'n1',
    kill: async (id: NodeId) => void down.add(id),
    stop: async (id: NodeId) => void down.add(id),
    start: (id: NodeId) => void down.delete(id),
    pause: (id: NodeId) => void paused.add(id),
    resume: (id: NodeId) => void paused.delete(id),
  } as unknown as Cluster;
}

const noProxies: LinkProxies = {setEnabled: async () => {}, addToxic: async () => {}, removeToxic: async () => {}};

/** Runs the schedule against the fake cluster; returns its nemesis events. */
async function run(steps: readonly PlanStep[], seed: number, pinned?: ReadonlyMap<string, PinnedOccurrence>): Promise<NemesisEvent[]> {
  const events: NemesisEvent[] = [];
  const errors: Error[] = [];
  const ctx = {cluster: fakeCluster(), links: new LinkCutter(noProxies), proxies: noProxies, clock: new RunClock(), rng: Rng.seeded(seed), signal: new AbortController().signal};
  await runSchedule(steps, {...ctx, record: (e) => events.push(e), log: () => {}, onError: (_, e) => errors.push(e), pinned});
  assert.deepEqual(errors, []);
  return events;
}

/** The alternatives drawn by step 0, in occurrence order, from its start events. */
const choices = (events: NemesisEvent[]) => events.filter((e) => e.step === 0 && e.type === 'start').map((e) => e.choice);

// Ten occurrences 100 ms apart: kill n2 (weight 3) or isolate n2 (weight 1); then a pause of
// whatever the choose step acted on last.
const CHAOS = stepsOf(
  '  - name: chaos',
  '    every: 100ms',
  '    repeat: 10',
  '    for: 20ms',
  '    choose:',
  '      - {weight: 3, fault: kill, target: n2}',
  '      - {weight: 1, fault: partition, shape: isolate, target: n2}',
  '  - {fault: pause, same-as: chaos, after: chaos, for: 20ms}',
);

describe('choose steps in the schedule', () => {
  test('draws follow the weights: 6:3:1 over 20,000 draws of a fixed seed land within 1.5 points of 60/30/10 %', () => {
    const [step] = stepsOf('  - for: 1s', '    choose:', '      - {weight: 6, fault: kill}', '      - {weight: 3, fault: pause}', '      - {fault: stop}') as [ChooseStep];
    const rng = Rng.seeded(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[drawChoice(step, rng)]++;
    const shares = counts.map((c) => (c / 20_000) * 100);
    [60, 30, 10].forEach((expected, i) => assert.ok(Math.abs(shares[i] - expected) < 1.5, `alternative ${i}: ${shares[i].toFixed(2)} %, expected ${expected} %`));
  });

  test('an occurrence runs the alternative with the step\'s schedule, name and for', () => {
    const [step] = CHAOS as [ChooseStep];
    assert.deepEqual(chosenStep(step, 1), {fault: 'partition', shape: 'isolate', mode: 'drop', target: 'n2', name: 'chaos', at: 0, every: 100, repeat: 10, for: 20, 'wait-timeout': 10_000});
    assert.throws(() => chosenStep(step, 2), /choice 2 is not one of the 2 alternatives/);
  });

  test('each occurrence draws from the seed: the same seed gives the same faults, events record the choice, same-as follows it', async () => {
    const first = await run(CHAOS, 7);
    const again = await run(CHAOS, 7);
    const drawn = choices(first);
    assert.equal(drawn.length, 10);
    assert.deepEqual(choices(again), drawn);
    assert.ok(drawn.includes(0) && drawn.includes(1), `both alternatives drawn in ${drawn.join(' ')}`);
    for (const e of first.filter((e) => e.step === 0 && e.type === 'start')) {
      assert.equal(e.fault, e.choice === 0 ? 'kill' : 'partition');
      assert.deepEqual(e.nodes, ['n2']);
    }
    assert.notDeepEqual(choices(await run(CHAOS, 8)), drawn);
    const pause = first.find((e) => e.step === 1 && e.type === 'start');
    assert.deepEqual(pause?.nodes, ['n2']);
  });

  test('replay pins the realized choices: another seed with the recorded events draws the same faults', async () => {
    const recorded = await run(CHAOS, 7);
    const replayed = await run(CHAOS, 8, pinnedFromEvents(recorded));
    assert.deepEqual(choices(replayed), choices(recorded));
    assert.deepEqual(
      replayed.filter((e) => e.step === 0).map((e) => `${e.type} ${e.description}`),
      recorded.filter((e) => e.step === 0).map((e) => `${e.type} ${e.description}`),
    );
  });
});
