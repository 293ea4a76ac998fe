import escapeHtml from 'escape-html';
import type {EvidenceOperation, KeyResult} from '../checker/index.js';
import type {HistoryEvent} from '../history/types.js';
import {bucketWidthS, drawnOperations, faultWindows, type DrawnOperation, type FaultWindow} from './data.js';
import {logLinesAround, logNodes, type LogLine} from './logs.js';
import {latencyQuantilesSvg, latencyRawSvg, rateSvg} from './plots.js';
import type {RunResults} from './results.js';
import {verdictWord} from './text.js';
import {TIMELINE_SCRIPT, timelineSvg} from './timeline.js';

/** Past this many operations the main timeline draws only the window around the first violation. */
export const MAX_TIMELINE_OPERATIONS = 10_000;
/** Half-width of the windows drawn around a violation, seconds. */
const WINDOW_S = 2;

const x = (v: unknown) => escapeHtml(String(v));

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1 .valid{color:#2e7d32}h1 .invalid{color:#c62828}h1 .unknown{color:#ef6c00}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
.band{fill:#90caf9;opacity:.25}.band-label{font-size:10px;fill:#1565c0}.lane,.tick{font-size:10px;fill:#555}.lane{text-anchor:end}.tick{text-anchor:middle}
.hl{stroke:#000;stroke-width:1.5}.marker{stroke:#c62828;stroke-width:2;stroke-dasharray:4 2}.marker-label{font-size:10px;fill:#c62828}
.sentence{background:#fff3e0;padding:8px;border-left:4px solid #ef6c00}.note{color:#666}
svg{max-width:100%;height:auto}svg.timeline{border:1px solid #eee;cursor:grab}
pre.log{background:#f7f7f7;padding:6px;font-size:12px;overflow-x:auto}`;

/** Lane of an operation: its client slot (process mod clients), or the last lane for final reads. */
function laneFor(results: RunResults, firstFinalProcess: number): (op: DrawnOperation) => number {
  const clients = results.plan.clients;
  return (op) => (op.process >= firstFinalProcess ? clients : op.process % clients);
}

function laneLabels(clients: number): string[] {
  return [...Array.from({length: clients}, (_, i) => `client ${i}`), 'final reads'];
}

function operationRows(ops: readonly EvidenceOperation[]): string {
  return ops
    .map(
      (o) =>
        `<tr><td>${x(o.process)}</td><td>${x(o.description)}</td><td>${x(o.status)}</td><td>${x((o.callNs / 1e9).toFixed(3))}</td><td>${o.returnNs === null ? '∞' : x((o.returnNs / 1e9).toFixed(3))}</td><td>${x(o.invokeIndex)}</td></tr>`,
    )
    .join('');
}

const OPS_HEADER = '<tr><th>process</th><th>operation</th><th>outcome</th><th>invoked (s)</th><th>completed (s)</th><th>event</th></tr>';

/** The counterexample of one key: sentence, a timeline of that key's operations around it, the tables. */
function counterexample(key: KeyResult, ops: readonly DrawnOperation[], faults: readonly FaultWindow[], explanation: string, lane: (op: DrawnOperation) => number, labels: string[], n: number): string {
  const ev = key.evidence!;
  const focus = ev.stuck ?? ev.candidates[0];
  const atS = focus ? focus.callNs / 1e9 : 0;
  const fromS = Math.max(0, atS - WINDOW_S);
  const toS = atS + WINDOW_S;
  const windowOps = ops.filter((o) => o.key === key.key && (o.endS ?? Infinity) >= fromS && o.startS <= toS);
  const highlight = new Set([...ev.candidates.map((c) => c.invokeIndex), ...(ev.stuck ? [ev.stuck.invokeIndex] : [])]);
  const tail = ev.prefix.slice(-10);
  return `<h3 id="key-${x(key.key)}">key ${x(key.key)}: not linearizable</h3>
<p class="sentence">${x(explanation)}</p>
${explanation === ev.sentence ? '' : `<p class="note">Where the checker's search stopped (its state after the longest prefix it could order, not the register's value when the read ran): ${x(ev.sentence)}</p>`}
<h4>Operations on ${x(key.key)} from ${x(fromS.toFixed(2))} s to ${x(toS.toFixed(2))} s (outlined: the operations that could not be linearized)</h4>
${timelineSvg(windowOps, faults, {id: `cx-${n}`, fromS, toS, laneOf: lane, laneLabels: labels, highlight, marker: {atS, label: 'violation — node logs', href: '#logs'}})}
<h4>Pending at the deepest point of the search: none can take effect next</h4>
<table>${OPS_HEADER}${operationRows(ev.candidates)}</table>
<h4>Last ${tail.length} of the ${ev.prefix.length} operations of the longest linearizable prefix; after them ${x(ev.stateAfterPrefix)}</h4>
<table>${OPS_HEADER}${operationRows(tail)}</table>`;
}

/** The log excerpt around the violation; `nodes`: every node of the run, to name those that logged nothing then. */
function logsSection(lines: readonly LogLine[], atS: number, nodes: readonly string[]): string {
  if (lines.length === 0) return `<h2 id="logs">Node logs</h2><p class="note">No timestamped node log lines within ${WINDOW_S} s of ${x(atS.toFixed(3))} s.</p>`;
  const byNode = new Map<string, LogLine[]>();
  for (const l of lines) byNode.set(l.node, [...(byNode.get(l.node) ?? []), l]);
  const silent = nodes.filter((n) => !byNode.has(n));
  return `<h2 id="logs">Node logs within ${WINDOW_S} s of the violation (${x(atS.toFixed(3))} s)</h2>${[...byNode]
    .map(([node, ls]) => `<h3>${x(node)}</h3><pre class="log">${ls.map((l) => `${x((l.timeS ?? 0).toFixed(3).padStart(8))} s  ${x(l.text)}`).join('\n')}</pre>`)
    .join('')}${silent.length > 0 ? `<p class="note">No lines in that window from ${x(silent.join(', '))}.</p>` : ''}`;
}

/**
 * report.html: self-contained (inline CSS, SVG and a small script; no network). Header, checks,
 * counterexamples with their window, the timeline, Jepsen's latency-raw, latency-quantiles and rate
 * plots with fault bands, the nemesis table and node logs around the violation. Every value taken
 * from the history, the plan or a log is HTML-escaped.
 *
 * @param runDir where nodes/*.log are read from (for the log excerpt).
 */
export async function renderHtml(results: RunResults, events: readonly HistoryEvent[], runDir: string): Promise<string> {
  const s = results.stats;
  const ops = drawnOperations(events);
  const endS = Math.max(0.001, (events.at(-1)?.time ?? 0) / 1e9, ...results.nemesis.map((e) => e.time / 1e9));
  const faults = faultWindows(results.nemesis, endS);
  const workloadEndS = (results.workloadStartMs + results.workloadMs) / 1000;
  const finalStart = events.find((e) => e.type === 'invoke' && e.time / 1e9 > workloadEndS && e.process >= results.plan.clients);
  const lane = laneFor(results, finalStart?.process ?? Number.MAX_SAFE_INTEGER);
  const labels = laneLabels(results.plan.clients);
  const failing = results.checks.flatMap((c) => (c.result?.keys ?? []).filter((k) => k.valid === false && k.evidence).map((k) => ({c, k})));
  const first = failing[0]?.k.evidence?.stuck ?? failing[0]?.k.evidence?.candidates[0];
  const violationS = first ? first.callNs / 1e9 : null;

  let tlOps = ops;
  let fromS = 0;
  let toS = endS;
  let tlNote = `All ${ops.length} operations. Wheel to zoom, drag to pan, double-click to reset; hover a bar for the operation.`;
  if (ops.length > MAX_TIMELINE_OPERATIONS) {
    const centre = violationS ?? endS / 2;
    fromS = Math.max(0, centre - WINDOW_S);
    toS = centre + WINDOW_S;
    tlOps = ops.filter((o) => (o.endS ?? Infinity) >= fromS && o.startS <= toS);
    if (tlOps.length > MAX_TIMELINE_OPERATIONS) {
      // Still too many (a dense history): keep the operations that start nearest the centre.
      tlOps = [...tlOps].sort((a, b) => Math.abs(a.startS - centre) - Math.abs(b.startS - centre)).slice(0, MAX_TIMELINE_OPERATIONS);
      fromS = Math.min(...tlOps.map((o) => o.startS));
      toS = Math.max(...tlOps.map((o) => o.endS ?? o.startS));
    }
    tlNote = `${tlOps.length} of ${ops.length} operations: those from ${fromS.toFixed(3)} s to ${toS.toFixed(3)} s, around ${violationS !== null ? 'the first violation' : 'the middle of the run'}. Wheel to zoom, drag to pan.`;
  }
  const bucketS = bucketWidthS(endS);
  const [raw, quantiles, rate] = await Promise.all([latencyRawSvg(ops, faults, endS), latencyQuantilesSvg(ops, faults, endS, bucketS), rateSvg(ops, faults, endS, bucketS)]);
  const verdictClass = results.valid === true ? 'valid' : results.valid === false ? 'invalid' : 'unknown';
  const logs = violationS !== null ? logsSection(logLinesAround(runDir, Date.parse(results.startedAt), violationS, WINDOW_S), violationS, logNodes(runDir)) : '';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faultline: ${x(results.plan.name)} — ${x(verdictWord(results.valid))}</title>
<style>${STYLE}</style></head><body>
<h1>faultline: ${x(results.plan.name)} — <span class="${verdictClass}" id="verdict">${x(verdictWord(results.valid))}</span></h1>
<table>
<tr><th>plan</th><td>${x(results.plan.file)}</td></tr>
<tr><th>system</th><td>${x(results.plan.system)}, ${x(results.plan.nodes)} nodes, ${x(results.plan.clients)} clients${results.plan.bugs.length ? `; seeded bugs: ${x(results.plan.bugs.join(', '))}` : ''}</td></tr>
<tr><th>seed</th><td>${x(results.plan.seed)}</td></tr>
<tr><th>started</th><td>${x(results.startedAt)}; ${x((results.durationMs / 1000).toFixed(1))} s in all, workload ${x((results.workloadMs / 1000).toFixed(1))} s</td></tr>
<tr><th>operations</th><td>${x(s.operations)}: ok ${x(s.ok)}, fail ${x(s.fail)}, info ${x(s.info)}${s.open ? `, open ${x(s.open)}` : ''}; ${x(s.okPerSec)} ok/s</td></tr>
<tr><th>replay</th><td><code>${x(results.replay)}</code></td></tr>
</table>
<h2>Checks</h2>
<ul>${results.checks.map((c) => `<li><b>${x(c.name)}</b>${c.model ? ` (${x(c.model)})` : ''}: <b>${x(verdictWord(c.valid))}</b> — ${x(c.explanation)} <span class="note">(${x(Math.round(c.durationMs))} ms)</span></li>`).join('')}</ul>
${results.problems.length ? `<h2>Problems</h2><ul>${results.problems.map((p) => `<li>${x(p)}</li>`).join('')}</ul>` : ''}
${failing.length ? `<h2>Counterexamples</h2>${failing.map(({c, k}, i) => counterexample(k, ops, faults, i === 0 ? c.explanation : k.evidence!.sentence, lane, labels, i)).join('\n')}` : ''}
<h2>Timeline</h2>
<p class="note">${x(tlNote)}</p>
${timelineSvg(tlOps, faults, {id: 'timeline', fromS, toS, laneOf: lane, laneLabels: labels, marker: violationS !== null ? {atS: violationS, label: 'violation — node logs', href: '#logs'} : undefined})}
<h2>Latency and throughput</h2>
<div class="plot" id="latency-raw">${raw}</div>
<div class="plot" id="latency-quantiles">${quantiles}</div>
<div class="plot" id="rate">${rate}</div>
<h2>Nemesis</h2>
<table><tr><th>time (s)</th><th>event</th><th>fault</th><th>what</th></tr>${results.nemesis.map((e) => `<tr><td>${x((e.time / 1e9).toFixed(3))}</td><td>${x(e.type)}</td><td>${x(e.fault)}</td><td>${x(e.description)}</td></tr>`).join('')}</table>
${logs}
<script>${TIMELINE_SCRIPT}</script>
</body></html>
`;
}
