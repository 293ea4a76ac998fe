/**
 * Checks beside linearizability (issue 7): availability, recovery after heals, no crashes. Pure
 * functions over the history, the nemesis events and the cluster's exits.
 */
export * from './availability.js';
export * from './no-crash.js';
export * from './recovery.js';
export * from './windows.js';
