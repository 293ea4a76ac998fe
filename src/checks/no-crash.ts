import {describeExit, type UnexpectedExit} from '../cluster/cluster.js';
import type {SimpleCheck} from './availability.js';

/** No node exited unless a fault stopped it (kill, stop and restart are faults; a crash is not). */
export function checkNoCrash(exits: readonly UnexpectedExit[]): SimpleCheck {
  if (exits.length === 0) return {valid: true, explanation: 'no node exited unless a fault stopped it', figures: {crashes: 0}};
  const shown = exits.slice(0, 3).map((e) => `${e.node} (${describeExit(e)})`);
  if (exits.length > shown.length) shown.push(`${exits.length - shown.length} more`);
  return {
    valid: false,
    explanation: `${exits.length === 1 ? 'a node exited' : `${exits.length} node exits`} without a fault: ${shown.join(', ')}; see ${exits[0].logFile}.`,
    figures: {crashes: exits.length},
  };
}
