/**
 * Random chaos over the in-memory cluster (sim.ts), for the property tests: a hostile network
 * (drops, duplicates, delays that reorder), crashes and restarts of acceptors from their simulated
 * disks, random partitions and heals, and client requests sent to random nodes. Fast timeouts make
 * proposers compete often. Deterministic for a given seed.
 */
import type {PaxosConfig} from '../../../nodes/paxos/core.js';
import {PaxosSim, type NetOptions} from './sim.js';

/** One chaos scenario; every probability is per tick. */
export interface ChaosOptions {
  nodes: number;
  ticks: number;
  net: NetOptions;
  crashRate: number;
  restartRate: number;
  partitionRate: number;
  healRate: number;
  proposeRate: number;
  config?: Partial<PaxosConfig>;
}

/** Timeouts short enough that leaders change many times in a few hundred ticks. */
export const FAST_CONFIG: Partial<PaxosConfig> = {
  electionTicksMin: 4,
  electionTicksMax: 10,
  heartbeatTicks: 1,
  quorumCheckTicks: 6,
  requestTimeoutTicks: 40,
  resubmitTicks: 5,
  snapshotEverySlots: 8,
  maxSlotsPerMessage: 5,
};

/** Runs one scenario and returns the sim (its `violations` are the verdict). */
export function chaos(seed: number, o: ChaosOptions): PaxosSim {
  const sim = new PaxosSim(o.nodes, {...FAST_CONFIG, ...o.config}, o.net, seed);
  let value = 1;
  for (let t = 0; t < o.ticks; t++) {
    if (sim.chance(o.crashRate)) {
      const up = sim.ids.filter((id) => !sim.down.has(id));
      if (up.length > 0) sim.crash(up[sim.int(0, up.length - 1)]);
    }
    if (sim.down.size > 0 && sim.chance(o.restartRate)) {
      const down = [...sim.down];
      sim.restart(down[sim.int(0, down.length - 1)]);
    }
    if (sim.chance(o.partitionRate)) {
      sim.heal();
      const shuffled = [...sim.ids].sort(() => 0).map((id) => ({id, side: sim.int(0, 1)}));
      sim.partition(shuffled.filter((x) => x.side === 0).map((x) => x.id), shuffled.filter((x) => x.side === 1).map((x) => x.id));
    }
    if (sim.chance(o.healRate)) sim.heal();
    if (sim.chance(o.proposeRate)) {
      const to = sim.ids[sim.int(0, sim.ids.length - 1)];
      const kind = sim.int(0, 2);
      const key = `k${sim.int(1, 2)}`;
      const client = `c${sim.int(1, 3)}`;
      const seq = value;
      sim.propose(
        to,
        kind === 0 ? {type: 'read', key} : kind === 1 ? {type: 'write', key, value: value++, client, seq} : {type: 'cas', key, from: sim.int(0, value), to: value++, client, seq},
      );
    }
    sim.run(1);
  }
  return sim;
}
