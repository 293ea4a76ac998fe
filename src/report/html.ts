import escapeHtml from 'escape-html';
import type {EvidenceOperation} from '../checker/index.js';
import type {HistoryEvent} from '../history/types.js';
import type {RunResults} from './results.js';
import {explainCheck, verdictWord} from './text.js';

/** Past this many operations the timeline draws only the window around the first violation. */
const MAX_TIMELINE_OPERATIONS = 20_000;
const LANE_HEIGHT_PX = 14;
const TIMELINE_WIDTH_PX = 1200;

const x = (v: unknown) => escapeHtml(String(v));

interface Bar {
  process: number;
  f: string;
  key: string;
  invokeNs: number;
  endNs: number | null;
  type: string;
  value: unknown;
}

/** Pairs invokes with completions for drawing. Open operations end at the last event. */
function bars(events: readonly HistoryEvent[]): Bar[] {
  const open = new Map<number, Bar>();
  const out: Bar[] = [];
  for (const e of events) {
    if (e.type === 'invoke') {
      const bar = {process: e.process, f: e.f, key: e.key, invokeNs: e.time, endNs: null, type: 'open', value: e.value};
      open.set(e.process, bar);
      out.push(bar);
    } else {
      const bar = open.get(e.process);
      if (!bar) continue;
      open.delete(e.process);
      bar.endNs = e.time;
      bar.type = e.type;
      bar.value = e.value;
    }
  }
  return out;
}

const COLOURS: Record<string, string> = {ok: '#4caf50', fail: '#e53935', info: '#ffb300', open: '#9e9e9e'};

/** An SVG timeline: one lane per client, a bar per operation, fault windows as bands. */
function timeline(results: RunResults, events: readonly HistoryEvent[]): string {
  let all = bars(events);
  const endNs = Math.max(1, ...events.slice(-1).map((e) => e.time), ...results.nemesis.map((e) => e.time));
  let fromNs = 0;
  let toNs = endNs;
  let note = '';
  if (all.length > MAX_TIMELINE_OPERATIONS) {
    const stuck = results.checks.flatMap((c) => c.result.keys).find((k) => k.evidence?.stuck)?.evidence?.stuck;
    const centre = stuck ? stuck.callNs : endNs / 2;
    fromNs = Math.max(0, centre - 2e9);
    toNs = centre + 2e9;
    all = all.filter((b) => (b.endNs ?? endNs) >= fromNs && b.invokeNs <= toNs);
    note = `<p class="note">${x(all.length)} operations drawn: the 4 s around ${stuck ? 'the first violation' : 'the middle of the run'}.</p>`;
  }
  const lanes = Math.max(1, results.plan.clients + 1);
  const span = Math.max(1, toNs - fromNs);
  const px = (ns: number) => ((ns - fromNs) / span) * TIMELINE_WIDTH_PX;
  const height = lanes * LANE_HEIGHT_PX + 20;
  const faults: string[] = [];
  const starts = new Map<string, number>();
  for (const e of results.nemesis) {
    const id = `${e.step}/${e.fault}`;
    if (e.type === 'start') starts.set(id, e.time);
    if (e.type === 'stop' && starts.has(id) && e.step >= 0) {
      const s = starts.get(id)!;
      faults.push(
        `<rect class="fault" x="${px(s).toFixed(1)}" y="0" width="${Math.max(1, px(e.time) - px(s)).toFixed(1)}" height="${height - 20}"><title>${x(e.description)}</title></rect>` +
          `<text x="${(px(s) + 2).toFixed(1)}" y="${height - 6}" class="fault-label">${x(results.nemesis.find((n) => n.type === 'start' && `${n.step}/${n.fault}` === id)?.description ?? '')}</text>`,
      );
      starts.delete(id);
    }
  }
  const rects = all.map((b) => {
    const lane = b.process % lanes;
    const x0 = px(b.invokeNs);
    const x1 = px(b.endNs ?? toNs);
    const title = `process ${b.process} ${b.f} ${b.key} ${JSON.stringify(b.value)} → ${b.type}`;
    return `<rect x="${x0.toFixed(1)}" y="${lane * LANE_HEIGHT_PX + 2}" width="${Math.max(0.8, x1 - x0).toFixed(1)}" height="${LANE_HEIGHT_PX - 4}" fill="${COLOURS[b.type]}"><title>${x(title)}</title></rect>`;
  });
  return `${note}<svg xmlns="http://www.w3.org/2000/svg" width="${TIMELINE_WIDTH_PX}" height="${height}" viewBox="0 0 ${TIMELINE_WIDTH_PX} ${height}">${faults.join('')}${rects.join('')}</svg>
<p class="legend"><span style="color:${COLOURS.ok}">■ ok</span> <span style="color:${COLOURS.fail}">■ fail</span> <span style="color:${COLOURS.info}">■ info</span> <span class="fault-key">■ fault window</span> — lanes are client slots (process mod ${lanes}); hover a bar for the operation.</p>`;
}

