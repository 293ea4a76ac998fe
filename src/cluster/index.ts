export * from './cluster.js';
export * from './paths.js';
export * from './supervisor.js';
export * from './systems.js';
export * from './topology.js';
export * from './ports.js';
