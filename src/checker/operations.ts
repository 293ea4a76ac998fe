import {HistoryFormatError} from '../errors/index.js';
import {locateByIndex} from './locate.js';
import type {AnyModel, CheckableEvent, EventLocator, Operation} from './types.js';

/**
 * Stage 1: pairs each invoke with the next completion of the same process, and lets the model
 * turn the pair into typed input and output (or drop it, for operations that certainly did not
 * happen). An `info` completion, or none before the history ends, leaves the operation
 * open-ended: `returnNs` is `Infinity`.
 *
 * Operation ids are dense, in invoke order, over the operations kept.
 *
 * @param locate - names events in error messages (`file:line:column` for a file). @default `locateByIndex`
 * @throws HistoryFormatError `<where>: …` on a completion without an open invoke, a second
 *   invoke by a process with an operation open, a completion whose `f` or `key` differs from its
 *   invoke or that comes before it in time, or a value the model cannot read.
 */
export function pairOperations(events: readonly CheckableEvent[], model: AnyModel, locate: EventLocator = locateByIndex): Operation[] {
  const open = new Map<number, CheckableEvent>();
  const pairs: Array<{invoke: CheckableEvent; completion: CheckableEvent | null}> = [];
  const slotOf = new Map<number, number>();
  for (const event of events) {
    if (event.type === 'invoke') {
      const previous = open.get(event.process);
      if (previous !== undefined) {
        throw new HistoryFormatError(
          `${locate(event)}: process ${event.process} invokes ${event.f} while its ${previous.f} invoked at ${locate(previous)} is still open; ` +
            `expected a completion (ok, fail or info) first — after info, a client continues as a new process`,
        );
      }
      open.set(event.process, event);
      slotOf.set(event.process, pairs.length);
      pairs.push({invoke: event, completion: null});
      continue;
    }
    const invoke = open.get(event.process);
    if (invoke === undefined) {
      throw new HistoryFormatError(`${locate(event)}: ${event.type} ${event.f} by process ${event.process}, which has no open invoke; expected an invoke by that process first`);
    }
    if (invoke.f !== event.f || invoke.key !== event.key) {
      throw new HistoryFormatError(
        `${locate(event)}: ${event.type} ${event.f} on ${JSON.stringify(event.key)} completes the ${invoke.f} on ${JSON.stringify(invoke.key)} invoked at ${locate(invoke)}; expected the same function and key`,
      );
    }
    if (event.time < invoke.time) {
      throw new HistoryFormatError(`${locate(event)}: completes at ${event.time} ns, before its invoke at ${locate(invoke)} (${invoke.time} ns); expected a time at or after the invoke`);
    }
    pairs[slotOf.get(event.process)!].completion = event;
    open.delete(event.process);
  }

  const operations: Operation[] = [];
  for (const {invoke, completion} of pairs) {
    const parsed = model.parse(invoke, completion, locate);
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
