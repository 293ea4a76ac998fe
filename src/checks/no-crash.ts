import type {UnexpectedExit} from '../cluster/cluster.js';
import type {SimpleCheck} from './availability.js';

/** No node exited unless a fault stopped it (kill, stop and restart are faults; a crash is not). */
export function checkNoCrash(exits: readonly UnexpectedExit[]): SimpleCheck {
  if (exits.length === 0) return {valid: true, explanation: 'no node exited unless a fault stopped it', figures: {crashes: 0}};
  const first = exits[0];
  return {
    valid: false,
    explanation: `${exits.length === 1 ? 'a node' : `${exits.length} nodes`} exited without a fault: ${first.node} (${first.signal ?? `code ${first.exitCode}`}), see ${first.logFile}.`,
    figures: {crashes: exits.length},
  };
}
