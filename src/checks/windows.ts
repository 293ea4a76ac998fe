import type {Nanoseconds} from '../history/types.js';
import type {NemesisEvent} from '../nemesis/events.js';

/** A time interval [from, to] in ns on the history clock. */
export interface Interval {
  from: Nanoseconds;
  to: Nanoseconds;
}

/**
 * The intervals during which at least one fault was active (union of every start–stop pair of
 * the plan's steps; the final heal excluded), and the moments when the last active fault healed.
 * A fault still active at `endNs` runs to `endNs`.
 */
export function faultIntervals(nemesis: readonly NemesisEvent[], endNs: Nanoseconds): {active: Interval[]; healed: Nanoseconds[]} {
  const events = nemesis.filter((e) => e.step >= 0 && e.type !== 'skip').sort((a, b) => a.time - b.time);
  const active: Interval[] = [];
  const healed: Nanoseconds[] = [];
  const open = new Set<string>();
  let since = 0;
  for (const e of events) {
    const id = `${e.step}/${e.occurrence ?? 0}`;
    if (e.type === 'start') {
      if (open.size === 0) since = e.time;
      open.add(id);
    } else if (open.delete(id) && open.size === 0) {
      active.push({from: since, to: e.time});
      healed.push(e.time);
    }
  }
  if (open.size > 0) active.push({from: since, to: endNs});
  return {active, healed};
}

/** Whether `t` falls inside any of `intervals`. */
export function inside(t: Nanoseconds, intervals: readonly Interval[]): boolean {
  return intervals.some((i) => t >= i.from && t <= i.to);
}
