import type {CheckableEvent, Model, OperationStatus, StepResult} from '../types.js';
import {hashValue} from '../hash.js';

/** The input `defaultParse` produces: the function name and the invoke's value. */
export interface RawInput {
  f: string;
  value: unknown;
}

/**
 * The default `Model.parse` (Jepsen semantics): a `fail` completion means the operation
 * certainly did not happen, so it is dropped (null); `info`, or no completion at all, is
 * indeterminate; `ok` carries the completion's value as output.
 */
export function defaultParse(
  invoke: CheckableEvent,
  completion: CheckableEvent | null,
): {input: RawInput; output: unknown; status: OperationStatus} | null {
  const status = completionStatus(completion);
  if (status === 'fail') return null;
  return {input: {f: invoke.f, value: invoke.value}, output: status === 'ok' ? completion!.value : null, status};
}

/** `ok`, `fail`, or `info` for an `info` completion or none (the history ended first). */
export function completionStatus(completion: CheckableEvent | null): OperationStatus {
  if (completion === null || completion.type === 'info') return 'info';
  if (completion.type === 'fail') return 'fail';
  return 'ok';
}

/** What a model must give; `defineModel` fills the rest. */
export type ModelSpec<S, I, O> = Pick<Model<S, I, O>, 'name' | 'init' | 'step'> & Partial<Model<S, I, O>>;

/**
 * Fills a model's defaults in one place (STYLE "For faultline" 4): `equal` is `Object.is`,
 * `hash` hashes integers, strings and null (others through JSON), `parse` is `defaultParse`
 * (which only fits models whose input is `RawInput`), the describers print JSON.
 */
export function defineModel<S, I, O>(spec: ModelSpec<S, I, O>): Model<S, I, O> {
  return {
    equal: Object.is,
    hash: hashValue,
    parse: defaultParse as unknown as Model<S, I, O>['parse'],
    describeOperation: (input: I, output: O) => `${JSON.stringify(input)} → ${JSON.stringify(output)}`,
    describeState: (state: S) => `the state was ${JSON.stringify(state)}`,
    ...spec,
  };
}

/**
 * A step result reused across calls, for one model instance: the search reads a result before
 * it calls `step` again (see `Model.step`), so a deterministic model can fill and return the
 * same object instead of allocating one per step in the search's inner loop.
 */
export function reusableOutcome<S>(initial: S): (ok: boolean, state: S) => StepResult<S> {
  const result: {ok: boolean; state: S} = {ok: false, state: initial};
  return (ok, state) => {
    result.ok = ok;
    result.state = state;
    return result;
  };
}

/** A deterministic step's result; models return this to keep the search on its fast path. */
export function outcome<S>(ok: boolean, state: S): StepResult<S> {
  return {ok, state};
}
