import which from 'which';
import {ETCD_INSTALL_HINT, etcdCommand, findEtcd} from '../etcd/command.js';
import type {CustomSystem, SYSTEMS} from '../plan/schema.js';
import {builtinNodeScript} from './paths.js';
import type {NodeId} from './topology.js';

/** What a node needs to know to start (the placeholders of docs/protocol.md). */
export interface NodeLaunch {
  id: NodeId;
  /** Port of the node's client and admin NDJSON listener on 127.0.0.1. */
  clientPort: number;
  /** Port of the node's inbound peer listener on 127.0.0.1. */
  peerPort: number;
  /** For each other node, the `host:port` this node dials to reach it (the proxy of that link). */
  peers: ReadonlyMap<NodeId, string>;
  dataDir: string;
  bugs: readonly string[];
  /**
   * etcd only: the `host:port` every other member dials to reach this one (the proxy in front of
   * its peer port), which it advertises as its peer URL.
   */
  advertisedPeer?: string;
}

/**
 * The command line of a built-in node: `[file, ...args]`. Built-in nodes are started exactly as a
 * user's own nodes would be (DESIGN.md principle 3).
 */
export function builtinCommand(system: Exclude<BuiltinSystem, 'etcd'>, launch: NodeLaunch): [string, ...string[]] {
  const peers = [...launch.peers].map(([id, addr]) => `${id}=${addr}`).join(',');
  return [
    process.execPath,
    builtinNodeScript(system),
    '--id',
    launch.id,
    '--client-port',
    String(launch.clientPort),
    '--peer-port',
    String(launch.peerPort),
    '--peers',
    peers,
    '--data-dir',
    launch.dataDir,
    ...(launch.bugs.length > 0 ? ['--bugs', launch.bugs.join(',')] : []),
  ];
}

/** A built-in system's name: faultline's own nodes, or etcd. */
export type BuiltinSystem = (typeof SYSTEMS)[number];

/** A plan's `cluster.system`: a built-in system's name, or a user's own command. */
export type SystemSpec = BuiltinSystem | CustomSystem;

/**
 * Why a system's nodes cannot start on this machine, in one line naming the plan field, or null:
 * etcd not on PATH, or a custom command whose program is not an executable file, looked up as the
 * node start looks it up (on PATH, or from the working directory when it holds a slash). A program
 * given by a placeholder is not checked.
 */
export function systemUnavailable(system: SystemSpec): string | null {
  if (system === 'etcd') return findEtcd() === null ? `cluster.system: etcd is not installed (no etcd on PATH); ${ETCD_INSTALL_HINT}` : null;
  if (typeof system === 'string') return null;
  const program = system.command[0];
  if (program.includes('{') || which.sync(program, {nothrow: true}) !== null) return null;
  const where = program.includes('/') ? `from ${process.cwd()}` : 'on PATH';
  return `cluster.system.command: ${program} is not an executable file (looked up ${where})`;
}

/** How a system is named in logs and reports: `raft`, `paxos`, `hashring`, `etcd` or `custom`. */
export function systemName(system: SystemSpec): string {
  return typeof system === 'string' ? system : 'custom';
}

/**
 * When the cluster counts as ready (Cluster.waitForReady): `leader` for systems with a leader,
 * `status` (every node answers) for the leaderless hash ring, the plan's choice for a custom system.
 */
export function readyMode(system: SystemSpec): 'leader' | 'status' {
  if (typeof system !== 'string') return system.ready;
  return system === 'hashring' ? 'status' : 'leader';
}

/**
 * The command line of one node: a built-in node's, an etcd member's, or the user's command with its placeholders
 * (`{id}`, `{client_port}`, `{peer_port}`, `{peers}`, `{data_dir}`) replaced (docs/protocol.md).
 */
export function nodeCommand(system: SystemSpec, launch: NodeLaunch): [string, ...string[]] {
  if (system === 'etcd') return etcdCommand(findEtcd() ?? 'etcd', launch);
  if (typeof system === 'string') return builtinCommand(system, launch);
  const values: Record<string, string> = {
    '{id}': launch.id,
    '{client_port}': String(launch.clientPort),
    '{peer_port}': String(launch.peerPort),
    '{peers}': [...launch.peers].map(([id, addr]) => `${id}=${addr}`).join(','),
    '{data_dir}': launch.dataDir,
  };
  const [file, ...args] = system.command.map((part) => part.replace(/\{(id|client_port|peer_port|peers|data_dir)\}/g, (p) => values[p]));
  return [file === 'node' ? process.execPath : file, ...args];
}
