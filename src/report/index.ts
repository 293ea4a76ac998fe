import {appendFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type {HistoryEvent} from '../history/types.js';
import {renderHtml} from './html.js';
import {renderJunit} from './junit.js';
import type {RunResults} from './results.js';
import {renderSummary} from './summary.js';

export * from './build.js';
export * from './results.js';
export * from './text.js';
export {renderHtml, renderJunit, renderSummary};

/**
 * Writes results.json, report.html, junit.xml and summary.md into `runDir`; summary.md is also
 * appended to `$GITHUB_STEP_SUMMARY` when that variable is set.
 * @param warn told when `$GITHUB_STEP_SUMMARY` cannot be appended to: the run's own files and
 *   verdict stand, so that is not an error.
 * @throws Error when a file in `runDir` cannot be written.
 */
export async function writeReports(runDir: string, results: RunResults, events: readonly HistoryEvent[], warn: (line: string) => void): Promise<void> {
  writeFileSync(path.join(runDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(path.join(runDir, 'report.html'), await renderHtml(results, events, runDir));
  writeFileSync(path.join(runDir, 'junit.xml'), renderJunit(results));
  const summary = renderSummary(results, runDir);
  writeFileSync(path.join(runDir, 'summary.md'), summary);
  const ci = process.env.GITHUB_STEP_SUMMARY;
  if (!ci) return;
  try {
    appendFileSync(ci, summary);
  } catch (error) {
    warn(`could not append summary.md to $GITHUB_STEP_SUMMARY (${ci}): ${(error as Error).message}`);
  }
}
export * from './explain.js';
export * from './load.js';
