/**
 * The set checker, with the semantics of Jepsen's `jepsen.checker/set` (and the stale-read measure
 * of `set-full`): clients add unique elements to a grow-only set per key; after the heal and a
 * quiesce period, final reads must contain every acknowledged add.
 *
 * Per key, over the adds (invoke + ok | fail | info) and the ok reads:
 * - **lost** (error): an add completed `ok` whose element is missing from a final read;
 * - **unexpected** (error): an element in a final read that no add ever attempted;
 * - **failedPresent** (error, stricter than Jepsen): an add completed `fail` — "certainly not
 *   applied" in faultline's protocol — whose element is in a final read;
 * - **recovered**: adds completed `info` (or never completed) whose element appeared;
 *   **unrecovered**: those that did not (both fine: `info` means maybe);
 * - **okFraction**: elements in the final read / elements attempted;
 * - **stale reads** (reported, not an error): reads, final or not, missing an element whose add had
 *   been acknowledged before the read was invoked — what R + W > N promises not to happen without
 *   failures, and what a sloppy quorum allows under a partition.
 *
 * Final reads: every ok read of the key invoked at or after `finalAfterNs` when given, else the
 * last ok read of the key. A key with adds but no final read makes the verdict `'unknown'`
 * ("set was never read", as Jepsen). Pure: no I/O.
 */
import type {CheckableEvent, Verdict} from '../types.js';

/** Options of `checkSets`. */
export interface SetCheckOptions {
  /** Function name of adds in the history. @default 'add' */
  addF?: string;
  /** Function name of set reads. @default 'read' */
  readF?: string;
  /** Reads invoked at or after this time (ns) are final; absent: the last ok read per key. */
  finalAfterNs?: number;
  /** Elements listed per category and key at most (counts are always exact). @default 100 */
  maxListed?: number;
}

/** One element that is an error, with the events that show it. */
export interface SetElementEvidence {
  element: number;
  /** Index of the add's invoke event, or null for `unexpected` elements. */
  addInvokeIndex: number | null;
  /** Index of the add's completion event, or null. */
  addCompletionIndex: number | null;
  /** Index of the final read's completion event that lacks (lost) or holds (unexpected, failedPresent) it. */
  readIndex: number;
}

/** The verdict for one key. */
export interface SetKeyResult {
  key: string;
  valid: Verdict;
  /** Why the key is `'unknown'`. */
  reason?: string;
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  /** Completion indexes of the final reads used. */
  finalReads: number[];
  lostCount: number;
  lost: SetElementEvidence[];
  unexpectedCount: number;
  unexpected: SetElementEvidence[];
  failedPresentCount: number;
  failedPresent: SetElementEvidence[];
  recoveredCount: number;
  recovered: number[];
  unrecoveredCount: number;
  unrecovered: number[];
  /** Attempted elements present in every final read / attempted. 1 when nothing was attempted. */
  okFraction: number;
  stale: StaleReadSummary;
}

/** Reads that missed acknowledged adds. */
export interface StaleReadSummary {
  reads: number;
  staleReads: number;
  /** The most acknowledged elements one read missed. */
  maxMissing: number;
  /** Up to `maxListed` examples: read completion index and how many acknowledged elements it missed. */
  examples: {readIndex: number; missing: number}[];
}

/** The verdict over all keys: false if any key is false, else unknown if any is unknown, else true. */
export interface SetCheckResult {
  valid: Verdict;
  /** Why the result is `'unknown'`. */
  reason?: string;
  keys: SetKeyResult[];
  lostCount: number;
  unexpectedCount: number;
  failedPresentCount: number;
  recoveredCount: number;
  staleReads: number;
}

interface Add {
  element: number;
  invokeIndex: number;
  completion: CheckableEvent | null;
}

interface Read {
  invokeNs: number;
  completion: CheckableEvent;
  elements: Set<number>;
}

function elementsOf(value: unknown, where: number): number[] {
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'number')) {
    throw new TypeError(`history event ${where}: a set read's value must be an array of integers`);
  }
  return value as number[];
}

