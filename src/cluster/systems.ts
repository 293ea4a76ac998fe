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
}

/**
 * The command line of a built-in node: `[file, ...args]`. Built-in nodes are started exactly as a
 * user's own nodes would be (DESIGN.md principle 3).
 */
export function builtinCommand(system: 'raft' | 'paxos', launch: NodeLaunch): [string, ...string[]] {
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
