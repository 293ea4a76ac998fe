import type {Cluster} from '../cluster/cluster.js';
import {clientProxyName, peerLinks, peerProxyName, type DirectedLink, type NodeId} from '../cluster/topology.js';
import {sleep, type RunClock} from '../history/clock.js';
import type {ClockStep, LinkStep, MembershipStep, NemesisStep, PartitionStep, PlanStep, ProcessStep} from '../plan/nemesis-schema.js';
import type {Rng} from '../rng/index.js';
import {chosenStep, drawChoice} from './choose.js';
import type {NemesisEvent} from './events.js';
import type {LinkCutter, LinkProxies} from './links.js';
import {bridge, cutLinks, describeComponents, halves, isolate, majoritiesRing, oneWay, randomHalves, type Components} from './shapes.js';
import {needsLeader, resolveTarget, type ClusterView} from './targets.js';

/** Poll interval of `wait-for`, ms. */
const WAIT_POLL_MS = 100;

/** What a previous run's nemesis.jsonl says an occurrence acted on; replay reuses it instead of choosing again. */
export interface PinnedOccurrence {
  nodes?: NodeId[];
  components?: NodeId[][];
  cut?: string[];
  /** Link faults: the proxies that got the toxic. */
  proxies?: string[];
  /** The start event's description, reused so that the replay reads like the original. */
  description?: string;
  /** `choose` steps: the alternative drawn. */
  choice?: number;
}

/** What the nemesis acts on. */
export interface NemesisContext {
  cluster: Cluster;
  links: LinkCutter;
  /** For link faults (toxics on peer and client proxies). */
  proxies: LinkProxies;
  clock: RunClock;
  rng: Rng;
  record: (event: NemesisEvent) => void;
  /** Aborting ends every step early: faults in progress are healed at once. */
  signal: AbortSignal;
  /** Logs a line for the person watching the run. */
  log: (line: string) => void;
  /**
   * Called when an occurrence fails (e.g. the Toxiproxy server stopped answering): it is
   * abandoned, the other steps go on, and the run reports the failure.
   */
  onError: (step: number, error: Error) => void;
  /** Replay: occurrences keyed `step/occurrence` act on what they acted on before. */
  pinned?: ReadonlyMap<string, PinnedOccurrence>;
}

/** What one occurrence of a step did, for `same-as` of later steps. */
interface Acted {
  nodes: NodeId[];
}

/** State shared by the steps of one schedule. */
interface Shared {
  ctx: NemesisContext;
  startMs: number;
  /** Resolves when the named step's first occurrence has ended. */
  ended: Map<string, Promise<void>>;
  acted: Map<string, Acted>;
}

const nowMs = (ctx: NemesisContext) => ctx.clock.now() / 1e6;

/** The cluster as targets see it; `eligible` narrows the running nodes a target may pick (membership faults). */
async function view(ctx: NemesisContext, withLeader: boolean, eligible: (id: NodeId) => boolean = () => true): Promise<ClusterView> {
  const ids = ctx.cluster.ids;
  return {ids, running: ids.filter((id) => ctx.cluster.isRunning(id) && eligible(id)), leader: withLeader ? await ctx.cluster.leader() : null};
}

/**
 * Runs the plan's nemesis steps (DESIGN.md "nemesis/"): each step at `at` ms from the start (or
 * after the end of its `after` step), once or `every` period with a seeded `every-jitter`, up to
 * `repeat` times, each occurrence optionally waiting for a condition first. An occurrence starts
 * a fault, holds it for `for` ms and undoes it, writing a start and a stop event (or a skip event
 * with the reason). A `choose` step draws its fault at each occurrence (./choose.ts) and its events
 * carry `choice`. Steps overlap freely. Each step draws from its own seeded stream, so that the
 * timing of one step does not change the choices of another. Resolves when every step has ended
 * or `ctx.signal` aborted (faults in progress are then undone at once).
 */
