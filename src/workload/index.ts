export * from './client.js';
export * from './generator.js';
export * from './recorder.js';