function operationRows(ops: readonly EvidenceOperation[]): string {
  return ops
    .map(
      (o) =>
        `<tr><td>${x(o.process)}</td><td>${x(o.description)}</td><td>${x(o.status)}</td><td>${x((o.callNs / 1e9).toFixed(3))}</td><td>${o.returnNs === null ? '∞' : x((o.returnNs / 1e9).toFixed(3))}</td><td>${x(o.invokeIndex)}</td></tr>`,
    )
    .join('');
}

function evidenceSection(results: RunResults): string {
  const parts: string[] = [];
  for (const check of results.checks) {
    for (const key of check.result.keys) {
      if (key.valid === true) continue;
      if (!key.evidence) {
        parts.push(`<h3>key ${x(key.key)}: ${x(verdictWord(key.valid))}</h3><p>${x(key.reason ?? '')}</p>`);
        continue;
      }
      const ev = key.evidence;
      const tail = ev.prefix.slice(-10);
      parts.push(`<h3>key ${x(key.key)}: not linearizable</h3>
<p class="sentence">${x(ev.sentence)}</p>
<h4>Pending operations at the deepest point (none can take effect next)</h4>
<table><tr><th>process</th><th>operation</th><th>outcome</th><th>invoked (s)</th><th>completed (s)</th><th>event</th></tr>${operationRows(ev.candidates)}</table>
<h4>Last ${tail.length} of the ${ev.prefix.length} operations in the longest linearizable prefix; then ${x(ev.stateAfterPrefix)}</h4>
<table><tr><th>process</th><th>operation</th><th>outcome</th><th>invoked (s)</th><th>completed (s)</th><th>event</th></tr>${operationRows(tail)}</table>`);
    }
  }
  return parts.length > 0 ? `<h2>Counterexamples</h2>${parts.join('\n')}` : '';
}

/**
 * report.html: self-contained (inline CSS and SVG, no network). Every value taken from the
 * history, the plan or a log is HTML-escaped.
 */
export function renderHtml(results: RunResults, events: readonly HistoryEvent[]): string {
  const s = results.stats;
  const verdictClass = results.valid === true ? 'valid' : results.valid === false ? 'invalid' : 'unknown';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faultline: ${x(results.plan.name)} — ${x(verdictWord(results.valid))}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1 .valid{color:#2e7d32}h1 .invalid{color:#c62828}h1 .unknown{color:#ef6c00}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}
.fault{fill:#e3f2fd;stroke:#90caf9}.fault-label{font-size:10px;fill:#1565c0}.fault-key{color:#90caf9}
.sentence{background:#fff3e0;padding:8px;border-left:4px solid #ef6c00}.note{color:#666}
svg{border:1px solid #eee;max-width:100%;height:auto}
</style></head><body>
<h1>faultline: ${x(results.plan.name)} — <span class="${verdictClass}">${x(verdictWord(results.valid))}</span></h1>
<table>
<tr><th>plan</th><td>${x(results.plan.file)}</td></tr>
<tr><th>system</th><td>${x(results.plan.system)}, ${x(results.plan.nodes)} nodes${results.plan.bugs.length ? `, seeded bugs: ${x(results.plan.bugs.join(', '))}` : ''}</td></tr>
<tr><th>seed</th><td>${x(results.plan.seed)}</td></tr>
<tr><th>started</th><td>${x(results.startedAt)}, ${x((results.durationMs / 1000).toFixed(1))} s in all, workload ${x((results.workloadMs / 1000).toFixed(1))} s</td></tr>
<tr><th>operations</th><td>${x(s.operations)}: ok ${x(s.ok)}, fail ${x(s.fail)}, info ${x(s.info)}${s.open ? `, open ${x(s.open)}` : ''}; ${x(s.okPerSec)} ok/s</td></tr>
<tr><th>replay</th><td><code>${x(results.replay)}</code></td></tr>
</table>
<h2>Checks</h2>
<ul>${results.checks.map((c) => `<li><b>${x(c.name)}</b> (${x(c.model)}): ${x(verdictWord(c.result.valid))} — ${x(explainCheck(c))}; ${x(Math.round(c.result.durationMs))} ms</li>`).join('')}</ul>
${results.problems.length ? `<h2>Problems</h2><ul>${results.problems.map((p) => `<li>${x(p)}</li>`).join('')}</ul>` : ''}
${evidenceSection(results)}
<h2>Timeline</h2>
${timeline(results, events)}
<h2>Nemesis</h2>
<table><tr><th>time (s)</th><th>event</th><th>fault</th><th>what</th></tr>${results.nemesis.map((e) => `<tr><td>${x((e.time / 1e9).toFixed(3))}</td><td>${x(e.type)}</td><td>${x(e.fault)}</td><td>${x(e.description)}</td></tr>`).join('')}</table>
</body></html>
`;
}