export async function runSchedule(steps: readonly PlanStep[], outer: NemesisContext): Promise<void> {
  const ctx: NemesisContext = {
    ...outer,
    record: (e) => {
      outer.record(e);
      if (e.type === 'skip') outer.log(`nemesis: ${e.description}`);
    },
  };
  const shared: Shared = {ctx, startMs: nowMs(ctx), ended: new Map(), acted: new Map()};
  const rngs = steps.map(() => ctx.rng.fork());
  const finish = new Map<string, () => void>();
  for (const step of steps) {
    if (step.name) shared.ended.set(step.name, new Promise<void>((resolve) => finish.set(step.name!, resolve)));
  }
  await Promise.all(
    steps.map(async (step, index) => {
      try {
        await runStep(step, index, rngs[index], shared, () => (step.name ? finish.get(step.name)!() : undefined));
      } finally {
        if (step.name) finish.get(step.name)!();
      }
    }),
  );
}

async function runStep(step: PlanStep, index: number, rng: Rng, shared: Shared, firstEnded: () => void): Promise<void> {
  const {ctx} = shared;
  let baseMs = shared.startMs;
  if (step.after) {
    await Promise.race([shared.ended.get(step.after), new Promise((r) => ctx.signal.addEventListener('abort', r, {once: true}))]);
    baseMs = nowMs(ctx);
  }
  const chooser = 'choose' in step ? rng.fork() : null;
  for (let k = 0; !ctx.signal.aborted; k++) {
    if (step.every === undefined ? k > 0 : step.repeat !== undefined && k >= step.repeat) break;
    const shift = step['every-jitter'] ? (rng.float() * 2 - 1) * step['every-jitter'] : 0;
    const dueMs = baseMs + step.at + (step.every ?? 0) * k + (k > 0 ? shift : 0);
    await sleep(dueMs - nowMs(ctx), ctx.signal);
    if (ctx.signal.aborted) break;
    try {
      const [fault, own] = occurrenceOf(step, index, k, chooser, shared);
      const waited = await waitFor(fault, ctx);
      if (waited) own.ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: fault.fault, description: `${fault.fault} skipped: ${waited}`});
      else await runOccurrence(fault, index, k, rng, own);
    } catch (error) {
      ctx.onError(index, error instanceof Error ? error : new Error(String(error)));
    }
    if (k === 0) firstEnded();
  }
}

/**
 * The fault of occurrence k: the step itself, or for a `choose` step the alternative drawn from
 * `chooser` (replay: the alternative recorded, still drawing so that later draws stay aligned),
 * with a context whose events carry `choice`.
 */
function occurrenceOf(step: PlanStep, index: number, k: number, chooser: Rng | null, shared: Shared): [NemesisStep, Shared] {
  if (!('choose' in step)) return [step, shared];
  const drawn = drawChoice(step, chooser!);
  const choice = shared.ctx.pinned?.get(`${index}/${k}`)?.choice ?? drawn;
  const {record} = shared.ctx;
  return [chosenStep(step, choice), {...shared, ctx: {...shared.ctx, record: (e) => record({...e, choice})}}];
}

/** Waits for the step's `wait-for` condition. Returns null when met, else why not. */
async function waitFor(step: NemesisStep, ctx: NemesisContext): Promise<string | null> {
  const condition = step['wait-for'];
  if (!condition) return null;
  const deadline = nowMs(ctx) + step['wait-timeout'];
  while (!ctx.signal.aborted) {
    const healthy = condition === 'leader' || ctx.cluster.ids.every((id) => ctx.cluster.isRunning(id) && !ctx.cluster.isPaused(id));
    if (healthy && (await ctx.cluster.leader())) return null;
    if (nowMs(ctx) >= deadline) return `the cluster did not become ${condition === 'leader' ? 'led' : 'healthy'} within ${step['wait-timeout']} ms`;
    await sleep(WAIT_POLL_MS, ctx.signal);
  }
  return 'the run ended';
}

async function runOccurrence(step: NemesisStep, index: number, k: number, rng: Rng, shared: Shared): Promise<void> {
  switch (step.fault) {
    case 'partition':
      return runPartition(step, index, k, rng, shared);
    case 'kill':
    case 'stop':
    case 'pause':
    case 'restart':
      return runProcessFault(step, index, k, rng, shared);
    case 'clock-skew':
    case 'clock-strobe':
      return runClockFault(step, index, k, rng, shared);
    case 'leave':
    case 'join':
      return runMembershipFault(step, index, k, rng, shared);
    default:
      return runLinkFault(step, index, k, rng, shared);
  }
}

