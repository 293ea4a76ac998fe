export * from './events.js';
export * from './links.js';
export * from './schedule.js';
export * from './shapes.js';
export * from './targets.js';
export * from './pinned.js';
