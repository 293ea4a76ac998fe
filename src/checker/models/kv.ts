import {HistoryFormatError} from '../../errors/index.js';
import {hashString} from '../hash.js';
import type {CheckableEvent, Model, StepResult} from '../types.js';
import {completionStatus, defineModel} from './define.js';

/** Input of the kv model (one key's string value; keys are split off before the search). */
export type KvInput = {f: 'get'} | {f: 'put'; value: string} | {f: 'append'; value: string};

/** Output of the kv model: the value a `get` returned; `known` false for `info` operations. */
export interface KvOutput {
  known: boolean;
  value: string;
}

const UNKNOWN: KvOutput = {known: false, value: ''};

/**
 * The key-value store of Porcupine's kv test data (and of the MIT 6.824 labs): per key,
 * `get` returns the value, `put v` sets it, `append v` concatenates. Every key starts as "".
 * `fail` operations are dropped (they did not happen). Deterministic. State: the string value.
 */
export function kvModel(): Model<string, KvInput, KvOutput> {
  function parse(invoke: CheckableEvent, completion: CheckableEvent | null) {
    const status = completionStatus(completion);
    if (status === 'fail') return null;
    const at = `history event ${invoke.index}`;
    switch (invoke.f) {
      case 'get': {
        const output: KvOutput = status === 'ok' ? {known: true, value: text(completion!.value, `${at}'s completion`)} : UNKNOWN;
        return {input: {f: 'get'} as KvInput, output, status};
      }
      case 'put':
      case 'append':
        return {input: {f: invoke.f, value: text(invoke.value, at)} as KvInput, output: UNKNOWN, status};
      default:
        throw new HistoryFormatError(`${at}: the kv model has no function ${JSON.stringify(invoke.f)} (get, put, append)`);
    }
  }

  function step(state: string, input: KvInput, output: KvOutput): StepResult<string> {
    switch (input.f) {
      case 'get':
        return {ok: !output.known || output.value === state, state};
      case 'put':
        return {ok: true, state: input.value};
      case 'append':
        return {ok: true, state: state + input.value};
    }
  }

  return defineModel<string, KvInput, KvOutput>({
    name: 'kv',
    init: () => '',
    parse,
    step,
    hash: hashString,
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
  throw new HistoryFormatError(`${where}: a kv value must be a string, got ${JSON.stringify(value)}`);
}