/** The nodes a step acts on: pinned (replay), `same-as`, or its target resolved now. */
async function nodesFor(
  step: {target?: PartitionStep['target']; 'same-as'?: string},
  fallback: PartitionStep['target'],
  index: number,
  k: number,
  rng: Rng,
  shared: Shared,
  eligible?: (id: NodeId) => boolean,
): Promise<NodeId[] | string> {
  const {ctx} = shared;
  const pinned = ctx.pinned?.get(`${index}/${k}`)?.nodes;
  if (pinned) return pinned;
  if (step['same-as']) return shared.acted.get(step['same-as'])?.nodes ?? `step ${step['same-as']} has not acted yet`;
  const spec = step.target ?? fallback!;
  return resolveTarget(spec, await view(ctx, needsLeader(spec), eligible), rng);
}

interface PartitionPlan {
  links: DirectedLink[];
  description: string;
  components?: Components;
  nodes: NodeId[];
}

async function partitionPlan(step: PartitionStep, index: number, k: number, rng: Rng, shared: Shared): Promise<PartitionPlan | string> {
  const {ctx} = shared;
  const ids = ctx.cluster.ids;
  const pinned = ctx.pinned?.get(`${index}/${k}`);
  if (pinned?.cut) {
    const links = pinned.cut.map((name) => {
      const [from, to] = name.split('-');
      return {from, to};
    });
    const description = pinned.components ? `partition ${describeComponents(pinned.components)}` : (pinned.description?.replace(/ \((drop|reset)[^)]*\)$/, '') ?? `cut ${pinned.cut.join(' ')}`);
    return {links, description, components: pinned.components, nodes: pinned.nodes ?? []};
  }
  const grouped = (components: Components, nodes: NodeId[] = []): PartitionPlan => ({links: cutLinks(components), description: `partition ${describeComponents(components)}`, components, nodes});
  switch (step.shape) {
    case 'halves':
      return grouped(halves(ids));
    case 'random-halves':
      return grouped(randomHalves(ids, rng));
    case 'groups':
      return grouped(step.groups!);
    case 'isolate':
    case 'isolate-leader': {
      const fallback = step.shape === 'isolate-leader' ? 'leader' : step.node ?? 'one';
      const nodes = await nodesFor(step, fallback, index, k, rng, shared);
      if (typeof nodes === 'string') return nodes;
      return grouped([nodes, ids.filter((id) => !nodes.includes(id))], nodes);
    }
    case 'majorities-ring':
      return {...majoritiesRing(ids, rng), nodes: []};
    case 'bridge':
      return {...bridge(ids, rng), nodes: []};
    case 'one-way': {
      const from = await nodesFor(step, 'one', index, k, rng, shared);
      if (typeof from === 'string') return from;
      const to = step.to === undefined ? ids.filter((id) => !from.includes(id)) : await resolveTo(step, rng, ctx);
      if (typeof to === 'string') return to;
      return {links: oneWay(from, to), description: `one-way ${from.join(' ')} ↛ ${to.join(' ')}`, nodes: from};
    }
  }
}

async function resolveTo(step: PartitionStep, rng: Rng, ctx: NemesisContext): Promise<NodeId[] | string> {
  return resolveTarget(step.to!, await view(ctx, needsLeader(step.to)), rng);
}

