import {mkdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {Args, Flags} from '@oclif/core';
import {FaultlineCommand} from '../cli/base.js';
import {InputError} from '../errors/index.js';
import {formatDuration, loadPlan} from '../plan/index.js';

/** Systems `faultline init --system` knows: the built-in ones, or a user's own command. */
export const INIT_SYSTEMS = ['raft', 'paxos', 'hashring', 'etcd', 'custom'] as const;
export type InitSystem = (typeof INIT_SYSTEMS)[number];

/** What differs between the starter plans of the systems. */
interface Profile {
  /** `<n> <this>`: what runs. */
  nodes: string;
  /** The seeded bugs, for a commented-out `bugs:` line; empty for none. */
  bugs: string;
  /** What the clients do, completing "five clients …". */
  workload: string;
  mix: string;
  /** What the `keys` line's comment says the keys are. */
  keys: string;
  /** What the nemesis does, completing "while the nemesis …". */
  nemesisSummary: string;
  /** The `nemesis:` list for `nodes` nodes, lines indented by two. */
  nemesis: string | ((nodes: number) => string);
  /** What faultline checks, completing "checks the history …". */
  checks: string;
}

const KILL_COMMENTED = `  # - fault: kill               # kill -9 the leader, then start it again (same --data-dir) after 3 s
  #   target: leader
  #   at: 15s
  #   for: 3s`;

/** Leader-based systems: two partitions (halves, then the leader cut off) and a commented-out kill. */
const LEADER_NEMESIS = `  - fault: partition            # cut the node list in two: n1 n2 | n3 … (bytes dropped, connections kept)
    shape: halves
    mode: drop
    at: 3s
    for: 3s
  - fault: partition            # the leader cut off from every peer while its clients stay attached
    shape: isolate
    target: leader              # the node whose status says role leader (skipped if none does)
    mode: drop
    at: 9s
    for: 4s
    wait-for: leader
${KILL_COMMENTED}`;

const REGISTERS = {
  workload: 'read, write and compare-and-set three keys',
  mix: '{read: 2, write: 1, cas: 1}',
  keys: 'registers k1, k2, k3',
  nemesisSummary: 'first cuts the cluster in two, then cuts the leader off from its peers (its clients\n# stay attached)',
  checks: 'for linearizability',
};

/** A leave and rejoin; with fewer than 5 nodes commented out, as a ring of 3 (N=3) refuses a leave. */
function leaveLines(nodes: number): string {
  const lines = ['- fault: leave                # one node leaves the ring (its keys move on), and rejoins after 4 s', '  target: random', '  at: 10s', '  for: 4s'];
  if (nodes >= 5) return lines.map((l) => `  ${l}`).join('\n');
  return [`  # needs 5 nodes: with N=3 replicas, a ring of ${nodes} refuses to let a node leave`, ...lines.map((l) => `  # ${l}`)].join('\n');
}

const PROFILES: Record<InitSystem, Profile> = {
  raft: {nodes: 'Raft nodes', bugs: 'stale-read', ...REGISTERS, nemesis: LEADER_NEMESIS},
  paxos: {nodes: 'Multi-Paxos nodes', bugs: 'acceptor-forgets, no-promise-check, no-dedup', ...REGISTERS, nemesis: LEADER_NEMESIS},
  custom: {nodes: 'of your own nodes', bugs: '', ...REGISTERS, nemesis: LEADER_NEMESIS},
  hashring: {
    nodes: 'hash-ring nodes (Dynamo-style, N=3 W=2 R=2)',
    bugs: 'no-handoff, stale-wins',
    workload: 'add elements to three sets and read and write three registers',
    mix: '{read: 2, write: 1, add: 3, read-set: 1}   # a quorum store has no cas',
    keys: 'registers k1, k2, k3 and sets s1, s2, s3',
    nemesisSummary: 'first kills one node for 4 s (its keys go to the next nodes, with hints),\n# then (with 5 or more nodes) takes a node out of the ring and brings it back',
    nemesis: (nodes) => `  - fault: kill                 # kill -9 one random node; start it again (same --data-dir) after 4 s
    target: random
    at: 3s
    for: 4s
${leaveLines(nodes)}
  # - fault: partition          # a quorum store stays available on both sides, so it is not linearizable
  #   shape: halves
  #   at: 15s
  #   for: 3s`,
    checks: 'with the set check (no acknowledged add lost), for linearizability, and\n# for replica convergence after the heal',
  },
  etcd: {
    nodes: 'etcd members (Debian: apt-get install etcd-server)',
    bugs: '',
    ...REGISTERS,
    nemesisSummary: 'first cuts n1 and n2 apart (each member has one peer proxy in front of it, so\n# cuts are between listed members: docs/etcd.md), then kills the leader',
    nemesis: `  - fault: partition            # n1 and n2 cannot reach each other; every other link stays up
    shape: groups
    groups: [[n1], [n2]]
    mode: reset
    at: 3s
    for: 4s
  - fault: kill                 # kill -9 the leader; start it again (same data dir) after 3 s
    target: leader
    at: 10s
    for: 3s`,
  },
};

/** The `cluster.system` lines of a starter plan. */
function systemLines(system: InitSystem): string {
  if (system !== 'custom') {
    return `  system: ${system}              # built in: raft, paxos, hashring, etcd; or {command: [...]} for your own nodes (docs/protocol.md)`;
  }
  return `  # Your own system: the command that starts ONE node, run from the directory you run faultline
  # in, with these placeholders replaced for each node (docs/protocol.md is the whole contract):
  #   {id}           the node's id: n1, n2, …
  #   {client_port}  serve client and admin requests (NDJSON: read, write, cas, status) here, on 127.0.0.1
  #   {peer_port}    accept peer connections here, on 127.0.0.1; only read from them
  #   {peers}        id=host:port,… for every other node: the address to DIAL to reach it (a faultline
  #                  proxy, one per direction, so faults can cut one direction); only send on those
  #   {data_dir}     a directory for durable state, kept when the node is killed and restarted
  # A first word of "node" runs the Node.js that runs faultline. The node must exit when its stdin
  # ends and on SIGTERM. A working example in plain JavaScript: examples/kv-node.js in faultline's repository.
  system:
    command: [./my-node, --id, "{id}", --client-port, "{client_port}", --peer-port, "{peer_port}", --peers, "{peers}", --data-dir, "{data_dir}"]
    ready: leader               # leader: wait until some node's status reports role leader; status: until every node answers status`;
}

/**
 * A commented starter plan for `system` with `nodes` nodes, over 20 s: for leader-based systems
 * two partitions (halves, then the leader cut off) and a commented-out kill; for the hash ring a
 * kill and a leave with the set workload; for etcd the faults etcd runs support. Every line it
 * writes is valid plan syntax.
 */
export function starterPlan(system: InitSystem, nodes: number, file: string): string {
  const p = PROFILES[system];
  const bugs = p.bugs === '' ? '' : `  # bugs: [${p.bugs.split(', ')[0]}]   # seeded bugs, to see what a failure looks like: ${p.bugs}\n`;
  return `# ${file}: a faultline chaos plan, written by \`faultline init\` (every field: docs/plans.md).
#
# ${nodes} ${p.nodes};
# five clients ${p.workload} for 20 s while
# the nemesis ${p.nemesisSummary}. faultline records every operation and checks the history
# ${p.checks}.
#
#   npx faultline run ${file}      # exit 0: every check passed; 1: a check failed (see report.html)
#
# The plan's name is the file name unless \`name:\` says otherwise; add \`seed: N\` to repeat a run's choices.
cluster:
${systemLines(system)}
  nodes: ${nodes}                      # odd, 3 to 7
${bugs}  readyTimeout: 20s             # how long to wait for the cluster to be ready, at start and after the final heal
workload:
  clients: 5                    # concurrent clients; client i talks to node i mod n
  keys: 3                       # ${p.keys}
  duration: 20s
  rate: 100                     # operations per second over all clients (0: as fast as the nodes answer)
  timeout: 1s                   # an operation without an answer by then is indeterminate (info)
  mix: ${p.mix}
nemesis:                        # faults, at offsets from the workload's start; steps may overlap
${typeof p.nemesis === 'string' ? p.nemesis : p.nemesis(nodes)}
final:
  quiesce: 2s                   # after the final heal, before every key is read once more
check:
  model: cas-register
  timeLimit: 60s                # checker budget; past it the verdict is unknown (exit 3)
`;
}

/** `faultline init [FILE]`: writes a commented starter plan. */
export default class Init extends FaultlineCommand {
  static override summary = 'Write a commented starter plan for a built-in system or your own nodes.';

  static override description = `Writes FILE (default plan.yaml): a chaos plan with every section commented, for a built-in \
system (raft, paxos, hashring), for etcd, or for your own nodes (custom: a command template with every placeholder of docs/protocol.md). \
The written plan is validated at once. An existing FILE is left alone (exit 2) unless --force is given.`;

  static override examples = [
    {description: 'A plan for three built-in Raft nodes, in plan.yaml.', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'A plan for five nodes of your own system.', command: '<%= config.bin %> <%= command.id %> chaos/my-system.yaml --system custom --nodes 5'},
    {description: 'Overwrite an existing file.', command: '<%= config.bin %> <%= command.id %> plan.yaml --system paxos --force'},
  ];

  static override args = {
    file: Args.string({description: 'Where to write the plan.', default: 'plan.yaml'}),
  };

  static override flags = {
    system: Flags.string({description: 'raft, paxos or hashring (built in), etcd (Debian etcd-server), or custom: your own nodes, started by a command.', options: [...INIT_SYSTEMS], default: 'raft'}),
    nodes: Flags.integer({description: 'Number of nodes: odd, 3 to 7.', default: 3, min: 3, max: 7}),
    force: Flags.boolean({description: 'Overwrite FILE if it exists.', default: false}),
  };

  static override enableJsonFlag = true;

  public async run(): Promise<{file: string; system: InitSystem; nodes: number}> {
    const {args, flags} = await this.parse(Init);
    const system = flags.system as InitSystem;
    if (flags.nodes % 2 === 0) throw new InputError(`--nodes: expected an odd number from 3 to 7, got ${flags.nodes}`);
    try {
      await mkdir(path.dirname(args.file), {recursive: true});
      await writeFile(args.file, starterPlan(system, flags.nodes, args.file), {flag: flags.force ? 'w' : 'wx'});
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new InputError(`${args.file} already exists; use --force to overwrite it`);
      throw new InputError(`${args.file}: cannot write: ${code ?? (error as Error).message}`);
    }
    let summary: string;
    try {
      const plan = await loadPlan(args.file);
      summary = `${flags.nodes} nodes, ${plan.workload.clients} clients for ${formatDuration(plan.workload.duration)}, ${plan.nemesis.length} nemesis step${plan.nemesis.length === 1 ? '' : 's'}`;
    } catch (error) {
      // A starter plan that does not validate is faultline's bug, not the user's: leave no broken file behind.
      await rm(args.file, {force: true});
      throw new Error(`the starter plan for ${system} does not validate: ${(error as Error).message}`);
    }
    this.log(`wrote ${args.file}: ${system}, ${summary}`);
    this.log(system === 'custom' ? `edit cluster.system.command, then: npx faultline run ${args.file}` : `run it: npx faultline run ${args.file}`);
    return {file: args.file, system, nodes: flags.nodes};
  }
}