/** Merges verdicts: false over unknown over true (STYLE 4). */
function worst(a: Verdict, b: Verdict): Verdict {
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

/**
 * Checks a set-workload history. Events are paired per process (invoke, then its completion).
 * @throws TypeError when an add's value is not an integer or a read's ok value is not an integer array.
 */
export function checkSets(events: readonly CheckableEvent[], options: SetCheckOptions = {}): SetCheckResult {
  const addF = options.addF ?? 'add';
  const readF = options.readF ?? 'read';
  const maxListed = options.maxListed ?? 100;
  const adds = new Map<string, Add[]>();
  const reads = new Map<string, Read[]>();
  const open = new Map<number, {event: CheckableEvent; add: Add | null}>();
  const sorted = [...events].sort((a, b) => a.index - b.index);
  for (const e of sorted) {
    if (e.f !== addF && e.f !== readF) continue;
    if (e.type === 'invoke') {
      let add: Add | null = null;
      if (e.f === addF) {
        if (typeof e.value !== 'number' || !Number.isSafeInteger(e.value)) throw new TypeError(`history event ${e.index}: an add's value must be an integer`);
        add = {element: e.value, invokeIndex: e.index, completion: null};
        const list = adds.get(e.key) ?? [];
        list.push(add);
        adds.set(e.key, list);
      }
      open.set(e.process, {event: e, add});
      continue;
    }
    const inv = open.get(e.process);
    if (inv === undefined) continue; // a completion without an invoke: ignored
    open.delete(e.process);
    if (inv.add !== null) inv.add.completion = e;
    else if (e.type === 'ok') {
      const list = reads.get(inv.event.key) ?? [];
      list.push({invokeNs: inv.event.time, completion: e, elements: new Set(elementsOf(e.value, e.index))});
      reads.set(inv.event.key, list);
    }
  }

  const keys = [...new Set([...adds.keys(), ...reads.keys()])].sort();
  const results = keys.map((key) => checkKey(key, adds.get(key) ?? [], reads.get(key) ?? [], options.finalAfterNs, maxListed));
  let valid: Verdict = true;
  for (const r of results) valid = worst(valid, r.valid);
  const unknown = results.filter((r) => r.valid === 'unknown');
  return {
    valid,
    ...(valid === 'unknown' ? {reason: unknown.map((r) => `${r.key}: ${r.reason}`).join('; ')} : {}),
    keys: results,
    lostCount: results.reduce((a, r) => a + r.lostCount, 0),
    unexpectedCount: results.reduce((a, r) => a + r.unexpectedCount, 0),
    failedPresentCount: results.reduce((a, r) => a + r.failedPresentCount, 0),
    recoveredCount: results.reduce((a, r) => a + r.recoveredCount, 0),
    staleReads: results.reduce((a, r) => a + r.stale.staleReads, 0),
  };
}

function checkKey(key: string, adds: Add[], reads: Read[], finalAfterNs: number | undefined, maxListed: number): SetKeyResult {
  const byElement = new Map<number, Add>();
  for (const a of adds) if (!byElement.has(a.element)) byElement.set(a.element, a);
  const ok = adds.filter((a) => a.completion?.type === 'ok');
  const failed = adds.filter((a) => a.completion?.type === 'fail');
  const unsure = adds.filter((a) => a.completion === null || a.completion.type === 'info');
  const finals =
    finalAfterNs !== undefined
      ? reads.filter((r) => r.invokeNs >= finalAfterNs)
      : reads.length > 0
        ? [reads.reduce((a, b) => (b.completion.index > a.completion.index ? b : a))]
        : [];
  const stale = staleReads(ok, reads, maxListed);
  const base = {
    key,
    attempted: byElement.size,
    acknowledged: ok.length,
    failed: failed.length,
    indeterminate: unsure.length,
    finalReads: finals.map((r) => r.completion.index),
    stale,
  };
  if (finals.length === 0) {
    return {
      ...base,
      valid: adds.length === 0 ? true : 'unknown',
      ...(adds.length === 0 ? {} : {reason: 'set was never read'}),
      lostCount: 0,
      lost: [],
      unexpectedCount: 0,
      unexpected: [],
      failedPresentCount: 0,
      failedPresent: [],
      recoveredCount: 0,
      recovered: [],
      unrecoveredCount: 0,
      unrecovered: [],
      okFraction: adds.length === 0 ? 1 : 0,
    };
  }
  const evidence = (element: number, add: Add | undefined, read: Read): SetElementEvidence => ({
    element,
    addInvokeIndex: add?.invokeIndex ?? null,
    addCompletionIndex: add?.completion?.index ?? null,
    readIndex: read.completion.index,
  });
  const lost: SetElementEvidence[] = [];
  const unexpected: SetElementEvidence[] = [];
  const failedPresent: SetElementEvidence[] = [];
  const seenLost = new Set<number>();
  const seenUnexpected = new Set<number>();
  const seenFailed = new Set<number>();
  for (const read of finals) {
    for (const a of ok) {
      if (!read.elements.has(a.element) && !seenLost.has(a.element)) {
        seenLost.add(a.element);
        lost.push(evidence(a.element, a, read));
      }
    }
    for (const element of read.elements) {
      const add = byElement.get(element);
      if (add === undefined && !seenUnexpected.has(element)) {
        seenUnexpected.add(element);
        unexpected.push(evidence(element, undefined, read));
      }
    }
    for (const a of failed) {
      if (read.elements.has(a.element) && !seenFailed.has(a.element)) {
        seenFailed.add(a.element);
        failedPresent.push(evidence(a.element, a, read));
      }
    }
  }
  const inAllFinals = (element: number) => finals.every((r) => r.elements.has(element));
  const inSomeFinal = (element: number) => finals.some((r) => r.elements.has(element));
  const recovered = unsure.filter((a) => inSomeFinal(a.element)).map((a) => a.element);
  const unrecovered = unsure.filter((a) => !inSomeFinal(a.element)).map((a) => a.element);
  const present = [...byElement.keys()].filter(inAllFinals).length;
  const errors = lost.length + unexpected.length + failedPresent.length;
  const asc = (x: number, y: number) => x - y;
  return {
    ...base,
    valid: errors === 0,
    lostCount: lost.length,
    lost: lost.sort((x, y) => x.element - y.element).slice(0, maxListed),
    unexpectedCount: unexpected.length,
    unexpected: unexpected.sort((x, y) => x.element - y.element).slice(0, maxListed),
    failedPresentCount: failedPresent.length,
    failedPresent: failedPresent.sort((x, y) => x.element - y.element).slice(0, maxListed),
    recoveredCount: recovered.length,
    recovered: recovered.sort(asc).slice(0, maxListed),
    unrecoveredCount: unrecovered.length,
    unrecovered: unrecovered.sort(asc).slice(0, maxListed),
    okFraction: byElement.size === 0 ? 1 : present / byElement.size,
  };
}

/** For each read, the acknowledged adds that completed before the read was invoked but are missing. */
function staleReads(ok: Add[], reads: Read[], maxListed: number): StaleReadSummary {
  const acked = ok.map((a) => ({element: a.element, doneNs: a.completion!.time})).sort((a, b) => a.doneNs - b.doneNs);
  let staleCount = 0;
  let maxMissing = 0;
  const examples: {readIndex: number; missing: number}[] = [];
  for (const r of reads) {
    let missing = 0;
    for (const a of acked) {
      if (a.doneNs >= r.invokeNs) break;
      if (!r.elements.has(a.element)) missing++;
    }
    if (missing > 0) {
      staleCount++;
      maxMissing = Math.max(maxMissing, missing);
      if (examples.length < maxListed) examples.push({readIndex: r.completion.index, missing});
    }
  }
  return {reads: reads.length, staleReads: staleCount, maxMissing, examples};
}
