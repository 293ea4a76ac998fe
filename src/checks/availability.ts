import type {Verdict} from '../checker/index.js';
import type {HistoryEvent, Nanoseconds} from '../history/types.js';
import {inside, type Interval} from './windows.js';

/** Thresholds of the availability check: fractions (0–1) of invoked operations that completed ok. */
export interface AvailabilityBounds {
  overall: number;
  outsideFaults: number;
}

/** Result of a non-linearizability check: its verdict, one line, and its figures. */
export interface SimpleCheck {
  valid: Verdict;
  explanation: string;
  figures: Record<string, number>;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Availability (Jepsen's `stats` checker, with a bound): the fraction of operations invoked during
 * the workload that completed `ok`, overall and for those invoked outside fault windows and
 * outside the recovery grace after each heal (`grace`: intervals to leave out too).
 */
export function checkAvailability(events: readonly HistoryEvent[], workload: {from: Nanoseconds; to: Nanoseconds}, faults: readonly Interval[], grace: readonly Interval[], bounds: AvailabilityBounds): SimpleCheck {
  const outcome = new Map<number, string>();
  const invokes: HistoryEvent[] = [];
  const open = new Map<number, HistoryEvent>();
  for (const e of events) {
    if (e.type === 'invoke') {
      if (e.time >= workload.from && e.time <= workload.to) {
        invokes.push(e);
        open.set(e.process, e);
      }
    } else {
      const inv = open.get(e.process);
      if (inv) outcome.set(inv.index, e.type);
      open.delete(e.process);
    }
  }
  const ok = (list: HistoryEvent[]) => list.filter((e) => outcome.get(e.index) === 'ok').length;
  const calm = invokes.filter((e) => !inside(e.time, faults) && !inside(e.time, grace));
  const overall = invokes.length > 0 ? ok(invokes) / invokes.length : 1;
  const outside = calm.length > 0 ? ok(calm) / calm.length : 1;
  const figures = {okFraction: overall, okFractionOutsideFaults: outside, operations: invokes.length, operationsOutsideFaults: calm.length};
  const failures: string[] = [];
  if (overall < bounds.overall) failures.push(`only ${pct(overall)} of ${invokes.length} workload operations succeeded (bound ${pct(bounds.overall)})`);
  if (calm.length > 0 && outside < bounds.outsideFaults) failures.push(`only ${pct(outside)} of the ${calm.length} operations outside fault windows and post-heal grace succeeded (bound ${pct(bounds.outsideFaults)})`);
  if (failures.length > 0) return {valid: false, explanation: `${failures.join('; ')}.`, figures};
  return {valid: true, explanation: `${pct(overall)} of ${invokes.length} workload operations ok; ${pct(outside)} of ${calm.length} outside fault windows and post-heal grace`, figures};
}
