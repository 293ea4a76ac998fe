import escapeHtml from 'escape-html';
import type {DrawnOperation, FaultWindow} from './data.js';

const x = (v: unknown) => escapeHtml(String(v));

/** Colours of operation outcomes, shared with the plots. */
export const OUTCOME_COLOURS: Record<DrawnOperation['type'], string> = {ok: '#4caf50', fail: '#e53935', info: '#ffb300', open: '#9e9e9e'};

const LANE_PX = 14;
const LABEL_PX = 70;
const AXIS_PX = 18;
const BAND_LABEL_PX = 14;
const WIDTH_PX = 1100;

/** What to draw and how. Times in seconds since the run started. */
export interface TimelineOptions {
  /** DOM id of the svg (the zoom/pan script finds timelines by the `timeline` class). */
  id: string;
  fromS: number;
  toS: number;
  /** Lane of an operation, 0-based. */
  laneOf: (op: DrawnOperation) => number;
  laneLabels: string[];
  /** History indexes of invokes to outline (the counterexample's operations). */
  highlight?: ReadonlySet<number>;
  /** A marker line: e.g. the violation, linking to the node logs. */
  marker?: {atS: number; label: string; href: string};
}

/** Round tick steps for a span of seconds: about 10 ticks. */
function tickStep(spanS: number): number {
  const raw = spanS / 10;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/**
 * An SVG timeline: one lane per client, a bar per operation from invoke to completion coloured by
 * outcome (open operations run to the right edge), fault windows as labelled bands across all
 * lanes. Bars carry `<title>` for hovering; the report's script adds zoom (wheel) and pan (drag).
 */
export function timelineSvg(ops: readonly DrawnOperation[], faults: readonly FaultWindow[], options: TimelineOptions): string {
  const {fromS, toS, laneLabels} = options;
  const span = Math.max(1e-6, toS - fromS);
  const plotW = WIDTH_PX - LABEL_PX;
  const px = (s: number) => ((Math.min(Math.max(s, fromS), toS) - fromS) / span) * plotW;
  const lanesH = laneLabels.length * LANE_PX;
  const height = BAND_LABEL_PX + lanesH + AXIS_PX;
  const bands = faults
    .filter((f) => f.toS >= fromS && f.fromS <= toS)
    .map(
      (f) =>
        `<rect class="band" x="${px(f.fromS).toFixed(1)}" y="0" width="${Math.max(1, px(f.toS) - px(f.fromS)).toFixed(1)}" height="${BAND_LABEL_PX + lanesH}"><title>${x(f.label)}</title></rect>` +
        `<text class="band-label" x="${(px(f.fromS) + 2).toFixed(1)}" y="10">${x(f.label)}</text>`,
    );
  const bars = ops.map((op) => {
    const x0 = px(op.startS);
    const x1 = px(op.endS ?? toS);
    const lane = options.laneOf(op);
    const hl = options.highlight?.has(op.index) ? ' class="hl"' : '';
    const title = `process ${op.process}: ${op.f} ${op.key} ${JSON.stringify(op.value)} → ${op.type}${op.error ? ` (${op.error})` : ''}${op.node ? ` via ${op.node}` : ''}; ${op.startS.toFixed(3)}–${op.endS === null ? '…' : op.endS.toFixed(3)} s; event ${op.index}`;
    return `<rect${hl} x="${x0.toFixed(1)}" y="${BAND_LABEL_PX + lane * LANE_PX + 2}" width="${Math.max(0.8, x1 - x0).toFixed(1)}" height="${LANE_PX - 4}" fill="${OUTCOME_COLOURS[op.type]}"><title>${x(title)}</title></rect>`;
  });
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let t = Math.ceil(fromS / step) * step; t <= toS + 1e-9; t += step) {
    ticks.push(`<line x1="${px(t).toFixed(1)}" x2="${px(t).toFixed(1)}" y1="${BAND_LABEL_PX + lanesH}" y2="${BAND_LABEL_PX + lanesH + 4}" stroke="#999"/><text class="tick" x="${px(t).toFixed(1)}" y="${height - 3}">${x(Number(t.toFixed(3)))} s</text>`);
  }
  const labels = laneLabels.map((l, i) => `<text class="lane" x="${LABEL_PX - 4}" y="${BAND_LABEL_PX + i * LANE_PX + LANE_PX - 3}">${x(l)}</text>`);
  const marker = options.marker
    ? `<a href="${x(options.marker.href)}"><line class="marker" x1="${px(options.marker.atS).toFixed(1)}" x2="${px(options.marker.atS).toFixed(1)}" y1="0" y2="${BAND_LABEL_PX + lanesH}"/><text class="marker-label" x="${(px(options.marker.atS) + 3).toFixed(1)}" y="${BAND_LABEL_PX + lanesH - 3}">${x(options.marker.label)}</text></a>`
    : '';
  return `<svg class="timeline" id="${x(options.id)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${height}" viewBox="0 0 ${WIDTH_PX} ${height}">
<g>${labels.join('')}</g><svg x="${LABEL_PX}" width="${plotW}" height="${height}"><g class="zoom" data-width="${plotW}">${bands.join('')}${bars.join('')}${ticks.join('')}${marker}</g></svg></svg>`;
}

/** Inline script: wheel to zoom the time axis around the pointer, drag to pan, double-click to reset. */
export const TIMELINE_SCRIPT = `
for (const svg of document.querySelectorAll('svg.timeline')) {
  const g = svg.querySelector('g.zoom'); const w = Number(g.dataset.width);
  let k = 1, tx = 0, drag = null;
  const apply = () => g.setAttribute('transform', 'translate(' + tx + ',0) scale(' + k + ',1)');
  const clamp = () => { k = Math.max(1, Math.min(k, 500)); tx = Math.min(0, Math.max(tx, w - w * k)); };
  svg.addEventListener('wheel', (e) => { e.preventDefault(); const r = g.parentNode.getBoundingClientRect();
    const mx = (e.clientX - r.left) * (w / r.width); const k0 = k; k *= e.deltaY < 0 ? 1.25 : 0.8; clamp();
    tx = mx - (mx - tx) * (k / k0); clamp(); apply(); }, {passive: false});
  svg.addEventListener('mousedown', (e) => { drag = {x: e.clientX, tx}; });
  window.addEventListener('mouseup', () => { drag = null; });
  window.addEventListener('mousemove', (e) => { if (!drag) return; const r = g.parentNode.getBoundingClientRect();
    tx = drag.tx + (e.clientX - drag.x) * (w / r.width); clamp(); apply(); });
  svg.addEventListener('dblclick', () => { k = 1; tx = 0; apply(); });
}`;
