import type {ChooseAlternative, NemesisStep} from '../plan/nemesis-schema.js';

/** A nemesis step etcd cannot run as written: the step's field at fault and why. */
export interface FaultProblem {
  field: string;
  message: string;
}

const ONE_PROXY_PER_MEMBER = 'each etcd member has one peer proxy in front of it, shared by every peer that dials it, so a single directed peer link cannot be cut (docs/etcd.md)';

/**
 * Whether etcd can run a nemesis step exactly as written (docs/etcd.md "Faults"). etcd members
 * advertise one peer URL to every other member, so faultline puts one proxy in front of each
 * member's peer port, not one per directed link. What that can do exactly:
 *  - process faults (kill, stop, pause, restart), any target;
 *  - link toxics on `links: all` (every peer proxy: all peer traffic) or `links: client`;
 *  - partitions of shape `groups` with one node per group: the proxies of the listed members are
 *    cut, so they cannot reach one another in either direction and every other pair keeps its
 *    link. With `mode: drop` only when every node is listed (a total partition); otherwise
 *    `mode: reset`, because a blackholed (not closed) stream lets a listed member keep writing
 *    to an unlisted peer's connection for up to 5 s before falling back to its own connection.
 * Everything else is refused: other partition shapes, toxics on chosen peer links, clock faults.
 * @param step a fault step, or one alternative of a `choose` step.
 * @param nodes the plan's `cluster.nodes`.
 * @returns null when the step is fine, else the field to blame.
 */
export function etcdFaultProblem(step: NemesisStep | ChooseAlternative, nodes: number): FaultProblem | null {
  switch (step.fault) {
    case 'partition': {
      if (step.shape !== 'groups') return {field: 'shape', message: `etcd runs support only shape groups with one node per group: ${ONE_PROXY_PER_MEMBER}`};
      const groups = step.groups ?? [];
      const wide = groups.findIndex((g) => g.length !== 1);
      if (wide >= 0) return {field: `groups.${wide}`, message: `etcd runs need one node per group (the listed members cannot reach one another; the others keep every link): ${ONE_PROXY_PER_MEMBER}`};
      if (step.mode === 'drop' && groups.length < nodes) return {field: 'mode', message: 'etcd runs support mode drop only when every node is listed; use mode reset (a blackholed stream lets a listed member keep sending to an unlisted one for up to 5 s: docs/etcd.md)'};
      return null;
    }
    case 'latency':
    case 'bandwidth':
    case 'slicer':
    case 'reset-peer':
    case 'limit-data':
      return step.links === 'all' || step.links === 'client' ? null : {field: 'links', message: `etcd runs support links: all or client: ${ONE_PROXY_PER_MEMBER}`};
    case 'clock-skew':
    case 'clock-strobe':
      return {field: 'fault', message: `${step.fault} needs a node that accepts faultline's clock request; etcd members have no clock control`};
    default:
      return null;
  }
}
