export * from './messages.js';
export * from './errors.js';
export * from './ndjson.js';
export * from './parse.js';
