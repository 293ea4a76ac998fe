import which from 'which';
import type {NodeLaunch} from '../cluster/systems.js';

/** etcd's heartbeat interval in ms: half etcd's default of 100 ms, so that runs are quick on loopback. */
export const ETCD_HEARTBEAT_MS = 50;
/** etcd's election timeout in ms (etcd's default is 1000 ms; its tuning guide asks for ≥ 5 heartbeats). */
export const ETCD_ELECTION_TIMEOUT_MS = 500;
/** What `--initial-cluster-token` says: every member of a run must give the same token. */
const CLUSTER_TOKEN = 'faultline';

/** The one line said when etcd is missing (exit 2). */
export const ETCD_INSTALL_HINT = 'install Debian\'s etcd-server package (apt-get install etcd-server), or put an etcd 3.4+ binary on PATH';

/**
 * The etcd binary faultline starts: the first executable `etcd` on PATH.
 * @returns its path, or null when there is none.
 */
export function findEtcd(pathVariable: string = process.env.PATH ?? ''): string | null {
  return which.sync('etcd', {path: pathVariable, nothrow: true});
}

/**
 * The command line of one etcd member (docs/etcd.md). The member listens for peers on its own
 * `peerPort` but advertises `launch.advertisedPeer`, the proxy in front of it, so every peer
 * connection dialed to it passes that proxy; `--initial-cluster` names every member by the
 * proxy in front of it (a member's id is a hash of the peer URLs it advertises, so all members
 * must see the same URL for it). Clients reach it on `clientPort` (faultline's client proxy
 * forwards there). On a restart etcd reads its membership from `--data-dir` and ignores the
 * `--initial-*` flags.
 * @throws Error when `launch.advertisedPeer` is missing (the harness sets it for etcd).
 */
export function etcdCommand(binary: string, launch: NodeLaunch): [string, ...string[]] {
  if (!launch.advertisedPeer) throw new Error(`etcd member ${launch.id} needs the address of the proxy in front of it`);
  const members = [[launch.id, launch.advertisedPeer] as const, ...launch.peers].sort(([a], [b]) => a.localeCompare(b, 'en', {numeric: true}));
  return [
    binary,
    '--name', launch.id,
    '--data-dir', launch.dataDir,
    '--listen-peer-urls', `http://127.0.0.1:${launch.peerPort}`,
    '--initial-advertise-peer-urls', `http://${launch.advertisedPeer}`,
    '--listen-client-urls', `http://127.0.0.1:${launch.clientPort}`,
    '--advertise-client-urls', `http://127.0.0.1:${launch.clientPort}`,
    '--initial-cluster', members.map(([id, addr]) => `${id}=http://${addr}`).join(','),
    '--initial-cluster-state', 'new',
    '--initial-cluster-token', CLUSTER_TOKEN,
    '--heartbeat-interval', String(ETCD_HEARTBEAT_MS),
    '--election-timeout', String(ETCD_ELECTION_TIMEOUT_MS),
    '--logger', 'zap',
    '--log-outputs', 'stderr',
  ];
}
