import type {HistoryEvent, Nanoseconds} from '../history/types.js';
import type {SimpleCheck} from './availability.js';

/**
 * Recovery: after each moment the last active fault healed, some operation completes `ok` within
 * `withinMs`. Heals too close to the end of the workload to tell are left out.
 */
export function checkRecovery(events: readonly HistoryEvent[], healed: readonly Nanoseconds[], workloadEnd: Nanoseconds, withinMs: number): SimpleCheck {
  const oks = events.filter((e) => e.type === 'ok').map((e) => e.time);
  const within = withinMs * 1e6;
  let worst = 0;
  let judged = 0;
  for (const t of healed) {
    const first = oks.find((ok) => ok > t);
    if (first === undefined || first - t > within) {
      if (t + within > workloadEnd) continue;
      return {
        valid: false,
        explanation: `no operation succeeded within ${withinMs} ms of the heal at ${(t / 1e9).toFixed(3)} s${first === undefined ? '' : ` (the first took ${((first - t) / 1e6).toFixed(0)} ms)`}.`,
        figures: {heals: healed.length, worstRecoveryMs: first === undefined ? Infinity : (first - t) / 1e6},
      };
    }
    judged++;
    worst = Math.max(worst, (first - t) / 1e6);
  }
  return {
    valid: true,
    explanation: judged === 0 ? 'no heal to judge' : `after ${judged === 1 ? 'the heal' : `each of ${judged} heals`} an operation succeeded within ${worst.toFixed(0)} ms (bound ${withinMs} ms)`,
    figures: {heals: judged, worstRecoveryMs: worst},
  };
}
