/**
 * The hash-ring benchmark of issue 6, in one run:
 *
 * - load balance: 100,000 keys (`key-0` … `key-99999`) placed on rings of 5 and 20 nodes with
 *   V = 1, 16, 128, 512 virtual nodes each (nodes/hashring/ring.ts); max/mean and min/mean keys per
 *   node, by primary owner (1.00 is perfect balance);
 * - key movement: the fraction of those keys whose primary owner changes, and of those whose
 *   preference list (N = 3, as a set) changes, when one node joins an n-node ring or leaves it,
 *   next to the ideal of a perfect consistent hash: 1/n' of the owners and N/n' of the preference
 *   lists, n' being the node count after a join and before a leave. Mean and max over `--choices`
 *   joins (new ids `new-1`, …) and leaves (`n1`, …). Only the joining or leaving node's keys move,
 *   so the fraction is that node's share: the mean over every node leaving is exactly 1/n, and
 *   the max is what imbalance costs;
 * - failure detection: 5 real hash-ring node processes (`dist/nodes/hashring/node.js`, peers
 *   dialling each other directly, no proxy), warmed up until every φ-accrual detector has a few
 *   seconds of heartbeats; then one node gets SIGKILL and every live node's admin `status` is polled
 *   about every 10 ms until its `suspects` lists the killed node. Reported in ms from the kill to
 *   the first and to the last live node suspecting it (the time at which the status reply arrives:
 *   an upper bound, within one poll), median and max over `--trials` fresh clusters, killing n1, n2, …
 *   in turn; for φ thresholds 4, 8 (the default) and 12.
 *
 * The ring figures are deterministic (MurmurHash3, fixed ids and keys). Detection times are wall
 * clock and include the node's 20 ms tick, so a loaded machine lengthens them; the load average is
 * printed before and after. Every node process is stopped at the end, also on error or Ctrl-C.
 *
 * Run: `npm run bench:ring [-- --trials 5] [-- --choices 5] [-- --thresholds 4,8,12] [-- --warmup-ms 3000]`
 * (the script builds first: the nodes run from dist/).
 */
import {loadavg, cpus} from 'node:os';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {buildRing, ownerOf, preferenceList, DEFAULT_REPLICAS, type Ring} from '../nodes/hashring/ring.js';
import {DEFAULT_PHI_THRESHOLD} from '../nodes/hashring/phi.js';
import {connect, nodeProcesses, waitFor, type Proc} from '../test/nodes/process-helpers.js';

const KEY_COUNT = 100_000;
const VNODES = [1, 16, 128, 512];
const CLUSTER_SIZES = [5, 20];
/** Nodes in each failure-detection cluster. */
const DETECTION_NODES = 5;
/** Pause between two status polls of one node, in ms. */
const POLL_MS = 10;
/** A trial fails if some live node has not suspected the killed one after this long, in ms. */
const DETECTION_TIMEOUT_MS = 10_000;

const {values: opts} = parseArgs({
  options: {
    trials: {type: 'string', default: '5'},
    choices: {type: 'string', default: '5'},
    thresholds: {type: 'string', default: `4,${DEFAULT_PHI_THRESHOLD},12`},
    'warmup-ms': {type: 'string', default: '3000'},
  },
});
const trials = Number(opts.trials);
const choices = Number(opts.choices);
const thresholds = opts.thresholds.split(',').map(Number);
const warmupMs = Number(opts['warmup-ms']);
for (const [flag, ok] of [
  ['--trials', Number.isInteger(trials) && trials >= 1 && trials <= DETECTION_NODES],
  ['--choices', Number.isInteger(choices) && choices >= 1 && choices <= Math.min(...CLUSTER_SIZES)],
  ['--thresholds', thresholds.every((t) => Number.isFinite(t) && t >= 0.5)],
  ['--warmup-ms', Number.isFinite(warmupMs) && warmupMs >= 0],
] as const) {
  if (!ok) {
    console.error(`bench/ring.ts: bad ${flag} (trials 1..${DETECTION_NODES}, choices 1..${Math.min(...CLUSTER_SIZES)}, thresholds ≥ 0.5 comma-separated, warmup-ms ≥ 0)`);
    process.exit(2);
  }
}