async function runPartition(step: PartitionStep, index: number, k: number, rng: Rng, shared: Shared): Promise<void> {
  const {ctx} = shared;
  const plan = await partitionPlan(step, index, k, rng, shared);
  if (typeof plan === 'string') {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: 'partition', description: `partition ${step.shape} skipped: ${plan}`});
    return;
  }
  if (step.name) shared.acted.set(step.name, {nodes: plan.nodes});
  const description = `${plan.description} (${step.mode}${step.flap ? `, flapping every ${step.flap} ms` : ''})`;
  const cut = plan.links.map(peerProxyName);
  const untilMs = nowMs(ctx) + step.for;
  let first = true;
  do {
    await ctx.links.cut(plan.links, step.mode);
    if (first) {
      ctx.record({time: ctx.clock.now(), type: 'start', step: index, occurrence: k, fault: 'partition', description, components: plan.components, cut, mode: step.mode, nodes: plan.nodes.length ? plan.nodes : undefined});
      ctx.log(`nemesis: ${description}`);
      first = false;
    }
    await sleep(Math.min(step.flap ?? Infinity, untilMs - nowMs(ctx)), ctx.signal);
    await ctx.links.heal(plan.links, step.mode);
    if (step.flap && nowMs(ctx) < untilMs) await sleep(Math.min(step.flap, untilMs - nowMs(ctx)), ctx.signal);
  } while (step.flap && nowMs(ctx) < untilMs - 1 && !ctx.signal.aborted);
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: 'partition', description: `heal ${plan.description}`, components: plan.components});
  ctx.log(`nemesis: heal ${plan.description}`);
}

const PROCESS_VERBS = {kill: ['kill -9', 'restart'], stop: ['stop (SIGTERM)', 'start'], pause: ['pause (SIGSTOP)', 'resume (SIGCONT)'], restart: ['restart', '']} as const;

async function runProcessFault(step: ProcessStep, index: number, k: number, rng: Rng, shared: Shared): Promise<void> {
  const {ctx} = shared;
  const {cluster} = ctx;
  const nodes = await nodesFor(step, 'one', index, k, rng, shared);
  if (typeof nodes === 'string') {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: step.fault, description: `${step.fault} ${describeTarget(step)} skipped: ${nodes}`});
    return;
  }
  if (step.name) shared.acted.set(step.name, {nodes});
  const [verb, undo] = PROCESS_VERBS[step.fault];
  const who = nodes.join(' ');
  if (step.fault === 'kill') await Promise.all(nodes.map((id) => cluster.kill(id)));
  if (step.fault === 'stop' || step.fault === 'restart') await Promise.all(nodes.map((id) => cluster.stop(id)));
  if (step.fault === 'pause') nodes.forEach((id) => cluster.pause(id));
  ctx.record({time: ctx.clock.now(), type: 'start', step: index, occurrence: k, fault: step.fault, nodes, description: `${verb} ${who}`});
  ctx.log(`nemesis: ${verb} ${who}`);
  if (step.fault === 'restart') {
    nodes.forEach((id) => cluster.start(id));
    ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: step.fault, nodes, description: `started ${who}`});
    return;
  }
  await sleep(step.for, ctx.signal);
  if (step.fault === 'pause') nodes.forEach((id) => cluster.resume(id));
  else nodes.forEach((id) => cluster.start(id));
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: step.fault, nodes, description: `${undo} ${who}`});
  ctx.log(`nemesis: ${undo} ${who}`);
}

function describeTarget(step: {target?: unknown; 'same-as'?: string}): string {
  if (step['same-as']) return `same-as ${step['same-as']}`;
  return Array.isArray(step.target) ? step.target.join(' ') : String(step.target);
}

/** The Toxiproxy toxic of a link fault: type and attributes (ms, KB/s, bytes, µs as Toxiproxy wants). */
function toxicOf(step: LinkStep): {type: string; attributes: Record<string, number>; label: string} {
  switch (step.fault) {
    case 'latency':
      return {type: 'latency', attributes: {latency: step.latency, jitter: step.jitter}, label: `latency ${step.latency} ms ± ${step.jitter} ms`};
    case 'bandwidth':
      return {type: 'bandwidth', attributes: {rate: step.rate}, label: `bandwidth ${step.rate} KB/s`};
    case 'slicer':
      return {
        type: 'slicer',
        attributes: {average_size: step['average-size'], size_variation: step['size-variation'], delay: step.delay * 1000},
        label: `slicer ${step['average-size']}±${step['size-variation']} bytes every ${step.delay} ms`,
      };
    case 'reset-peer':
      return {type: 'reset_peer', attributes: {timeout: step.timeout}, label: `reset-peer after ${step.timeout} ms`};
    case 'limit-data':
      return {type: 'limit_data', attributes: {bytes: step.bytes}, label: `limit-data ${step.bytes} bytes`};
  }
}

