export * from './admin.js';
export * from './client.js';
export * from './command.js';
export * from './faults.js';
export * from './gateway.js';
