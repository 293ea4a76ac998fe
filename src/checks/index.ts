/**
 * Checks beside linearizability (issues 6 and 7): availability, recovery after heals, no crashes,
 * the set check and replica convergence. Pure functions over the history, the nemesis events, the
 * cluster's exits and the replica states read after the heal.
 */
export * from './availability.js';
export * from './no-crash.js';
export * from './recovery.js';
export * from './windows.js';
export * from './convergence.js';
export * from './set.js';