async function proxiesFor(step: LinkStep, index: number, k: number, rng: Rng, shared: Shared): Promise<string[] | string> {
  const ids = shared.ctx.cluster.ids;
  const pinned = shared.ctx.pinned?.get(`${index}/${k}`)?.proxies;
  if (pinned) return pinned;
  if (step.links === 'all') return [...new Set(peerLinks(ids).map((link) => shared.ctx.links.proxyOf(link)))];
  if (step.links === 'client') return ids.map(clientProxyName);
  if (Array.isArray(step.links)) return [...step.links];
  const nodes = await nodesFor({target: step.links.of}, step.links.of, index, k, rng, shared);
  if (typeof nodes === 'string') return nodes;
  return peerLinks(ids)
    .filter((l) => nodes.includes(l.from) || nodes.includes(l.to))
    .map(peerProxyName);
}

async function runLinkFault(step: LinkStep, index: number, k: number, rng: Rng, shared: Shared): Promise<void> {
  const {ctx} = shared;
  const proxies = await proxiesFor(step, index, k, rng, shared);
  if (typeof proxies === 'string') {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: step.fault, description: `${step.fault} skipped: ${proxies}`});
    return;
  }
  const toxic = toxicOf(step);
  const streams = step.stream === 'both' ? (['upstream', 'downstream'] as const) : ([step.stream] as const);
  const name = (stream: string) => `${step.fault}-step${index}-${stream}`;
  const where = step.links === 'all' ? 'all peer links' : step.links === 'client' ? 'client links' : proxies.join(' ');
  await Promise.all(proxies.flatMap((p) => streams.map((stream) => ctx.proxies.addToxic(p, {name: name(stream), type: toxic.type, stream, toxicity: step.toxicity, attributes: toxic.attributes}))));
  ctx.record({time: ctx.clock.now(), type: 'start', step: index, occurrence: k, fault: step.fault, proxies, description: `${toxic.label} on ${where}`});
  ctx.log(`nemesis: ${toxic.label} on ${where}`);
  await sleep(step.for, ctx.signal);
  await Promise.all(proxies.flatMap((p) => streams.map((stream) => ctx.proxies.removeToxic(p, name(stream)))));
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: step.fault, proxies, description: `removed ${toxic.label}`});
  ctx.log(`nemesis: removed ${toxic.label} on ${where}`);
}

/** Sets the clock of every node in `nodes`; returns the failures (a node without a clock says so). */
async function setClocks(ctx: NemesisContext, nodes: readonly NodeId[], rate: number, offsetMs: number): Promise<string[]> {
  const results = await Promise.all(nodes.map((id) => ctx.cluster.setClock(id, rate, offsetMs)));
  return results.filter((r): r is string => typeof r === 'string');
}

async function runClockFault(step: ClockStep, index: number, k: number, rng: Rng, shared: Shared): Promise<void> {
  const {ctx} = shared;
  const nodes = await nodesFor(step, 'one', index, k, rng, shared);
  if (typeof nodes === 'string') {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: step.fault, description: `${step.fault} ${describeTarget(step)} skipped: ${nodes}`});
    return;
  }
  if (step.name) shared.acted.set(step.name, {nodes});
  const who = nodes.join(' ');
  const label = step.fault === 'clock-skew' ? `clock of ${who} at rate ${step.rate}, offset ${step.offset} ms` : `clock of ${who} strobing between rate ${step.rate} and ${1 / step.rate} every ${step.period} ms`;
  const failed = await setClocks(ctx, nodes, step.rate, step.fault === 'clock-skew' ? step.offset : 0);
  if (failed.length === nodes.length) {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: step.fault, description: `${step.fault} skipped: ${failed[0]}`});
    return;
  }
  ctx.record({time: ctx.clock.now(), type: 'start', step: index, occurrence: k, fault: step.fault, nodes, description: label});
  ctx.log(`nemesis: ${label}`);
  if (step.fault === 'clock-strobe') {
    const untilMs = nowMs(ctx) + step.for;
    for (let fast = false; nowMs(ctx) < untilMs && !ctx.signal.aborted; fast = !fast) {
      await sleep(Math.min(step.period, untilMs - nowMs(ctx)), ctx.signal);
      await setClocks(ctx, nodes, fast ? step.rate : 1 / step.rate, 0);
    }
  } else {
    await sleep(step.for, ctx.signal);
  }
  await setClocks(ctx, nodes, 1, 0);
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: step.fault, nodes, description: `clock of ${who} restored`});
  ctx.log(`nemesis: clock of ${who} restored`);
}

