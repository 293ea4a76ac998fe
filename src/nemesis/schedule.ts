import type {Cluster} from '../cluster/cluster.js';
import type {NodeId} from '../cluster/topology.js';
import {sleep, type RunClock} from '../history/clock.js';
import type {KillStep, NemesisStep, PartitionStep} from '../plan/index.js';
import type {Rng} from '../rng/index.js';
import type {NemesisEvent} from './events.js';
import type {LinkCutter} from './links.js';
import {cutLinks, describeComponents, halves, isolate, randomHalves, type Components} from './shapes.js';

/** What the nemesis acts on. */
export interface NemesisContext {
  cluster: Cluster;
  links: LinkCutter;
  clock: RunClock;
  rng: Rng;
  record: (event: NemesisEvent) => void;
  /** Aborting ends every step early: faults in progress are healed at once. */
  signal: AbortSignal;
  /** Logs a line for the person watching the run. */
  log: (line: string) => void;
  /**
   * Called when a step fails (e.g. the Toxiproxy server stopped answering): the step is abandoned,
   * the others go on, and the run reports the failure.
   */
  onError: (step: number, error: Error) => void;
}

/** Resolves a partition step's shape to groups; `isolate-leader` asks the cluster who leads now. */
async function components(step: PartitionStep, ctx: NemesisContext): Promise<Components | string> {
  const ids = ctx.cluster.ids;
  switch (step.shape) {
    case 'halves':
      return halves(ids);
    case 'random-halves':
      return randomHalves(ids, ctx.rng);
    case 'isolate':
      return isolate(ids, step.node ?? ctx.rng.pick(ids));
    case 'isolate-leader': {
      const leader = await ctx.cluster.leader();
      return leader ? isolate(ids, leader) : 'no leader to isolate';
    }
    case 'groups':
      return step.groups!;
  }
}

async function runPartition(step: PartitionStep, index: number, ctx: NemesisContext): Promise<void> {
  const groups = await components(step, ctx);
  if (typeof groups === 'string') {
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, fault: 'partition', description: `partition ${step.shape} skipped: ${groups}`});
    return;
  }
  const links = cutLinks(groups);
  const description = `partition ${describeComponents(groups)} (${step.mode})`;
  await ctx.links.cut(links, step.mode);
  ctx.record({time: ctx.clock.now(), type: 'start', step: index, fault: 'partition', description, components: groups, mode: step.mode});
  ctx.log(`nemesis: ${description}`);
  await sleep(step.for, ctx.signal);
  await ctx.links.heal(links, step.mode);
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, fault: 'partition', description: `heal ${describeComponents(groups)}`, components: groups});
  ctx.log(`nemesis: heal ${describeComponents(groups)}`);
}

async function killTarget(step: KillStep, ctx: NemesisContext): Promise<NodeId | null> {
  const running = ctx.cluster.ids.filter((id) => ctx.cluster.isRunning(id));
  if (step.target === 'leader') return ctx.cluster.leader();
  if (step.target === 'random') return running.length > 0 ? ctx.rng.pick(running) : null;
  return running.includes(step.target) ? step.target : null;
}

async function runKill(step: KillStep, index: number, ctx: NemesisContext): Promise<void> {
  const node = await killTarget(step, ctx);
  if (!node) {
    const why = step.target === 'leader' ? 'no node reports itself leader' : step.target === 'random' ? 'no node is running' : `${step.target} is not running`;
    ctx.record({time: ctx.clock.now(), type: 'skip', step: index, fault: 'kill', description: `kill ${step.target} skipped: ${why}`});
    return;
  }
  await ctx.cluster.kill(node);
  ctx.record({time: ctx.clock.now(), type: 'start', step: index, fault: 'kill', node, description: `kill -9 ${node}`});
  ctx.log(`nemesis: kill -9 ${node}`);
  await sleep(step.for, ctx.signal);
  ctx.cluster.start(node);
  ctx.record({time: ctx.clock.now(), type: 'stop', step: index, fault: 'kill', node, description: `restart ${node}`});
  ctx.log(`nemesis: restart ${node}`);
}

/**
 * Runs the plan's nemesis steps, each at its `at` offset (ms from `startMs`), overlapping as the
 * plan says. Each step starts a fault, holds it for `for` ms and undoes it, writing a start and a
 * stop event. Resolves when every step has ended.
 */
export async function runSchedule(steps: readonly NemesisStep[], ctx: NemesisContext): Promise<void> {
  const start = ctx.clock.now();
  await Promise.all(
    steps.map(async (step, index) => {
      const elapsedMs = (ctx.clock.now() - start) / 1e6;
      await sleep(step.at - elapsedMs, ctx.signal);
      if (ctx.signal.aborted) return;
      try {
        if (step.fault === 'partition') await runPartition(step, index, ctx);
        else await runKill(step, index, ctx);
      } catch (error) {
        ctx.onError(index, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
}
