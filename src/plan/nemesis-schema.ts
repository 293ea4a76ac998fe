import {z} from 'zod';
import {duration, durationAtLeast, nodeId, signedDuration} from './fields.js';

/**
 * The nemesis step schema (docs/plans.md "Nemesis"). Every step has a fault, a schedule (`at`,
 * `after`, `every` with `jitter` and `repeat`, `wait-for`) and, for faults that last, `for`.
 * Multi-word keys are written with dashes, as in Jepsen: `same-as`, `wait-for`, `every-jitter`.
 */

/**
 * Which nodes a fault acts on, resolved when the fault starts: `one` (alias `random`) a random
 * running node; `minority` / `majority` a random minority / majority; `all`; `leader` the node that
 * reports itself leader with the highest term; `followers` every other running node; a node id;
 * or a list of node ids.
 */
export const TARGETS = ['one', 'random', 'minority', 'majority', 'all', 'leader', 'followers'] as const;
export const target = z.union([z.enum(TARGETS), nodeId, z.array(nodeId).min(1)], {error: `expected ${TARGETS.join(', ')}, a node id or a list of node ids`});
export type Target = z.output<typeof target>;

/** Partition cut styles: `drop` blackholes bytes (timeout toxic 0), `reset` disables the proxies. */
export const CUT_MODES = ['drop', 'reset'] as const;
export const PARTITION_SHAPES = ['halves', 'random-halves', 'isolate', 'isolate-leader', 'majorities-ring', 'bridge', 'one-way', 'groups'] as const;

/** Conditions a step can wait for before it starts. */
export const WAIT_CONDITIONS = ['leader', 'healthy'] as const;

const stepName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, dash or underscore');

/** Fields every step has: its name and its schedule. Times in ms. */
const schedule = {
  /** Names the step, so that `after` and `same-as` of later steps can refer to it. */
  name: stepName.optional(),
  /** Offset from the start of the workload, or from the end of the `after` step. @default 0s */
  at: duration.default(0),
  /** Starts once the named earlier step has ended (its first occurrence), plus `at`. */
  after: stepName.optional(),
  /** Repeats the fault with this period (start to start). */
  every: durationAtLeast(100).optional(),
  /** With `every`: each start moves by a seeded random amount in [-every-jitter, +every-jitter]. */
  'every-jitter': duration.optional(),
  /** With `every`: how many times in all. @default until the workload ends */
  repeat: z.number().int().min(1).max(10_000).optional(),
  /** Before each start, wait until the cluster has a leader, or until every node is running and one leads. */
  'wait-for': z.enum(WAIT_CONDITIONS).optional(),
  /** How long `wait-for` may wait before the occurrence is skipped. @default 10s */
  'wait-timeout': durationAtLeast(100).default(10_000),
};

/** How long a fault lasts before it is healed (the node restarted, resumed, the link restored). */
const lasting = {for: durationAtLeast(1)};

const partition = z
  .strictObject({
    fault: z.literal('partition'),
    ...schedule,
    ...lasting,
    shape: z.enum(PARTITION_SHAPES),
    mode: z.enum(CUT_MODES).default('drop'),
    /** `isolate`: the node cut off (default `one`); `one-way`: the nodes whose outgoing links are cut. */
    target: target.optional(),
    /** `one-way`: the nodes that stop hearing `target` (default: every other node). */
    to: target.optional(),
    /** `groups`: disjoint groups; links between groups are cut, unlisted nodes keep all links. */
    groups: z.array(z.array(nodeId).min(1)).min(2).optional(),
    /** `isolate`: cut off the node(s) an earlier named step acted on. */
    'same-as': stepName.optional(),
    /** Flapping: within `for`, alternately cut for this long and healed for this long. */
    flap: durationAtLeast(50).optional(),
    /** Old spelling of `target` for `isolate`. */
    node: nodeId.optional(),
  })
  .superRefine((s, ctx) => {
    const only = (field: 'groups' | 'to' | 'target' | 'same-as' | 'node', shapes: readonly string[]) => {
      if (s[field] !== undefined && !shapes.includes(s.shape)) ctx.addIssue({code: 'custom', path: [field], message: `only allowed with shape: ${shapes.join(' or ')}`});
    };
    if (s.shape === 'groups' && !s.groups) ctx.addIssue({code: 'custom', path: ['groups'], message: 'required with shape: groups'});
    only('groups', ['groups']);
    only('to', ['one-way']);
    only('target', ['isolate', 'one-way']);
    only('same-as', ['isolate', 'one-way']);
    only('node', ['isolate']);
    if (s.groups) {
      const seen = new Set<string>();
      for (const id of s.groups.flat()) {
        if (seen.has(id)) ctx.addIssue({code: 'custom', path: ['groups'], message: `node ${id} is in two groups`});
        seen.add(id);
      }
    }
  });

