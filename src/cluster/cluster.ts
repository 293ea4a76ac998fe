import {appendFileSync, closeSync, mkdirSync, openSync, readFileSync, writeSync} from 'node:fs';
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {adminRequest, queryStatus, RequestFailed} from '../client/index.js';
import {ClusterError} from '../errors/index.js';
import {sleep} from '../history/clock.js';
import type {StatusOk} from '../protocol/index.js';
import {Reaper} from './reaper.js';
import {GRACE_BEFORE_SIGKILL_MS, stopChild, track} from './supervisor.js';
import type {NodeLaunch} from './systems.js';
import type {NodeId} from './topology.js';

/** The last line of a log file that names an error (else its last line), or a note that there is none. */
function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return [...lines].reverse().find((l) => /error/i.test(l))?.trim() ?? (lines[lines.length - 1] || '(nothing)');
  } catch {
    return '(no log)';
  }
}

/** Admin status requests give up after this many ms (a paused or partitioned node may not answer). */
const STATUS_TIMEOUT_MS = 500;
/** Poll interval while waiting for a leader, in ms. */
const READY_POLL_MS = 100;

type NodeProcess = ResultPromise<{stdin: 'pipe'}>;

/** What the harness reads from a node's status: its role and term, and the leader it believes in. */
export type NodeStatus = Pick<StatusOk, 'node' | 'role' | 'term' | 'leader'>;

/**
 * How the harness asks a node for its status and sets its clock: the NDJSON admin requests of
 * docs/protocol.md, or a system's own API (etcd, src/etcd/admin.ts).
 */
export interface NodeAdmin {
  /** The node's status, or null when it does not answer within `timeoutMs`. */
  status(launch: NodeLaunch, timeoutMs: number): Promise<NodeStatus | null>;
  /** Sets the node's clock; returns the clock now in force, or why it could not be set. */
  setClock(launch: NodeLaunch, rate: number, offsetMs: number, timeoutMs: number): Promise<{rate: number; offsetMs: number} | string>;
  /**
   * What the node holds for the keys it is a home replica of, and its ring (docs/protocol.md
   * `replicas`); `'unsupported'` when the system has no such request; null when the node does not
   * answer, or answers something else or something invalid.
   */
  replicas(launch: NodeLaunch, timeoutMs: number): Promise<ReplicaReply | 'unsupported' | null>;
}

/** A node's `replicas` answer: its reports by key and, if it has one, its view of the ring. */
export type ReplicaReply = {keys: Record<string, {replicas: string[]; value: unknown}>; members?: string[]};

/** The NDJSON admin requests (docs/protocol.md `status` and `clock`) on the node's client port. */
export const ndjsonAdmin: NodeAdmin = {
  async status(launch, timeoutMs) {
    const reply = await queryStatus('127.0.0.1', launch.clientPort, timeoutMs);
    return reply?.type === 'status_ok' ? reply : null;
  },
  async setClock(launch, rate, offsetMs, timeoutMs) {
    const id = launch.id;
    try {
      const reply = await adminRequest('127.0.0.1', launch.clientPort, {type: 'clock', rate, offsetMs}, timeoutMs);
      if (reply.type === 'clock_ok') return {rate: reply.rate, offsetMs: reply.offsetMs};
      return reply.type === 'error' ? `${id} refused the clock request (${reply.code}: ${reply.text})` : `${id} answered ${reply.type}`;
    } catch (error) {
      return `${id} did not answer the clock request (${(error as Error).message})`;
    }
  },
  async replicas(launch, timeoutMs) {
    try {
      const reply = await adminRequest('127.0.0.1', launch.clientPort, {type: 'replicas'}, timeoutMs);
      if (reply.type === 'error' && reply.code === 'malformed') return 'unsupported';
      return reply.type === 'replicas_ok' ? {keys: reply.keys, ...(reply.members ? {members: reply.members} : {})} : null;
    } catch {
      return null;
    }
  },
};

/** One node of a running cluster, as the harness sees it: a command line and its ports. */
export interface ClusterNode {
  launch: NodeLaunch;
  command: readonly [string, ...string[]];
  logFile: string;
  process: NodeProcess | null;
  /** Set when the harness itself kills the current process, so its exit is not reported as a crash. */
  killedByHarness: boolean;
}

