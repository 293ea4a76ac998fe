import type {HistoryEvent} from '../history/types.js';
import type {NemesisEvent} from '../nemesis/events.js';

/** One operation as the report draws it: times in seconds since the run started. */
export interface DrawnOperation {
  process: number;
  f: string;
  key: string;
  /** Value of the invoke (write / cas arguments) or of the completion (a read's result). */
  value: unknown;
  type: 'ok' | 'fail' | 'info' | 'open';
  /** History index of the invoke event. */
  index: number;
  startS: number;
  /** Completion time in s, or null for an operation that never completed. */
  endS: number | null;
  node?: string;
  error?: string;
}

/** A fault window: from its start event to its stop event (or the end of the run). Seconds. */
export interface FaultWindow {
  step: number;
  label: string;
  fromS: number;
  toS: number;
}

const S = 1e9;

/** Pairs invokes with completions (per process), in invoke order. */
export function drawnOperations(events: readonly HistoryEvent[]): DrawnOperation[] {
  const open = new Map<number, DrawnOperation>();
  const out: DrawnOperation[] = [];
  for (const e of events) {
    if (e.type === 'invoke') {
      const op: DrawnOperation = {process: e.process, f: e.f, key: e.key, value: e.value, type: 'open', index: e.index, startS: e.time / S, endS: null};
      open.set(e.process, op);
      out.push(op);
      continue;
    }
    const op = open.get(e.process);
    if (!op) continue;
    open.delete(e.process);
    op.type = e.type;
    op.endS = e.time / S;
    if (e.type === 'ok') op.value = e.value;
    if (e.node) op.node = e.node;
    if (e.error) op.error = e.error;
  }
  return out;
}

/** Fault windows from nemesis events (the final heal excluded), in start order. */
export function faultWindows(nemesis: readonly NemesisEvent[], endS: number): FaultWindow[] {
  const open = new Map<number, FaultWindow>();
  const out: FaultWindow[] = [];
  for (const e of nemesis) {
    if (e.step < 0 || e.type === 'skip') continue;
    if (e.type === 'start') {
      const w = {step: e.step, label: e.description, fromS: e.time / S, toS: endS};
      open.set(e.step, w);
      out.push(w);
    } else {
      const w = open.get(e.step);
      if (w) w.toS = e.time / S;
      open.delete(e.step);
    }
  }
  return out;
}

/** Latency of a completed operation in ms. */
export function latencyMs(op: DrawnOperation): number | null {
  return op.endS === null ? null : (op.endS - op.startS) * 1000;
}

/**
 * At most `limit` operations for a scatter plot: every fail and info (the interesting ones, up to
 * the limit) and an even sample of the ok ones. Deterministic.
 */
export function sampleForPlot(ops: readonly DrawnOperation[], limit: number): DrawnOperation[] {
  const done = ops.filter((o) => o.endS !== null);
  if (done.length <= limit) return done;
  const rare = done.filter((o) => o.type !== 'ok').slice(0, Math.floor(limit / 2));
  const ok = done.filter((o) => o.type === 'ok');
  const stride = ok.length / (limit - rare.length);
  const sampled = Array.from({length: limit - rare.length}, (_, i) => ok[Math.floor(i * stride)]);
  return [...rare, ...sampled].sort((a, b) => a.startS - b.startS);
}

/** Per time bucket: operations completed by outcome, per second. */
export interface RateBucket {
  timeS: number;
  type: 'ok' | 'fail' | 'info';
  perSec: number;
}

/** Per time bucket: latency quantiles of completed operations, ms. */
export interface QuantileBucket {
  timeS: number;
  quantile: string;
  latencyMs: number;
}

/** A bucket width that gives about 100 buckets over `durationS`, at least 0.1 s. */
export function bucketWidthS(durationS: number): number {
  return Math.max(0.1, Math.round((durationS / 100) * 10) / 10);
}

/** Throughput over time by outcome (Jepsen's rate plot). */
export function rateBuckets(ops: readonly DrawnOperation[], widthS: number): RateBucket[] {
  const counts = new Map<string, number>();
  for (const o of ops) {
    if (o.endS === null || o.type === 'open') continue;
    const b = Math.floor(o.endS / widthS);
    const id = `${b}/${o.type}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].map(([id, n]) => {
    const [b, type] = id.split('/');
    return {timeS: (Number(b) + 0.5) * widthS, type: type as RateBucket['type'], perSec: n / widthS};
  });
}

const QUANTILES: Array<[string, number]> = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
  ['max', 1],
];

/** Latency quantiles over time (Jepsen's latency-quantiles plot), by completion time. */
export function quantileBuckets(ops: readonly DrawnOperation[], widthS: number): QuantileBucket[] {
  const byBucket = new Map<number, number[]>();
  for (const o of ops) {
    const l = latencyMs(o);
    if (l === null || o.endS === null) continue;
    const b = Math.floor(o.endS / widthS);
    let list = byBucket.get(b);
    if (!list) byBucket.set(b, (list = []));
    list.push(l);
  }
  const out: QuantileBucket[] = [];
  for (const [b, list] of [...byBucket].sort((x, y) => x[0] - y[0])) {
    list.sort((x, y) => x - y);
    for (const [name, q] of QUANTILES) out.push({timeS: (b + 0.5) * widthS, quantile: name, latencyMs: list[Math.min(list.length - 1, Math.floor(q * (list.length - 1)))]});
  }
  return out;
}
