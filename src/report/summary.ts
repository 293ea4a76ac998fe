import escapeHtml from 'escape-html';
import type {RunResults} from './results.js';
import {verdictWord} from './text.js';

/** summary.md: a short Markdown verdict, fit for a CI job summary. */
export function renderSummary(results: RunResults, runDir: string): string {
  const s = results.stats;
  const lines = [
    `## faultline: ${results.plan.name} — ${verdictWord(results.valid)}`,
    '',
    `| | |`,
    `|---|---|`,
    `| system | ${results.plan.system}, ${results.plan.nodes} nodes${results.plan.bugs.length ? `, bugs: ${results.plan.bugs.join(', ')}` : ''} |`,
    `| seed | ${results.plan.seed} |`,
    `| operations | ${s.operations} (ok ${s.ok}, fail ${s.fail}, info ${s.info}) |`,
    `| throughput | ${s.okPerSec} ok/s over ${(results.workloadMs / 1000).toFixed(1)} s |`,
    `| faults | ${results.nemesis.filter((e) => e.type === 'start' && e.step >= 0).length} |`,
    '',
    ...results.checks.map((c) => `- **${c.name}**${c.model ? ` (${c.model})` : ''}: ${verdictWord(c.valid)} — ${escapeHtml(c.explanation)} (checked in ${Math.round(c.durationMs)} ms)`),
    ...results.problems.map((p) => `- problem: ${escapeHtml(p)}`),
    '',
    `Report: \`${runDir}/report.html\`. Replay: \`${results.replay}\``,
    '',
  ];
  return lines.join('\n');
}
