import type {NodeId} from '../cluster/topology.js';
import type {Nanoseconds} from '../history/types.js';

/**
 * One line of nemesis.jsonl: a fault starting or stopping, or a step skipped (with the reason).
 * e.g. `{"time":3001234567,"type":"start","step":0,"fault":"partition","description":"partition n1 n2 | n3 n4 n5 (drop)","components":[["n1","n2"],["n3","n4","n5"]],"mode":"drop"}`
 */
export interface NemesisEvent {
  /** Nanoseconds since the run started, on the same clock as history.jsonl. */
  time: Nanoseconds;
  type: 'start' | 'stop' | 'skip';
  /** Index of the plan's nemesis step; -1 for the final heal. */
  step: number;
  fault: 'partition' | 'kill' | 'heal';
  /** One line for people: what was done to whom. */
  description: string;
  /** Partitions: the groups that could not reach each other. */
  components?: NodeId[][];
  /** Partitions: `drop` or `reset`. */
  mode?: string;
  /** Kills: the node killed and restarted. */
  node?: NodeId;
}
