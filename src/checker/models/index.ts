import type {AnyModel} from '../types.js';
import {casRegister} from './cas-register.js';
import {kvModel} from './kv.js';

export * from './cas-register.js';
export * from './kv.js';
export {defineModel, defaultParse, completionStatus, outcome} from './define.js';
export type {ModelSpec, RawInput} from './define.js';

/** Names accepted by `checkHistory`'s `model` option. */
export type ModelName = 'cas-register' | 'kv';

/** The model for a name, with default options. */
export function modelByName(name: ModelName): AnyModel {
  return name === 'kv' ? kvModel() : casRegister();
}
