export * from './types.js';
export * from './jsonl.js';
export * from './clock.js';
