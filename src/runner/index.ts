export * from './run.js';
export * from './run-dir.js';
export * from './toxiproxy-process.js';
export * from './status.js';
