import type {DeepestPoint} from './search.js';
import type {AnyModel, Evidence, EvidenceOperation, Operation} from './types.js';

/**
 * Stage 7: evidence for a non-linearizable sub-history, as data: the longest linearizable
 * prefix found, the state after it, the operations pending there (none could go next), the
 * operation whose completion the search could not get past, and one plain-English sentence.
 */
export function buildEvidence(operations: readonly Operation[], deepest: DeepestPoint, model: AnyModel): Evidence {
  const show = (i: number): EvidenceOperation => evidenceOperation(operations[i], model);
  const stuck = operations[deepest.stuck];
  const stateText = model.describeState(deepest.state);
  const others = deepest.candidates.filter((i) => i !== deepest.stuck).length;
  const sentence =
    `${capitalize(describeWithKey(stuck, model))} at ${formatSeconds(stuck.returnNs)} (process ${stuck.process}, invoked at ${formatSeconds(stuck.callNs)}; ` +
    `history events ${stuck.invokeIndex}–${stuck.completionIndex ?? '…'}), but no linearization allows it: ` +
    `after the longest linearizable prefix (${deepest.prefix.length} of ${operations.length} operations) ${stateText}, ` +
    `and neither it nor ${others === 1 ? 'the 1 other pending operation' : `the ${others} other pending operations`} can take effect next.`;
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
