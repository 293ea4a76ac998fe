import {HistoryFormatError} from '../errors/index.js';
import type {AnyModel, CheckableEvent, Operation} from './types.js';

/**
 * Stage 1: pairs each invoke with the next completion of the same process, and lets the model
 * turn the pair into typed input and output (or drop it, for operations that certainly did not
 * happen). An `info` completion, or none before the history ends, leaves the operation
 * open-ended: `returnNs` is `Infinity`.
 *
 * Operation ids are dense, in invoke order, over the operations kept.
 *
 * @throws HistoryFormatError on a completion without an open invoke, a second invoke by a
 *   process with an operation open, or a completion whose `f` or `key` differs from its invoke.
 */
export function pairOperations(events: readonly CheckableEvent[], model: AnyModel): Operation[] {
  const open = new Map<number, CheckableEvent>();
  const pairs: Array<{invoke: CheckableEvent; completion: CheckableEvent | null}> = [];
  const slotOf = new Map<number, number>();
  for (const event of events) {
    if (event.type === 'invoke') {
      const previous = open.get(event.process);
      if (previous !== undefined) {
        throw new HistoryFormatError(
          `history event ${event.index}: process ${event.process} invokes again while its operation from event ${previous.index} is still open`,
        );
      }
      open.set(event.process, event);
      slotOf.set(event.process, pairs.length);
      pairs.push({invoke: event, completion: null});
      continue;
    }
    const invoke = open.get(event.process);
    if (invoke === undefined) {
      throw new HistoryFormatError(`history event ${event.index}: ${event.type} by process ${event.process}, which has no open invoke`);
    }
    if (invoke.f !== event.f || invoke.key !== event.key) {
      throw new HistoryFormatError(
        `history event ${event.index}: ${event.type} ${event.f} on ${JSON.stringify(event.key)} completes event ${invoke.index}, a ${invoke.f} on ${JSON.stringify(invoke.key)}`,
      );
    }
    if (event.time < invoke.time) {
      throw new HistoryFormatError(`history event ${event.index}: completes at ${event.time} ns, before its invoke (event ${invoke.index}) at ${invoke.time} ns`);
    }
    pairs[slotOf.get(event.process)!].completion = event;
    open.delete(event.process);
  }

  const operations: Operation[] = [];
  for (const {invoke, completion} of pairs) {
    const parsed = model.parse(invoke, completion);
    if (parsed === null) continue;
    operations.push({
      id: operations.length,
      key: invoke.key,
      process: invoke.process,
      f: invoke.f,
      input: parsed.input,
      output: parsed.output,
      status: parsed.status,
      invokeIndex: invoke.index,
      completionIndex: completion === null ? null : completion.index,
      callNs: invoke.time,
      returnNs: parsed.status === 'info' ? Infinity : completion!.time,
    });
  }
  return operations;
}