/** How long a node may take to hear (by gossip) of earlier leaves before it is asked to leave, ms. */
const LEAVE_GOSSIP_WAIT_MS = 3000;

/**
 * Sends `join` or `leave` to each node; returns the nodes that did it, why the others did not, and
 * the ring members the harness expects now (every node but those out of the ring).
 */
async function changeMembership(ctx: NemesisContext, nodes: readonly NodeId[], action: 'join' | 'leave'): Promise<{done: NodeId[]; failed: string[]; ring: string}> {
  const results: (readonly [NodeId, string[] | string])[] = [];
  if (action === 'join') results.push(...(await Promise.all(nodes.map(async (id) => [id, await ctx.cluster.membership(id, action)] as const))));
  // One leave at a time, each sent once the node's own ring no longer holds the nodes already out,
  // so that its "would fewer than N members remain?" test counts them.
  else {
    for (const id of nodes) {
      if (!(await ctx.cluster.waitForRingWithout(id, ctx.cluster.leftRing, LEAVE_GOSSIP_WAIT_MS, ctx.signal))) {
        results.push([id, `${id} did not hear of ${ctx.cluster.leftRing.join(' ')} leaving within ${LEAVE_GOSSIP_WAIT_MS} ms; not asked to leave`]);
        continue;
      }
      results.push([id, await ctx.cluster.membership(id, action)]);
    }
  }
  const out = new Set(ctx.cluster.leftRing);
  return {
    done: results.filter(([, r]) => typeof r !== 'string').map(([id]) => id),
    failed: results.flatMap(([, r]) => (typeof r === 'string' ? [r] : [])),
    ring: ctx.cluster.ids.filter((id) => !out.has(id)).join(' '),
  };
}

/**
 * `leave` (then, with `for`, `join` again) and `join`: ring membership changes through the nodes'
 * admin requests (docs/protocol.md). A node that refuses (e.g. too few members would remain) is
 * left out and named in the log; if every target refuses, the occurrence is a skip.
 */
async function runMembershipFault(step: MembershipStep, index: number, k: number, rng: Rng, shared: Shared): Promise<void> {
  const {ctx} = shared;
  // leave picks among the nodes in the ring, join among those a leave took out
  const out = new Set(ctx.cluster.leftRing);
  const nodes = await nodesFor(step, step.fault === 'join' ? 'all' : 'one', index, k, rng, shared, (id) => out.has(id) === (step.fault === 'join'));
  if (typeof nodes === 'string') {
    const why = step.fault === 'join' && out.size === 0 ? 'no node is out of the ring' : nodes;
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: step.fault, description: `${step.fault} ${describeTarget(step)} skipped: ${why}`});
    return;
  }
  const {done, ring, failed} = await changeMembership(ctx, nodes, step.fault);
  for (const why of failed) ctx.log(`nemesis: ${why}`);
  if (done.length === 0) {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, occurrence: k, fault: step.fault, description: `${step.fault} skipped: ${failed[0]}`});
    return;
  }
  if (step.name) shared.acted.set(step.name, {nodes: done});
  const who = done.join(' ');
  const label = `${who} ${step.fault === 'leave' ? 'left' : 'joined'} the ring (members now ${ring})`;
  ctx.record({time: ctx.clock.now(), type: 'start', step: index, occurrence: k, fault: step.fault, nodes: done, description: label});
  ctx.log(`nemesis: ${label}`);
  if (step.fault === 'join' || step.for === undefined) {
    ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: step.fault, nodes: done, description: label});
    return;
  }
  await sleep(step.for, ctx.signal);
  const back = await changeMembership(ctx, done, 'join');
  for (const why of back.failed) ctx.log(`nemesis: ${why}`);
  const rejoined = `${back.done.join(' ')} joined the ring again (members now ${back.ring})`;
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, occurrence: k, fault: step.fault, nodes: done, description: rejoined});
  ctx.log(`nemesis: ${rejoined}`);
}
