import {HistoryFormatError} from '../../errors/index.js';
import {hashString} from '../hash.js';
import {locateByIndex} from '../locate.js';
import type {CheckableEvent, EventLocator, Model, StepResult} from '../types.js';
import {completionStatus, defineModel, reusableOutcome} from './define.js';

/** Input of the kv model (one key's string value; keys are split off before the search). */
export type KvInput = {f: 'get'} | {f: 'put'; value: string} | {f: 'append'; value: string};

/** Output of the kv model: the value a `get` returned; `known` false for `info` operations. */
export interface KvOutput {
  known: boolean;
  value: string;
}

const UNKNOWN: KvOutput = {known: false, value: ''};

/** Options of `kvModel`. */
export interface KvOptions {
  /** Value of every key before the first operation. @default '' */
  initial?: string;
}

/**
 * The key-value store of Porcupine's kv test data (and of the MIT 6.824 labs): per key,
 * `get` returns the value, `put v` sets it, `append v` concatenates. Every key starts as ""
 * (or `initial`). `fail` operations are dropped (they did not happen). Deterministic. State:
 * the string value.
 */
export function kvModel(options: KvOptions = {}): Model<string, KvInput, KvOutput> {
  const initial = options.initial ?? '';
  const outcome = reusableOutcome<string>(initial);

  function parse(invoke: CheckableEvent, completion: CheckableEvent | null, locate: EventLocator = locateByIndex) {
    const status = completionStatus(completion);
    const at = locate(invoke);
    // The function is checked first, so that a bad one is reported even on a failed operation.
    if (invoke.f !== 'get' && invoke.f !== 'put' && invoke.f !== 'append') {
      throw new HistoryFormatError(`${at}: expected a function get, put or append (the kv model), got ${JSON.stringify(invoke.f)}`);
    }
    if (status === 'fail') return null;
    switch (invoke.f) {
      case 'get': {
        const output: KvOutput = status === 'ok' ? {known: true, value: text(completion!.value, locate(completion!))} : UNKNOWN;
        return {input: {f: 'get'} as KvInput, output, status};
      }
      case 'put':
      case 'append':
        return {input: {f: invoke.f, value: text(invoke.value, at)} as KvInput, output: UNKNOWN, status};
    }
  }

  function step(state: string, input: KvInput, output: KvOutput): StepResult<string> {
    switch (input.f) {
      case 'get':
        return outcome(!output.known || output.value === state, state);
      case 'put':
        return outcome(true, input.value);
      case 'append':
        return outcome(true, state + input.value);
    }
  }

  return defineModel<string, KvInput, KvOutput>({
    name: 'kv',
    init: () => initial,
    parse,
    step,
    hash: hashString,
    readOnly: (input) => input.f === 'get',
    describeOperation(input, output) {
      switch (input.f) {
        case 'get':
          return output.known ? `get returned ${JSON.stringify(output.value)}` : 'get (result unknown)';
        case 'put':
          return `put ${JSON.stringify(input.value)}`;
        case 'append':
          return `append ${JSON.stringify(input.value)}`;
      }
    },
    describeState: (state) => `the value was ${JSON.stringify(state)}`,
  });
}

function text(value: unknown, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  throw new HistoryFormatError(`${where}: expected a kv value (a string or nil), got ${JSON.stringify(value)}`);
}
