import type {Verdict} from '../checker/index.js';
import type {CheckSummary} from './results.js';

/** `valid`, `INVALID` or `unknown`: how verdicts are written for people. */
export function verdictWord(valid: Verdict): string {
  return valid === true ? 'valid' : valid === false ? 'INVALID' : 'unknown';
}

/** One line per check explaining a verdict other than true: the first failing key's sentence, or the reason. */
export function explainCheck(check: CheckSummary): string {
  const {result} = check;
  if (result.valid === true) return `${result.keys.length} keys, ${result.operationCount} operations linearizable`;
  const bad = result.keys.find((k) => k.valid === false);
  if (bad?.evidence) return bad.evidence.sentence;
  return result.reason ?? 'no reason given';
}
