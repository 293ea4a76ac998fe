import type {AnyModel, Operation} from './types.js';

/** One independent sub-history: the operations of one key, in invoke order. */
export interface KeyHistory {
  key: string;
  operations: Operation[];
}

/**
 * Stage 2: splits a history into independent sub-histories, by key unless the model has its
 * own `partition`. A history is linearizable iff each part is (P-compositionality: Herlihy &
 * Wing 1990 for objects; Horn & Kroening 2015, "Faster linearizability checking via
 * P-compositionality"). Parts come back in natural key order (`k2` before `k10`).
 */
export function partitionByKey(operations: readonly Operation[], model: AnyModel): KeyHistory[] {
  if (model.partition !== undefined) {
    return model.partition(operations).map((part) => ({key: part[0]?.key ?? '', operations: part}));
  }
  const byKey = new Map<string, Operation[]>();
  for (const operation of operations) {
    let list = byKey.get(operation.key);
    if (list === undefined) byKey.set(operation.key, (list = []));
    list.push(operation);
  }
  return [...byKey.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([key, list]) => ({key, operations: list}));
}

/** Natural order: digit runs compare as numbers. */
export function compareKeys(a: string, b: string): number {
  return a.localeCompare(b, 'en', {numeric: true});
}
