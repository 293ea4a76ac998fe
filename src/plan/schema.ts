import {z} from 'zod';
import {duration, durationAtLeast, MAX_DURATION_MS, nodeId} from './fields.js';
import {MEMBERSHIP_FAULTS, planStep} from './nemesis-schema.js';

export {MAX_DURATION_MS};

/**
 * The plan schema (docs/plans.md). Durations are strings with a unit (`200ms`, `5s`, `2m`) and are
 * turned into milliseconds here; every object is strict, so an unknown field is an error.
 */

/** Built-in systems that `cluster.system` may name. */
export const SYSTEMS = ['raft', 'paxos', 'hashring', 'etcd'] as const;
/** Seeded bugs per system: off unless a plan's `cluster.bugs` names them. */
export const BUGS_BY_SYSTEM = {
  raft: ['stale-read'],
  paxos: ['acceptor-forgets', 'no-promise-check', 'no-dedup'],
  hashring: ['no-handoff', 'stale-wins'],
  etcd: [],
} as const satisfies Record<(typeof SYSTEMS)[number], readonly string[]>;
/** Every seeded bug of every system (`cluster.bugs` is then checked against the plan's system). */
export const BUGS = ['stale-read', 'acceptor-forgets', 'no-promise-check', 'no-dedup', 'no-handoff', 'stale-wins'] as const;

/** Placeholders a custom command may use; each is replaced per node (docs/protocol.md). */
export const COMMAND_PLACEHOLDERS = ['{id}', '{client_port}', '{peer_port}', '{peers}', '{data_dir}'] as const;

/**
 * A user's own system: the command that starts one node, with placeholders, and how to tell the
 * cluster is ready (`leader`: some node's status reports role leader; `status`: every node answers
 * status).
 */
export const customSystem = z.strictObject({
  command: z.array(z.string().min(1)).min(1),
  protocol: z.literal('ndjson').default('ndjson'),
  ready: z.enum(['leader', 'status']).default('leader'),
});
export type CustomSystem = z.output<typeof customSystem>;