/** Process faults: kill -9 / SIGTERM / SIGSTOP for `for`, then start again / resume. */
const processFault = (fault: 'kill' | 'stop' | 'pause') =>
  z.strictObject({
    fault: z.literal(fault),
    ...schedule,
    ...lasting,
    target: target.default('one'),
    /** Act on the node(s) an earlier named step acted on (e.g. kill the node step `cut` isolated). */
    'same-as': stepName.optional(),
  });

/** `restart`: SIGTERM, then start again at once. */
const restart = z.strictObject({
  fault: z.literal('restart'),
  ...schedule,
  target: target.default('one'),
  'same-as': stepName.optional(),
});

/**
 * `leave`: the target nodes leave the ring (systems with run-time membership: the hash ring); the
 * keys they owned move to the next nodes. With `for`, they join again after it; without, they stay
 * out until a `join` step or the final heal.
 */
const leave = z.strictObject({
  fault: z.literal('leave'),
  ...schedule,
  for: durationAtLeast(1).optional(),
  target: target.default('one'),
  'same-as': stepName.optional(),
});

/** `join`: the target nodes (default: all, so every node out of the ring) join the ring again. */
const join = z.strictObject({
  fault: z.literal('join'),
  ...schedule,
  target: target.default('all'),
  'same-as': stepName.optional(),
});

/**
 * Which proxies a link fault acts on: `all` peer links, `client` links, a list of peer links
 * (`n1-n2` is the link n1 dials to reach n2), or `{of: target}`: every peer link from or to the
 * target nodes.
 */
export const links = z.union([z.enum(['all', 'client']), z.array(z.string().regex(/^n[1-9]-n[1-9]$/, 'expected a link like n1-n2')).min(1), z.strictObject({of: target})], {
  error: 'expected all, client, a list of links like [n1-n2] or {of: <target>}',
});

const linkCommon = {
  ...schedule,
  ...lasting,
  links: links.default('all'),
  /** Which direction of each link: `upstream` (dialer → listener), `downstream`, or `both`. */
  stream: z.enum(['both', 'upstream', 'downstream']).default('both'),
  /** Probability that the toxic applies to a connection (Toxiproxy toxicity). */
  toxicity: z.number().min(0).max(1).default(1),
};

const latency = z.strictObject({fault: z.literal('latency'), ...linkCommon, latency: duration, jitter: duration.default(0)});
/** Bandwidth in KB/s (1 KB = 1000 bytes), Toxiproxy's unit. */
const bandwidth = z.strictObject({fault: z.literal('bandwidth'), ...linkCommon, rate: z.number().int().min(1)});
const slicer = z.strictObject({
  fault: z.literal('slicer'),
  ...linkCommon,
  'average-size': z.number().int().min(1),
  'size-variation': z.number().int().min(0).default(0),
  /** Pause between slices. */
  delay: duration.default(0),
});
const resetPeer = z.strictObject({fault: z.literal('reset-peer'), ...linkCommon, timeout: duration.default(0)});
const limitData = z.strictObject({fault: z.literal('limit-data'), ...linkCommon, bytes: z.number().int().min(0)});

/**
 * Clock faults through the node's admin `clock` request (no root needed): `clock-skew` sets a
 * rate (2 = the node's time runs twice as fast, so its timeouts fire in half the time) and an
 * offset for `for`; `clock-strobe` alternates the rate between `rate` and 1/`rate` every `period`.
 */
const clockSkew = z.strictObject({
  fault: z.literal('clock-skew'),
  ...schedule,
  ...lasting,
  target: target.default('one'),
  'same-as': stepName.optional(),
  rate: z.number().gt(0).max(100).default(1),
  offset: signedDuration.default(0),
});
const clockStrobe = z.strictObject({
  fault: z.literal('clock-strobe'),
  ...schedule,
  ...lasting,
  target: target.default('one'),
  'same-as': stepName.optional(),
  rate: z.number().gt(1).max(100).default(4),
  period: durationAtLeast(50),
});

/** Every fault a plan may name. */
export const FAULTS = ['partition', 'kill', 'stop', 'pause', 'restart', 'latency', 'bandwidth', 'slicer', 'reset-peer', 'limit-data', 'clock-skew', 'clock-strobe', 'leave', 'join'] as const;

/** Faults that change ring membership: only for systems whose nodes answer `join` / `leave` (docs/protocol.md). */
export const MEMBERSHIP_FAULTS: readonly string[] = ['leave', 'join'];

export const nemesisStep = z
  .discriminatedUnion('fault', [partition, processFault('kill'), processFault('stop'), processFault('pause'), restart, latency, bandwidth, slicer, resetPeer, limitData, clockSkew, clockStrobe, leave, join], {
    error: (issue) => (issue.code === 'invalid_union' ? `expected fault: ${FAULTS.join(', ')}` : undefined),
  })
  .superRefine(checkSchedule);

