/** The set checker (Jepsen's `set` semantics): lost, unexpected and recovered elements per key. */
export * from './check.js';