const keys = Array.from({length: KEY_COUNT}, (_, i) => `key-${i}`);
const ids = (n: number): string[] => Array.from({length: n}, (_, i) => `n${i + 1}`);
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** One line of right-aligned columns after a left-aligned first one. */
const row = (cells: string[], widths: number[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : c.padStart(widths[i]))).join('  ');
const yieldToEventLoop = (): Promise<void> => new Promise((res) => setImmediate(res));
const machine = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1/5/15 min)`;

/** Primary owner and preference-list set (sorted, joined) of every key on `ring`. */
function placement(ring: Ring): {owners: string[]; prefs: string[]} {
  return {
    owners: keys.map((k) => ownerOf(ring, k)!),
    prefs: keys.map((k) => preferenceList(ring, k, DEFAULT_REPLICAS).sort().join(',')),
  };
}

/** Fractions of keys whose owner, and whose preference-list set, differ between two placements. */
function moved(a: ReturnType<typeof placement>, b: ReturnType<typeof placement>): {owner: number; pref: number} {
  let owner = 0;
  let pref = 0;
  for (let i = 0; i < KEY_COUNT; i++) {
    if (a.owners[i] !== b.owners[i]) owner++;
    if (a.prefs[i] !== b.prefs[i]) pref++;
  }
  return {owner: owner / KEY_COUNT, pref: pref / KEY_COUNT};
}

/** The load-balance and key-movement tables. Yields to the event loop after each row, so that Ctrl-C is handled at once. */
async function ringBench(): Promise<void> {
  console.log(`Load balance: ${KEY_COUNT.toLocaleString('en')} keys (key-0 … key-${KEY_COUNT - 1}), keys per node by primary owner`);
  const bw = [6, 6, 9, 9];
  console.log(row(['nodes', 'V', 'max/mean', 'min/mean'], bw));
  for (const n of CLUSTER_SIZES) {
    for (const v of VNODES) {
      const counts = new Map<string, number>(ids(n).map((id) => [id, 0]));
      const ring = buildRing(ids(n), v);
      for (const k of keys) {
        const owner = ownerOf(ring, k)!;
        counts.set(owner, counts.get(owner)! + 1);
      }
      const mean = KEY_COUNT / n;
      await yieldToEventLoop();
      console.log(row([String(n), String(v), (Math.max(...counts.values()) / mean).toFixed(2), (Math.min(...counts.values()) / mean).toFixed(2)], bw));
    }
  }

  console.log('');
  console.log(`Key movement: fraction of the ${KEY_COUNT.toLocaleString('en')} keys whose primary owner / preference list (N=${DEFAULT_REPLICAS}, as a set) changes`);
  console.log(`when one node joins or leaves, mean and max over ${choices} choices of that node, next to the ideal 1/n' and ${DEFAULT_REPLICAS}/n' (n' = nodes after a join, before a leave).`);
  console.log(`Only the joining or leaving node's keys move, so the mean over every node leaving is 1/n exactly; the max shows the imbalance.`);
  const mw = [6, 6, 6, 8, 8, 8, 8, 8, 8];
  const group = (title: string): string => `-- ${title} `.padEnd(3 * 8 + 2 * 2, '-');
  console.log(`${''.padEnd(6 + 2 + 6 + 2 + 6)}  ${group('owner moved')}  ${group('pref list changed')}`);
  console.log(row(['nodes', 'V', 'event', 'mean', 'max', 'ideal', 'mean', 'max', 'ideal'], mw));
  for (const n of CLUSTER_SIZES) {
    for (const v of VNODES) {
      const base = placement(buildRing(ids(n), v));
      const events: [string, number, string[][]][] = [
        ['join', n + 1, Array.from({length: choices}, (_, i) => [...ids(n), `new-${i + 1}`])],
        ['leave', n, Array.from({length: choices}, (_, i) => ids(n).filter((id) => id !== `n${i + 1}`))],
      ];
      for (const [event, nPrime, memberships] of events) {
        const results = memberships.map((m) => moved(base, placement(buildRing(m, v))));
        const stats = (xs: number[], ideal: number): string[] => [pct(xs.reduce((a, b) => a + b, 0) / xs.length), pct(Math.max(...xs)), pct(ideal)];
        const owner = stats(results.map((r) => r.owner), 1 / nPrime);
        const pref = stats(results.map((r) => r.pref), DEFAULT_REPLICAS / nPrime);
        await yieldToEventLoop();
        console.log(row([String(n), String(v), event, ...owner, ...pref], mw));
      }
    }
  }
}

