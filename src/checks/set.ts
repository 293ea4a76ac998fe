import {checkSets, type SetCheckResult} from '../checker/set/index.js';
import type {HistoryEvent, Nanoseconds} from '../history/types.js';
import type {SimpleCheck} from './availability.js';

const seconds = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;

/**
 * The `set` check of a run (Jepsen's set checker, src/checker/set): every acknowledged `add` must
 * be in the final `read-set` of its key (reads invoked at or after `finalAfterNs`, the end of the
 * workload), and no element may appear that was never added or whose add failed.
 * @returns the verdict with one line naming the first lost or unexpected element and the events
 *   that show it, the figures, and the checker's full result.
 */
export function checkSetHistory(events: readonly HistoryEvent[], finalAfterNs: Nanoseconds): SimpleCheck & {result: SetCheckResult} {
  const result = checkSets(events, {addF: 'add', readF: 'read-set', finalAfterNs});
  const attempted = result.keys.reduce((a, k) => a + k.attempted, 0);
  const acknowledged = result.keys.reduce((a, k) => a + k.acknowledged, 0);
  const indeterminate = result.keys.reduce((a, k) => a + k.indeterminate, 0);
  const figures = {
    attempted,
    acknowledged,
    indeterminate,
    lost: result.lostCount,
    unexpected: result.unexpectedCount,
    failedPresent: result.failedPresentCount,
    recovered: result.recoveredCount,
    staleReads: result.staleReads,
  };
  const byIndex = new Map(events.map((e) => [e.index, e]));
  const at = (index: number | null) => (index === null ? undefined : byIndex.get(index));
  const describeRead = (index: number) => {
    const read = at(index);
    return read ? `the final read at ${seconds(read.time)} by process ${read.process}${read.node ? ` on ${read.node}` : ''}` : `read ${index}`;
  };
  if (result.valid === false) {
    for (const key of result.keys) {
      const lost = key.lost[0];
      if (lost) {
        const ok = at(lost.addCompletionIndex);
        return {
          valid: false,
          explanation:
            `${result.lostCount} acknowledged add${result.lostCount === 1 ? '' : 's'} lost. First: element ${lost.element} of ${key.key}, ` +
            `acknowledged at ${ok ? `${seconds(ok.time)} (process ${ok.process}${ok.node ? ` via ${ok.node}` : ''})` : 'an unknown time'}, is missing from ${describeRead(lost.readIndex)}.`,
          figures,
          result,
        };
      }
      const bad = key.unexpected[0] ?? key.failedPresent[0];
      if (bad) {
        const why = key.unexpected[0] ? 'was never added' : 'was added by an operation that failed (certainly not applied)';
        return {valid: false, explanation: `element ${bad.element} of ${key.key} ${why}, yet it is in ${describeRead(bad.readIndex)}.`, figures, result};
      }
    }
  }
  if (result.valid === 'unknown') return {valid: 'unknown', explanation: result.reason ?? 'no final read', figures, result};
  return {
    valid: true,
    explanation:
      `all ${acknowledged} acknowledged adds of ${result.keys.length} set${result.keys.length === 1 ? '' : 's'} are in the final reads; ` +
      `${indeterminate} indeterminate adds (${result.recoveredCount} present); ${result.staleReads} stale reads during the workload`,
    figures,
    result,
  };
}
