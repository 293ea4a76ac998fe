export * from './porcupine.js';
export * from './jepsen-edn.js';
export * from './detect.js';
export * from './load.js';