export type NemesisStep = z.output<typeof nemesisStep>;
export type PartitionStep = Extract<NemesisStep, {fault: 'partition'}>;
export type ProcessStep = Extract<NemesisStep, {fault: 'kill' | 'stop' | 'pause' | 'restart'}>;
export type LinkStep = Extract<NemesisStep, {fault: 'latency' | 'bandwidth' | 'slicer' | 'reset-peer' | 'limit-data'}>;
export type ClockStep = Extract<NemesisStep, {fault: 'clock-skew' | 'clock-strobe'}>;
export type MembershipStep = Extract<NemesisStep, {fault: 'leave' | 'join'}>;

/** `every-jitter` and `repeat` need `every`; `for` must be shorter than `every`. For every step, `choose` steps included. */
function checkSchedule(s: {every?: number; 'every-jitter'?: number; repeat?: number; for?: number}, ctx: z.RefinementCtx): void {
  if (s.every === undefined && (s['every-jitter'] !== undefined || s.repeat !== undefined)) {
    ctx.addIssue({code: 'custom', path: [s['every-jitter'] !== undefined ? 'every-jitter' : 'repeat'], message: 'only allowed with every'});
  }
  if (s.every !== undefined && s.for !== undefined && s.for >= s.every) ctx.addIssue({code: 'custom', path: ['for'], message: 'must be shorter than every'});
}

/** Fields of a `choose` step that its alternatives may not repeat: the schedule and `for`. */
const onChooseStep = z.never({error: 'belongs on the choose step, not on one of its alternatives'}).optional();
const stepOnly = {
  name: onChooseStep,
  at: onChooseStep,
  after: onChooseStep,
  every: onChooseStep,
  'every-jitter': onChooseStep,
  repeat: onChooseStep,
  'wait-for': onChooseStep,
  'wait-timeout': onChooseStep,
  for: onChooseStep,
};

const alternativeFields = {...stepOnly, weight: z.number().gt(0).max(1_000_000).default(1)};
type FaultOptions = typeof nemesisStep.options;
type Alternative<O> = O extends z.ZodObject<infer Shape, infer Config> ? z.ZodObject<Omit<Shape, keyof typeof alternativeFields> & typeof alternativeFields, Config> : never;
type Alternatives<Options extends readonly unknown[]> = {[K in keyof Options]: Alternative<Options[K]>};
/**
 * Each fault's schema with the step fields replaced. safeExtend keeps the fault's refinements
 * (partition's); its types only allow narrowing a field, not replacing it with `never`, hence the cast.
 */
const alternatives = nemesisStep.options.map((option) => option.safeExtend(alternativeFields as never)) as unknown as Alternatives<FaultOptions>;
/**
 * One alternative of a `choose` step: any fault with its own fields (shape, target, latency, …)
 * and a `weight` (a number above 0, default 1), but no schedule and no `for` (those are the step's).
 */
export const chooseAlternative = z.discriminatedUnion('fault', alternatives, {error: (issue) => (issue.code === 'invalid_union' ? `expected fault: ${FAULTS.join(', ')}` : undefined)});
export type ChooseAlternative = z.output<typeof chooseAlternative>;

/** Faults that last `for` (every fault but `restart`). */
const LASTING: ReadonlySet<string> = new Set(nemesisStep.options.filter((option) => 'for' in option.shape).map((option) => option.shape.fault.value));

/**
 * A step that, at each occurrence, draws one of several faults with probability proportional to
 * its `weight`, from the plan's seed (docs/plans.md "choose"). The schedule and `for` are the
 * step's; each alternative carries only its fault's own fields.
 */
export const chooseStep = z
  .strictObject({
    ...schedule,
    /** How long the drawn fault lasts; required unless every alternative is `restart`. */
    for: durationAtLeast(1).optional(),
    choose: z.array(chooseAlternative).min(1),
  })
  .superRefine((s, ctx) => {
    checkSchedule(s, ctx);
    if (s.for === undefined && s.choose.some((a) => LASTING.has(a.fault))) ctx.addIssue({code: 'custom', path: ['for'], message: 'required: how long the chosen fault lasts'});
  });
export type ChooseStep = z.output<typeof chooseStep>;

/** One entry of the plan's `nemesis` list: a single fault, or a `choose` step. */
export const planStep = z.union([nemesisStep, chooseStep]);
export type PlanStep = z.output<typeof planStep>;

/** Whether a nemesis entry, as written, is meant as a `choose` step (it has a `choose` field). */
export const isChooseInput = (input: unknown): boolean => typeof input === 'object' && input !== null && 'choose' in input;
