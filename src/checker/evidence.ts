import type {HistorySource} from './locate.js';
import type {DeepestPoint} from './search.js';
import type {AnyModel, Evidence, EvidenceOperation, Operation} from './types.js';

/**
 * Stage 7: evidence for a non-linearizable sub-history, as data: the longest linearizable
 * prefix found, the state after it, the operations pending there (none could go next), the
 * operation whose completion the search could not get past, and one plain-English sentence.
 *
 * @param source - the file the history came from: the sentence then names its lines, and
 *   leaves out times when the file has no clock. @default none (history event indexes, times in seconds)
 */
export function buildEvidence(operations: readonly Operation[], deepest: DeepestPoint, model: AnyModel, source?: HistorySource): Evidence {
  const show = (i: number): EvidenceOperation => evidenceOperation(operations[i], model);
  const stuck = operations[deepest.stuck];
  const stateText = model.describeState(deepest.state);
  const others = deepest.candidates.filter((i) => i !== deepest.stuck).length;
  const timed = source?.timed ?? true;
  const when = timed ? ` at ${formatSeconds(stuck.returnNs)}` : '';
  const invoked = timed ? `, invoked at ${formatSeconds(stuck.callNs)}` : '';
  const pending = others === 0 ? 'and it cannot take effect next' : `and neither it nor ${others === 1 ? 'the 1 other pending operation' : `the ${others} other pending operations`} can take effect next`;
  const sentence =
    `${capitalize(describeWithKey(stuck, model))}${when} (process ${stuck.process}${invoked}; ${where(stuck, source)}), but no linearization allows it: ` +
    `after the longest linearizable prefix (${deepest.prefix.length} of ${operations.length} operations) ${stateText}, ${pending}.`;
  return {
    prefix: deepest.prefix.map(show),
    stateAfterPrefix: stateText,
    candidates: deepest.candidates.map(show),
    stuck: show(deepest.stuck),
    sentence,
  };
}

/** An operation as evidence shows it (`returnNs` null for `info`, since JSON has no Infinity). */
export function evidenceOperation(op: Operation, model: AnyModel): EvidenceOperation {
  return {
    id: op.id,
    process: op.process,
    key: op.key,
    f: op.f,
    description: model.describeOperation(op.input, op.output),
    status: op.status,
    invokeIndex: op.invokeIndex,
    completionIndex: op.completionIndex,
    callNs: op.callNs,
    returnNs: Number.isFinite(op.returnNs) ? op.returnNs : null,
  };
}

/** `history events 4–5`, or `history.jsonl lines 5–6` when the file is known. */
function where(op: Operation, source: HistorySource | undefined): string {
  const line = (index: number | null): string => (index === null ? '…' : String(source?.positions[index]?.line ?? '?'));
  if (source === undefined) return `history events ${op.invokeIndex}–${op.completionIndex ?? '…'}`;
  return `${source.file} lines ${line(op.invokeIndex)}–${line(op.completionIndex)}`;
}

/** e.g. `on key k3, read returned 7`. */
function describeWithKey(op: Operation, model: AnyModel): string {
  return `on key ${op.key}, ${model.describeOperation(op.input, op.output)}`;
}

/** Nanoseconds as seconds with millisecond precision, e.g. `12.410 s`; `∞` for Infinity. */
export function formatSeconds(ns: number): string {
  return Number.isFinite(ns) ? `${(ns / 1e9).toFixed(3)} s` : '∞';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
