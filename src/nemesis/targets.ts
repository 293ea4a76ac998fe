import type {NodeId} from '../cluster/topology.js';
import type {Target} from '../plan/nemesis-schema.js';
import type {Rng} from '../rng/index.js';

/** What target resolution may look at: the cluster as the harness sees it when a fault starts. */
export interface ClusterView {
  /** Every node of the cluster, in order. */
  ids: readonly NodeId[];
  /** Nodes whose process runs (paused ones included). */
  running: readonly NodeId[];
  /** The node that reports itself leader with the highest term, or null. */
  leader: NodeId | null;
}

/**
 * Resolves a target spec to node ids (Jepsen's `:one :minority :majority :all :primaries`, plus
 * `followers` and named ids), drawing from `rng` for the random ones.
 * @returns the nodes in id order, or a reason string when the target names nobody right now.
 */
export function resolveTarget(spec: Target, view: ClusterView, rng: Rng): NodeId[] | string {
  const running = [...view.running];
  const pickSome = (k: number) => rng.shuffle(running).slice(0, k).sort(byId);
  if (Array.isArray(spec)) {
    const up = spec.filter((id) => running.includes(id));
    return up.length > 0 ? up.sort(byId) : `none of ${spec.join(', ')} is running`;
  }
  const minority = Math.floor((view.ids.length - 1) / 2);
  const majority = Math.floor(view.ids.length / 2) + 1;
  switch (spec) {
    case 'one':
    case 'random':
      return running.length > 0 ? pickSome(1) : 'no node is running';
    case 'minority':
      return running.length > 0 ? pickSome(Math.max(1, Math.min(minority, running.length))) : 'no node is running';
    case 'majority':
      return running.length >= majority ? pickSome(majority) : `only ${running.length} nodes are running`;
    case 'all':
      return running.length > 0 ? running.sort(byId) : 'no node is running';
    case 'leader':
      return view.leader ? [view.leader] : 'no node reports itself leader';
    case 'followers': {
      if (!view.leader) return 'no node reports itself leader';
      const followers = running.filter((id) => id !== view.leader);
      return followers.length > 0 ? followers.sort(byId) : 'the leader has no running followers';
    }
    default:
      return running.includes(spec) ? [spec] : `${spec} is not running`;
  }
}

function byId(a: NodeId, b: NodeId): number {
  return a.localeCompare(b, 'en', {numeric: true});
}

/** Whether a target spec needs to know the leader (so the cluster is asked only when it matters). */
export function needsLeader(spec: Target | undefined): boolean {
  return spec === 'leader' || spec === 'followers';
}