type StatusReply = {type: string; suspects?: string[]};
const cluster = nodeProcesses('hashring', {compiled: true});

/** Asks every node for its status once; the `suspects` of each, or null for a node that did not answer status_ok. */
async function suspectsOf(nodes: Proc[]): Promise<(string[] | null)[]> {
  return Promise.all(
    nodes.map(async (p) => {
      try {
        const c = await connect<StatusReply>(p.clientPort, (line) => JSON.parse(line) as StatusReply);
        try {
          const r = await c.ask(JSON.stringify({type: 'status', id: 1}));
          return r.type === 'status_ok' ? (r.suspects ?? []) : null;
        } finally {
          c.close();
        }
      } catch {
        return null;
      }
    }),
  );
}

/** Polls `p`'s status every POLL_MS on one connection until its `suspects` include `victim`; ms after `killedAt`. @throws after DETECTION_TIMEOUT_MS. */
async function timeToSuspect(p: Proc, victim: string, killedAt: number): Promise<number> {
  const c = await connect<StatusReply>(p.clientPort, (line) => JSON.parse(line) as StatusReply);
  try {
    for (let id = 1; performance.now() - killedAt < DETECTION_TIMEOUT_MS; id++) {
      const r = await c.ask(JSON.stringify({type: 'status', id}));
      const at = performance.now();
      if (r.suspects?.includes(victim)) return at - killedAt;
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
    throw new Error(`${p.id} did not suspect ${victim} within ${DETECTION_TIMEOUT_MS} ms`);
  } finally {
    c.close();
  }
}

/** One trial: a fresh cluster, warm-up, SIGKILL of `victim`, then the time until the first and every live node suspect it, ms. */
async function detectionTrial(threshold: number, victim: string): Promise<{first: number; all: number}> {
  const nodes = await cluster.startCluster(ids(DETECTION_NODES), ['--phi-threshold', String(threshold)]);
  try {
    const healthy = async (): Promise<boolean> => (await suspectsOf(nodes)).every((s) => s !== null && s.length === 0);
    await waitFor('the nodes never all answered status with no suspects', nodes, healthy);
    await new Promise((res) => setTimeout(res, warmupMs));
    await waitFor('a node still suspects a peer after the warm-up', nodes, healthy);
    const target = nodes.find((p) => p.id === victim)!;
    const live = nodes.filter((p) => p !== target);
    const killedAt = performance.now();
    target.child.kill('SIGKILL');
    const times = await Promise.all(live.map((p) => timeToSuspect(p, victim, killedAt)));
    return {first: Math.min(...times), all: Math.max(...times)};
  } finally {
    await cluster.cleanup();
  }
}

async function detectionBench(): Promise<void> {
  console.log('');
  console.log(`Failure detection: ${DETECTION_NODES} node processes (heartbeat 100 ms, tick 20 ms), ${warmupMs} ms warm-up, SIGKILL of one node,`);
  console.log(`status polled every ${POLL_MS} ms on each live node; ms from the kill; median (max) over ${trials} fresh clusters (killing n1…n${trials})`);
  console.log(`machine: ${cpus().length} CPUs, ${machine()}, Node ${process.version}`);
  const dw = [14, 20, 20];
  console.log(row(['phi threshold', 'first suspects', 'all suspect'], dw));
  for (const threshold of thresholds) {
    const results: {first: number; all: number}[] = [];
    for (let t = 0; t < trials; t++) results.push(await detectionTrial(threshold, `n${t + 1}`));
    const cell = (xs: number[]): string => `${median(xs).toFixed(0)} ms (${Math.max(...xs).toFixed(0)} ms)`;
    const label = threshold === DEFAULT_PHI_THRESHOLD ? `${threshold} (default)` : String(threshold);
    console.log(row([label, cell(results.map((r) => r.first)), cell(results.map((r) => r.all))], dw));
  }
  console.log(`machine after: ${machine()}`);
}

// Ctrl-C or SIGTERM: stop every node before leaving (the nodes also exit when our stdin pipes close).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cluster.cleanup().finally(() => process.exit(130)));
}

try {
  await ringBench();
  await detectionBench();
} catch (e) {
  console.error(`bench/ring.ts: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 3;
} finally {
  await cluster.cleanup();
}