const cluster = z
  .strictObject({
    system: z.union([z.enum(SYSTEMS), customSystem], {error: `expected ${SYSTEMS.join(', ')} or {command: [...], ready: leader | status}`}).default('raft'),
    nodes: z
      .number()
      .int()
      .refine((n) => n % 2 === 1 && n >= 3 && n <= 7, 'expected an odd number of nodes from 3 to 7')
      .default(3),
    bugs: z.array(z.enum(BUGS)).default([]),
    /** How long to wait for a leader after start, and after each restart. */
    readyTimeout: durationAtLeast(1000).default(20_000),
    /** Options of `system: etcd` (docs/etcd.md). */
    etcd: z
      .strictObject({
        /** Reads are Range requests with `serializable: true`: answered from the member's local state, possibly stale. */
        serializableReads: z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.etcd && c.system !== 'etcd') ctx.addIssue({code: 'custom', path: ['etcd'], message: 'only allowed with system: etcd'});
    if (typeof c.system !== 'string') {
      if (c.bugs.length > 0) ctx.addIssue({code: 'custom', path: ['bugs'], message: 'seeded bugs exist only in the built-in systems'});
      return;
    }
    const known: readonly string[] = BUGS_BY_SYSTEM[c.system];
    c.bugs.forEach((bug, i) => {
      if (!known.includes(bug)) {
        ctx.addIssue({code: 'custom', path: ['bugs', i], message: `${bug} is not a seeded bug of ${c.system}; ${known.length > 0 ? `${c.system} has: ${known.join(', ')}` : `${c.system} has none`}`});
      }
    });
  });

/** Operation weights (docs/plans.md "Workloads"); a weight left out is 0. */
const mixSchema = z
  .strictObject({
    read: z.number().min(0).default(0),
    write: z.number().min(0).default(0),
    cas: z.number().min(0).default(0),
    add: z.number().min(0).default(0),
    'read-set': z.number().min(0).default(0),
  })
  .refine((m) => m.read + m.write + m.cas + m.add + m['read-set'] > 0, 'expected at least one weight above 0');
export type PlanMix = z.output<typeof mixSchema>;

/**
 * The mix of a plan that gives none: registers with cas for the systems that have a leader; for
 * the hash ring, which answers cas `unavailable`, reads and writes of registers plus set adds and reads.
 */
export function defaultMix(system: ParsedPlan['cluster']['system']): PlanMix {
  return system === 'hashring' ? {read: 2, write: 1, cas: 0, add: 2, 'read-set': 1} : {read: 2, write: 1, cas: 1, add: 0, 'read-set': 0};
}

const workload = z.strictObject({
  clients: z.number().int().min(1).max(100).default(5),
  keys: z.number().int().min(1).max(1000).default(3),
  duration: durationAtLeast(1000).default(10_000),
  /** Target rate in operations per second across all clients; 0 means as fast as the system answers. */
  rate: z.number().min(0).max(100_000).default(100),
  /** Per-operation timeout: past it the operation completes as `info`. */
  timeout: durationAtLeast(10).default(1000),
  /**
   * Relative weights of the operations: `read`, `write`, `cas` on registers `k1`…, `add` and
   * `read-set` on grow-only sets `s1`…. A weight left out is 0; without `mix`, the system's
   * default (`defaultMix`), which parsePlan fills in.
   */
  mix: mixSchema.optional(),
});

export const planSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, dot, dash or underscore').optional(),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  cluster: cluster.default({system: 'raft', nodes: 3, bugs: [], readyTimeout: 20_000}),
  workload: workload.default({clients: 5, keys: 3, duration: 10_000, rate: 100, timeout: 1000}),
  nemesis: z.array(planStep).default([]),
  final: z
    .strictObject({
      /** Wait after the final heal before the final reads. */
      quiesce: duration.default(2000),
    })
    .default({quiesce: 2000}),
  check: z
    .strictObject({
      model: z.enum(['cas-register']).default('cas-register'),
      /** Check the register operations for linearizability (when the workload has any). */
      linearizable: z.boolean().default(true),
      /** Checker time budget; past it the verdict is "unknown". */
      timeLimit: durationAtLeast(100).default(60_000),
      /** Fractions (0–1) of workload operations that must complete ok: overall, and outside fault windows and recovery graces. */
      availability: z
        .strictObject({overall: z.number().min(0).max(1).default(0), outsideFaults: z.number().min(0).max(1).default(0.5)})
        .default({overall: 0, outsideFaults: 0.5}),
      /** After each heal some operation must succeed within this long. */
      recovery: z.strictObject({within: durationAtLeast(100).default(10_000)}).default({within: 10_000}),
      /** No node may exit unless a fault stopped it. */
      noCrash: z.boolean().default(true),
      /**
       * After the final heal, every key's home replicas must hold the same value within this long
       * (systems that answer the admin `replicas` request: the hash ring).
       */
      convergence: z.strictObject({within: durationAtLeast(100).default(10_000)}).default({within: 10_000}),
    })
    .default({
      model: 'cas-register',
      linearizable: true,
      timeLimit: 60_000,
      availability: {overall: 0, outsideFaults: 0.5},
      recovery: {within: 10_000},
      noCrash: true,
      convergence: {within: 10_000},
    }),
  proxy: z
    .strictObject({
      /** URL of a real Toxiproxy server; absent = start the embedded one. */
      url: z.url({protocol: /^https?$/}).optional(),
    })
    .default({}),
}).superRefine((plan, ctx) => {
  const system = plan.cluster.system;
  if (system === 'hashring') {
    // A leaderless quorum store: no leader to wait for.
    plan.nemesis.forEach((step, i) => {
      if (step['wait-for']) ctx.addIssue({code: 'custom', path: ['nemesis', i, 'wait-for'], message: 'hashring has no leader, and both wait-for conditions wait for one'});
    });
    return;
  }
  // The set workload and membership faults need nodes that serve them (docs/protocol.md): the hash ring, or a user's own.
  if (typeof system !== 'string') return;
  for (const f of ['add', 'read-set'] as const) {
    if ((plan.workload.mix?.[f] ?? 0) > 0) ctx.addIssue({code: 'custom', path: ['workload', 'mix', f], message: `${system} has no set workload; add and read-set need cluster.system hashring (or your own nodes)`});
  }
  plan.nemesis.forEach((step, i) => {
    const faults = 'choose' in step ? step.choose.map((a, j) => ({fault: a.fault, path: ['nemesis', i, 'choose', j, 'fault']})) : [{fault: step.fault, path: ['nemesis', i, 'fault']}];
    for (const {fault, path} of faults) {
      if (MEMBERSHIP_FAULTS.includes(fault)) ctx.addIssue({code: 'custom', path, message: `${system} nodes cannot ${fault} a ring at run time; ${fault} needs cluster.system hashring (or your own nodes)`});
    }
  });
});

/** A plan as written in YAML, before defaults (the input type of the schema). */
export type PlanInput = z.input<typeof planSchema>;
/** A validated plan with defaults filled; durations in milliseconds. `seed` may still be absent. */
export type ParsedPlan = z.output<typeof planSchema>;
