import type {NemesisEvent} from './events.js';
import type {PinnedOccurrence} from './schedule.js';

/**
 * What each occurrence of a previous run acted on, from its nemesis.jsonl start events, keyed
 * `step/occurrence`: replay hands this to the schedule so that `leader`, `random` and the other
 * run-time choices come out as they did.
 */
export function pinnedFromEvents(events: readonly NemesisEvent[]): Map<string, PinnedOccurrence> {
  const pinned = new Map<string, PinnedOccurrence>();
  for (const e of events) {
    if (e.type !== 'start' || e.step < 0) continue;
    pinned.set(`${e.step}/${e.occurrence ?? 0}`, {nodes: e.nodes, components: e.components, cut: e.cut, proxies: e.proxies, description: e.description});
  }
  return pinned;
}
