export * from './duration.js';
export * from './schema.js';
export * from './nemesis-schema.js';
export * from './parse.js';
export * from './json-schema.js';
export * from './builtin.js';
