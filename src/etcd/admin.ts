import type {NodeAdmin, NodeStatus} from '../cluster/cluster.js';
import type {NodeLaunch} from '../cluster/systems.js';
import {gatewayPost} from './gateway.js';

/**
 * A member's status from etcd's maintenance API (`POST /v3/maintenance/status` on its client port,
 * directly, not through the proxies): it is the leader when the leader id it reports is its own
 * member id (`header.member_id`); `term` is its raft term.
 * @returns null when the member does not answer within `timeoutMs` (down, paused) or answers
 *   something else than a status.
 */
export async function etcdStatus(launch: NodeLaunch, timeoutMs: number): Promise<NodeStatus | null> {
  const result = await gatewayPost('127.0.0.1', launch.clientPort, '/v3/maintenance/status', {}, timeoutMs);
  if (result.type !== 'reply' || result.status !== 200) return null;
  const member = (result.body.header as {member_id?: unknown} | undefined)?.member_id;
  const {leader, raftTerm} = result.body;
  if (typeof member !== 'string' || typeof raftTerm !== 'string') return null;
  return {node: launch.id, role: leader === member ? 'leader' : 'follower', term: Number(raftTerm), leader: leader === member ? launch.id : null};
}

/** The harness's admin access to etcd members: status from the maintenance API; no clock control, no `replicas`. */
export const etcdAdmin: NodeAdmin = {
  status: etcdStatus,
  setClock: async (launch) => `${launch.id} is an etcd member: its clock cannot be set`,
  replicas: async () => 'unsupported',
};