/** An exit the harness did not cause (a crash): reported in results. */
export interface UnexpectedExit {
  node: NodeId;
  exitCode: number | null;
  signal: string | null;
  /** When the process could not be started at all: why (e.g. `spawn ./my-node ENOENT`). */
  spawnError?: string;
  logFile: string;
}

/** How an unexpected exit reads in one line: `SIGSEGV`, `code 1`, or the spawn error. */
export function describeExit(exit: UnexpectedExit): string {
  return exit.spawnError ?? exit.signal ?? `code ${exit.exitCode}`;
}

/**
 * The node processes of a run (DESIGN.md "cluster/"). Starts each node with execa, its stdout and
 * stderr appended to `nodes/<id>.log`, its stdin a pipe held by the harness so that it dies with
 * the harness. Kill, restart and stop act on processes; `status` and `leader` ask the nodes'
 * admin endpoint directly (not through the proxies, so faults do not hide the answer).
 */
export class Cluster {
  readonly nodes = new Map<NodeId, ClusterNode>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  /** Nodes stopped with SIGSTOP and not yet resumed. */
  private readonly paused = new Set<NodeId>();
  private readonly outOfRing = new Set<NodeId>();
  /** Kills the nodes if the harness dies without stopping them (SIGKILL): not every system exits when its stdin closes. */
  private readonly reaper = new Reaper();
  private stopping = false;

  /**
   * @param commandFor the command line of a node from its launch facts.
   * @param runDir the run directory; node logs go to `runDir/nodes/<id>.log`, data to `runDir/data/<id>`.
   * @param admin how status and clock requests reach a node (NDJSON unless the system has its own API).
   */
  constructor(
    launches: readonly NodeLaunch[],
    commandFor: (launch: NodeLaunch) => readonly [string, ...string[]],
    runDir: string,
    private readonly onUnexpectedExit: (exit: UnexpectedExit) => void = () => {},
    private readonly admin: NodeAdmin = ndjsonAdmin,
  ) {
    mkdirSync(path.join(runDir, 'nodes'), {recursive: true});
    for (const launch of launches) {
      mkdirSync(launch.dataDir, {recursive: true});
      this.nodes.set(launch.id, {launch, command: commandFor(launch), logFile: path.join(runDir, 'nodes', `${launch.id}.log`), process: null, killedByHarness: false});
    }
  }

