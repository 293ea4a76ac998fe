import * as vega from 'vega';
import {compile, type TopLevelSpec} from 'vega-lite';
import {latencyMs, quantileBuckets, rateBuckets, sampleForPlot, type DrawnOperation, type FaultWindow} from './data.js';

/** The latency scatter plot draws at most this many operations (all fail/info first, then a sample of ok). */
export const MAX_PLOTTED_POINTS = 4000;
const WIDTH_PX = 1000;
const HEIGHT_PX = 220;
const OUTCOME_COLOURS = {domain: ['ok', 'fail', 'info'], range: ['#4caf50', '#e53935', '#ffb300']};

/** Fault windows as shaded bands with labels, shared by every plot. */
function faultLayers(faults: readonly FaultWindow[]): object[] {
  if (faults.length === 0) return [];
  const values = faults.map((f) => ({from: f.fromS, to: f.toS, label: f.label}));
  return [
    {data: {values}, mark: {type: 'rect', color: '#90caf9', opacity: 0.25}, encoding: {x: {field: 'from', type: 'quantitative'}, x2: {field: 'to'}}},
    {
      data: {values},
      mark: {type: 'text', align: 'left', baseline: 'top', dx: 2, dy: 2, fontSize: 9, color: '#1565c0', limit: 160},
      encoding: {x: {field: 'from', type: 'quantitative'}, y: {value: 0}, text: {field: 'label'}},
    },
  ];
}

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), {renderer: 'none'});
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const timeAxis = (endS: number) => ({type: 'quantitative' as const, title: 'time (s)', scale: {domain: [0, endS], nice: false}});

/** Jepsen's latency-raw: every completed operation's latency over time, by outcome, log scale. */
export function latencyRawSvg(ops: readonly DrawnOperation[], faults: readonly FaultWindow[], endS: number): Promise<string> {
  const values = sampleForPlot(ops, MAX_PLOTTED_POINTS).map((o) => ({t: o.startS, latency: Math.max(0.01, latencyMs(o)!), type: o.type === 'open' ? 'info' : o.type, f: o.f}));
  return toSvg({
    width: WIDTH_PX,
    height: HEIGHT_PX,
    title: 'Latency of each operation (by invoke time)',
    layer: [
      ...faultLayers(faults),
      {
        data: {values},
        mark: {type: 'point', filled: true, size: 10, opacity: 0.7},
        encoding: {
          x: {field: 't', ...timeAxis(endS)},
          y: {field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: {type: 'log'}},
          color: {field: 'type', type: 'nominal', title: 'outcome', scale: OUTCOME_COLOURS},
          shape: {field: 'f', type: 'nominal', title: 'function'},
        },
      },
    ],
  } as TopLevelSpec);
}

/** Jepsen's latency-quantiles: p50, p95, p99 and max latency per time bucket. */
export function latencyQuantilesSvg(ops: readonly DrawnOperation[], faults: readonly FaultWindow[], endS: number, bucketS: number): Promise<string> {
  const values = quantileBuckets(ops, bucketS).map((q) => ({...q, latencyMs: Math.max(0.01, q.latencyMs)}));
  return toSvg({
    width: WIDTH_PX,
    height: HEIGHT_PX,
    title: `Latency quantiles per ${bucketS} s`,
    layer: [
      ...faultLayers(faults),
      {
        data: {values},
        mark: {type: 'line', point: {size: 12}},
        encoding: {
          x: {field: 'timeS', ...timeAxis(endS)},
          y: {field: 'latencyMs', type: 'quantitative', title: 'latency (ms)', scale: {type: 'log'}},
          color: {field: 'quantile', type: 'nominal', sort: ['p50', 'p95', 'p99', 'max']},
        },
      },
    ],
  } as TopLevelSpec);
}

/** Jepsen's rate: completed operations per second over time, by outcome. */
export function rateSvg(ops: readonly DrawnOperation[], faults: readonly FaultWindow[], endS: number, bucketS: number): Promise<string> {
  return toSvg({
    width: WIDTH_PX,
    height: HEIGHT_PX,
    title: `Throughput (operations completed per second, ${bucketS} s buckets)`,
    layer: [
      ...faultLayers(faults),
      {
        data: {values: rateBuckets(ops, bucketS)},
        mark: {type: 'line'},
        encoding: {
          x: {field: 'timeS', ...timeAxis(endS)},
          y: {field: 'perSec', type: 'quantitative', title: 'operations / s'},
          color: {field: 'type', type: 'nominal', title: 'outcome', scale: OUTCOME_COLOURS},
        },
      },
    ],
  } as TopLevelSpec);
}
