import type {Verdict} from '../checker/index.js';

/** `valid`, `INVALID` or `unknown`: how verdicts are written for people. */
export function verdictWord(valid: Verdict): string {
  return valid === true ? 'valid' : valid === false ? 'INVALID' : 'unknown';
}