  get ids(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** Starts every node that is not running. */
  startAll(): void {
    for (const id of this.nodes.keys()) this.start(id);
  }

  /** True while the node's process runs. */
  isRunning(id: NodeId): boolean {
    const p = this.node(id).process;
    return p !== null && p.exitCode === null && p.signalCode === null;
  }

  /** Starts a node's process (no-op if it runs). Appends a marker line to its log. */
  start(id: NodeId): void {
    const node = this.node(id);
    if (this.isRunning(id)) return;
    const fd = openSync(node.logFile, 'a');
    writeSync(fd, `--- faultline: starting ${id}: ${node.command.join(' ')}\n`);
    const [file, ...args] = node.command;
    // The log file descriptor is handed to the child directly, so its output does not pass through
    // the harness's event loop and survives a harness crash.
    const child = execa(file, args, {
      stdio: ['pipe', fd, fd],
      // Own process group: a Ctrl-C in the terminal reaches only the harness, which then stops
      // children in order. They still die with the harness: they exit when their stdin closes.
      detached: true,
      reject: false,
      forceKillAfterDelay: GRACE_BEFORE_SIGKILL_MS,
      env: {...process.env, NODE_OPTIONS: ''},
    } as unknown as {stdin: 'pipe'}) as NodeProcess;
    closeSync(fd);
    node.process = track(child);
    node.killedByHarness = false;
    this.reaper.watch(child.pid);
    void child.then((result) => {
      this.reaper.forget(child.pid);
      // execa's isTerminated is true for a signal from anyone; only the harness's own kills are expected.
      if (node.process !== child || this.stopping || node.killedByHarness) return;
      // No exit code and no signal: the command never ran (not found, not executable).
      const spawnError = result.exitCode === undefined && result.signal === undefined ? `could not start: ${result.originalMessage || result.shortMessage}` : undefined;
      if (spawnError) appendFileSync(node.logFile, `--- faultline: ${id} ${spawnError}\n`);
      const exit = {node: id, exitCode: result.exitCode ?? null, signal: result.signal ?? null, ...(spawnError ? {spawnError} : {}), logFile: node.logFile};
      this.unexpectedExits.push(exit);
      this.onUnexpectedExit(exit);
    });
  }

  /** SIGKILLs a node (kill -9) and waits until it has exited. */
  async kill(id: NodeId): Promise<void> {
    const child = this.node(id).process;
    if (!child || !this.isRunning(id)) return;
    this.node(id).killedByHarness = true;
    child.kill('SIGKILL');
    await child;
  }

  /** SIGTERMs a node (SIGKILL after the grace period) and waits until it has exited. */
  async stop(id: NodeId): Promise<void> {
    const node = this.node(id);
    if (!node.process || !this.isRunning(id)) return;
    node.killedByHarness = true;
    this.resume(id);
    await stopChild(node.process);
  }

  /** Freezes a running node with SIGSTOP (it keeps its sockets but answers nothing). */
  pause(id: NodeId): void {
    if (!this.isRunning(id)) return;
    this.node(id).process!.kill('SIGSTOP');
    this.paused.add(id);
  }

  /** Resumes a paused node with SIGCONT. */
  resume(id: NodeId): void {
    if (this.isRunning(id)) this.node(id).process!.kill('SIGCONT');
    this.paused.delete(id);
  }

  /** True while the node is paused by `pause`. */
  isPaused(id: NodeId): boolean {
    return this.paused.has(id);
  }

  /** Sends SIGCONT to every running node, so that none stays paused (SIGSTOP) after the run's faults. */
  resumeAll(): void {
    for (const id of this.ids) if (this.isRunning(id)) this.node(id).process!.kill('SIGCONT');
    this.paused.clear();
  }

  /** Stops every node: SIGTERM, then SIGKILL after the grace period. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.nodes.values()].map((n) => (n.process ? stopChild(n.process) : undefined)));
    this.reaper.close();
  }

  /**
   * Sets a node's clock over its admin endpoint (docs/protocol.md `clock`).
   * @returns the clock the node reports now in force, or a reason it could not be set.
   */
  setClock(id: NodeId, rate: number, offsetMs: number): Promise<{rate: number; offsetMs: number} | string> {
    return this.admin.setClock(this.node(id).launch, rate, offsetMs, STATUS_TIMEOUT_MS);
  }

  /**
   * What a node holds for the keys it is a home replica of, and its ring members (docs/protocol.md
   * `replicas`); `'unsupported'` if it answers `malformed` (systems that do not replicate by key);
   * null if it does not answer, or answers something else or something invalid.
   */
  async replicas(id: NodeId, timeoutMs = STATUS_TIMEOUT_MS): Promise<ReplicaReply | 'unsupported' | null> {
    return this.admin.replicas(this.node(id).launch, timeoutMs);
  }

  /**
   * Makes a node leave or (re)join the ring (docs/protocol.md `join` / `leave`). Nodes made to
   * leave are remembered until they rejoin, so that the final heal can bring them back; so is a
   * node that got a `leave` and did not answer (it may still act on it, e.g. when it wakes from a pause).
   * @returns the ring members the node reports afterwards, or why it could not be done.
   */
  async membership(id: NodeId, action: 'join' | 'leave'): Promise<string[] | string> {
    try {
      const reply = await adminRequest('127.0.0.1', this.node(id).launch.clientPort, {type: action}, STATUS_TIMEOUT_MS);
      if (reply.type !== 'membership_ok') return reply.type === 'error' ? `${id} refused ${action} (${reply.code}: ${reply.text})` : `${id} answered ${reply.type}`;
      if (action === 'leave') this.outOfRing.add(id);
      else this.outOfRing.delete(id);
      return reply.members;
    } catch (error) {
      const sent = error instanceof RequestFailed && error.sent;
      if (sent && action === 'leave') this.outOfRing.add(id);
      return `${id} did not answer ${action} (${(error as Error).message})${sent && action === 'leave' ? '; it may still leave, and the final heal brings it back' : ''}`;
    }
  }

  /**
   * Waits until `id`'s view of the ring (its `replicas` reply) has none of `gone` in it, so that a
   * node deciding whether it may leave counts the nodes that already left.
   * @returns false if that did not happen within `timeoutMs`.
   */
  async waitForRingWithout(id: NodeId, gone: readonly NodeId[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!signal?.aborted) {
      const state = await this.replicas(id);
      // a node that reports no view of the ring (a custom system) decides by its own lights
      if (state === 'unsupported' || (state !== null && !state.members)) return true;
      if (state !== null && !gone.some((g) => state.members!.includes(g))) return true;
      if (Date.now() >= deadline) return false;
      await sleep(READY_POLL_MS / 2, signal);
    }
    return false;
  }

  /** Nodes a `leave` took out of the ring and no `join` has brought back yet. */
  get leftRing(): NodeId[] {
    return [...this.outOfRing].sort();
  }

  /** A node's status over its admin endpoint, or null if it does not answer. */
  status(id: NodeId): Promise<NodeStatus | null> {
    return this.admin.status(this.node(id).launch, STATUS_TIMEOUT_MS);
  }

  /**
   * The current leader: among running nodes that report role `leader`, the one with the highest
   * term (an isolated old leader may still believe it leads in an older term). Null if none.
   */
  async leader(): Promise<NodeId | null> {
    const statuses = await Promise.all(this.ids.filter((id) => this.isRunning(id)).map((id) => this.status(id)));
    let best: NodeStatus | null = null;
    for (const s of statuses) if (s?.role === 'leader' && (!best || s.term > best.term)) best = s;
    return best?.node ?? null;
  }

  /**
   * Waits until some node reports itself leader.
   * @param timeoutMs give up after this many ms.
   * @throws ClusterError naming every node's state and log when no leader appears in time, or a node exits.
   */
  async waitForLeader(timeoutMs: number, signal?: AbortSignal): Promise<NodeId> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !signal?.aborted) {
      const leader = await this.leader();
      if (leader) return leader;
      if (this.ids.every((id) => !this.isRunning(id))) {
        const first = this.node(this.ids[0]);
        throw new ClusterError(`every node exited before a leader was elected; ${first.launch.id} logged: ${lastLine(first.logFile)} (${first.logFile})`);
      }
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    const dead = this.ids.filter((id) => !this.isRunning(id));
    const detail = dead.length > 0 ? `; not running: ${dead.map((id) => `${id} (log ${this.node(id).logFile})`).join(', ')}` : `; logs in ${path.dirname(this.node(this.ids[0]).logFile)}`;
    throw new ClusterError(`no leader elected within ${timeoutMs} ms${detail}`);
  }

  /**
   * Waits until the cluster is ready: `leader` — some node reports itself leader; `status` — every
   * node answers status (systems without leaders).
   * @returns a description for logs, e.g. `leader n2`.
   * @throws ClusterError as `waitForLeader`.
   */
  async waitForReady(mode: 'leader' | 'status', timeoutMs: number, signal?: AbortSignal): Promise<string> {
    if (mode === 'leader') return `leader ${await this.waitForLeader(timeoutMs, signal)}`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !signal?.aborted) {
      const answers = await Promise.all(this.ids.map((id) => this.status(id)));
      if (answers.every((a) => a !== null)) return 'every node answers status';
      if (this.ids.every((id) => !this.isRunning(id))) throw new ClusterError(`every node exited before the cluster was ready; logs in ${path.dirname(this.node(this.ids[0]).logFile)}`);
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    const silent = (await Promise.all(this.ids.map(async (id) => ((await this.status(id)) === null ? id : null)))).filter((id) => id !== null);
    throw new ClusterError(`not every node answered status within ${timeoutMs} ms (silent: ${silent.join(', ')}); logs in ${path.dirname(this.node(this.ids[0]).logFile)}`);
  }

  private node(id: NodeId): ClusterNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    return node;
  }
}
