import type {AnyModel} from '../types.js';
import {casRegister, register, type RegisterValue} from './cas-register.js';
import {kvModel} from './kv.js';

export * from './cas-register.js';
export * from './kv.js';
export {defineModel, defaultParse, completionStatus, outcome, reusableOutcome} from './define.js';
export type {ModelSpec, RawInput} from './define.js';

/** Names accepted by `checkHistory`'s `model` option and by `faultline check --model`. */
export type ModelName = 'cas-register' | 'register' | 'kv';

/** Every `ModelName`, for flag validation. */
export const MODEL_NAMES: readonly ModelName[] = ['cas-register', 'register', 'kv'];

/** Options that `modelByName` passes to the model they apply to. */
export interface NamedModelOptions {
  /**
   * Value before the first operation: an integer or null for the registers, a string for kv.
   * @default null for the registers, '' for kv
   */
  initial?: RegisterValue | string;
  /** Registers: a read returning null is legal in any state (Knossos). @default false */
  nilReadMatchesAny?: boolean;
  /** cas-register: what a `fail` cas means (see `CasRegisterOptions`). @default 'did-not-happen' */
  failedCas?: 'did-not-happen' | 'compare-failed';
}

/**
 * The model for a name.
 * @throws TypeError when `initial` does not fit the model (a string for a register, a number for kv).
 */
export function modelByName(name: ModelName, options: NamedModelOptions = {}): AnyModel {
  const {initial} = options;
  if (name === 'kv') {
    if (initial !== undefined && typeof initial !== 'string') throw new TypeError('the kv model needs a string initial value');
    return kvModel({initial});
  }
  if (typeof initial === 'string') throw new TypeError(`the ${name} model needs an integer or null initial value`);
  if (name === 'register') return register({initial, nilReadMatchesAny: options.nilReadMatchesAny});
  return casRegister({initial, nilReadMatchesAny: options.nilReadMatchesAny, failedCas: options.failedCas});
}
