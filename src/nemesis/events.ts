import type {NodeId} from '../cluster/topology.js';
import type {Nanoseconds} from '../history/types.js';

/** Faults as nemesis.jsonl names them; `heal` is the final heal of the run. */
export type FaultName = 'partition' | 'kill' | 'stop' | 'pause' | 'restart' | 'latency' | 'bandwidth' | 'slicer' | 'reset-peer' | 'limit-data' | 'clock-skew' | 'clock-strobe' | 'leave' | 'join' | 'heal';

/**
 * One line of nemesis.jsonl: a fault starting or stopping, or an occurrence skipped (with the
 * reason). e.g.
 * `{"time":3001234567,"type":"start","step":0,"occurrence":0,"fault":"partition","description":"partition n1 n2 | n3 n4 n5 (drop)","components":[["n1","n2"],["n3","n4","n5"]],"cut":["n1-n3",…],"mode":"drop"}`
 */
export interface NemesisEvent {
  /** Nanoseconds since the run started, on the same clock as history.jsonl. */
  time: Nanoseconds;
  type: 'start' | 'stop' | 'skip';
  /** Index of the plan's nemesis step; -1 for the final heal. */
  step: number;
  /** Which occurrence of a repeating step (`every`), from 0. */
  occurrence?: number;
  fault: FaultName;
  /** One line for people: what was done to whom. */
  description: string;
  /** Partitions: the groups that could not reach each other, when the shape has groups. */
  components?: NodeId[][];
  /** Partitions: the directed peer links cut, as proxy names (`n1-n2`). Replay reuses them. */
  cut?: string[];
  /** Partitions: `drop` or `reset`. */
  mode?: string;
  /** Process faults, and the nodes an isolation cut off: the nodes acted on. Replay reuses them. */
  nodes?: NodeId[];
  /** Link faults: the proxies that got the toxic. */
  proxies?: string[];
  /** `choose` steps: the index of the alternative this occurrence drew. Replay reuses it. */
  choice?: number;
}
