import type {CheckResult, KeyResult} from '../checker/index.js';
import type {HistoryEvent} from '../history/types.js';
import {drawnOperations, type DrawnOperation} from './data.js';

const s = (t: number) => `${t.toFixed(3)} s`;

/** The value an operation wrote to the register, if it writes one. */
function written(op: DrawnOperation): number | null {
  if (op.f === 'write' && typeof op.value === 'number') return op.value;
  if (op.f === 'cas' && Array.isArray(op.value)) return op.value[1] as number;
  return null;
}

/**
 * Explains why a register read cannot be linearized, in the terms of the history:
 * "read of k3 returned 7 at 12.410 s, but 7 was overwritten by 9 (written 11.2–11.3 s) before the
 * read began at 12.400 s". The overwrite is shown by a write or cas that ran between the write of
 * the value and the read, or else by a read in between that returned another value (the overwrite
 * ran alongside the write, and that read fixed their order; values are unique per key). Returns
 * null when the stuck operation is not a read or no such simple reason is found; the checker's own
 * sentence is then used.
 */
export function explainRegisterRead(key: KeyResult, ops: readonly DrawnOperation[]): string | null {
  const stuck = key.evidence?.stuck;
  if (!stuck || stuck.f !== 'read') return null;
  const read = ops.find((o) => o.index === stuck.invokeIndex);
  if (!read || read.type !== 'ok' || read.endS === null) return null;
  const onKey = ops.filter((o) => o.key === key.key && o.type !== 'fail');
  const v = read.value;
  const head = `Read of ${key.key} by process ${read.process} returned ${JSON.stringify(v)} at ${s(read.endS)}`;
  if (v === null) {
    const before = onKey.find((o) => o.type === 'ok' && written(o) !== null && o.endS !== null && o.endS < read.startS);
    return before ? `${head}, but ${key.key} had been written (${written(before)} by process ${before.process}, done at ${s(before.endS!)}) before the read began at ${s(read.startS)}.` : null;
  }
  const writer = onKey.find((o) => written(o) === v);
  if (!writer) return `${head}, but no operation ever wrote ${JSON.stringify(v)} to ${key.key}.`;
  if (writer.startS > read.endS) return `${head}, but ${JSON.stringify(v)} was only written later, by process ${writer.process} at ${s(writer.startS)}.`;
  if (writer.type !== 'ok' || writer.endS === null) return null;
  const between = (o: DrawnOperation) => o.type === 'ok' && o.startS > writer.endS! && o.endS !== null && o.endS < read.startS;
  const over = onKey.find((o) => o !== writer && written(o) !== null && between(o));
  if (over) {
    const servedBy = read.node ? ` (the read was served by ${read.node}${over.node ? `, the overwrite by ${over.node}` : ''})` : '';
    return `${head}, but ${JSON.stringify(v)} was overwritten by ${JSON.stringify(written(over))} (process ${over.process}, ${over.f} ${s(over.startS)}–${s(over.endS!)}) before the read began at ${s(read.startS)}${servedBy}.`;
  }
  // The overwrite may have run alongside the write of v, so that only a read fixes their order:
  // a read that began after v's write finished and returned another written value saw v replaced.
  const seen = onKey.find((o) => o.f === 'read' && o !== read && between(o) && o.value !== null && o.value !== v);
  if (!seen) return null;
  const servedBy = read.node ? ` (the read was served by ${read.node}${seen.node ? `, the earlier read by ${seen.node}` : ''})` : '';
  return `${head}, but ${JSON.stringify(v)} was overwritten by ${JSON.stringify(seen.value)} before the read began at ${s(read.startS)}: process ${seen.process} read ${JSON.stringify(seen.value)} (read ${s(seen.startS)}–${s(seen.endS!)}) after the write of ${JSON.stringify(v)} finished at ${s(writer.endS)}${servedBy}.`;
}

/**
 * One line explaining a check's verdict: for false, the first failing key's register explanation
 * or the checker's evidence sentence; for unknown, the reason; for true, a count.
 */
export function explainResult(result: CheckResult, events: readonly HistoryEvent[]): string {
  if (result.valid === true) return `${result.keys.length} keys, ${result.operationCount} operations linearizable`;
  const bad = result.keys.find((k) => k.valid === false);
  if (bad?.evidence) return explainRegisterRead(bad, drawnOperations(events)) ?? bad.evidence.sentence;
  return result.reason ?? 'no reason given';
}
