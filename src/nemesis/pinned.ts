import type {NemesisEvent} from './events.js';
import type {PinnedOccurrence} from './schedule.js';

/**
 * What each occurrence of a previous run acted on, from its nemesis.jsonl start events, keyed
 * `step/occurrence`: replay hands this to the schedule so that `leader`, `random`, the alternative
 * of a `choose` step (from skip events too) and the other run-time choices come out as they did.
 */
export function pinnedFromEvents(events: readonly NemesisEvent[]): Map<string, PinnedOccurrence> {
  const pinned = new Map<string, PinnedOccurrence>();
  for (const e of events) {
    if (e.step < 0) continue;
    const key = `${e.step}/${e.occurrence ?? 0}`;
    if (e.type === 'start') pinned.set(key, {nodes: e.nodes, components: e.components, cut: e.cut, proxies: e.proxies, description: e.description, choice: e.choice});
    else if (e.type === 'skip' && e.choice !== undefined) pinned.set(key, {choice: e.choice});
  }
  return pinned;
}
