import type {HistoryEvent} from '../history/types.js';
import type {NemesisEvent} from '../nemesis/events.js';

/** Phases of a run, in order. */
export type RunPhase = 'starting' | 'workload' | 'final' | 'checking';

/** A snapshot of a run in progress, for a live status line. */
export interface RunStatus {
  phase: RunPhase;
  /** Time in the workload phase so far, ms (0 before it). */
  elapsedMs: number;
  /** Planned length of the workload phase, ms. */
  totalMs: number;
  ok: number;
  fail: number;
  info: number;
  /** ok operations per second over the last status interval. */
  okPerSec: number;
  /** Descriptions of the faults active now. */
  faults: string[];
}

/**
 * Keeps running counts for the status line from the events as they are recorded. Pure
 * bookkeeping: the runner feeds it events and asks for snapshots.
 */
export class StatusTracker {
  private phase: RunPhase = 'starting';
  private counts = {ok: 0, fail: 0, info: 0};
  private readonly active = new Map<number, string>();
  private workloadStartMs = 0;
  private lastOk = 0;
  private lastAtMs = 0;

  constructor(private readonly totalMs: number) {}

  /** Enters a phase; `nowMs` is any monotonic millisecond clock. */
  enter(phase: RunPhase, nowMs: number): void {
    this.phase = phase;
    if (phase === 'workload') {
      this.workloadStartMs = nowMs;
      this.lastAtMs = nowMs;
    }
  }

  history(event: HistoryEvent): void {
    if (event.type !== 'invoke') this.counts[event.type]++;
  }

  nemesis(event: NemesisEvent): void {
    if (event.step < 0) return;
    if (event.type === 'start') this.active.set(event.step, event.description);
    if (event.type === 'stop') this.active.delete(event.step);
  }

  /** A snapshot; the rate covers the time since the previous snapshot. */
  snapshot(nowMs: number): RunStatus {
    const dt = nowMs - this.lastAtMs;
    const okPerSec = dt > 0 ? Math.round(((this.counts.ok - this.lastOk) / dt) * 1000) : 0;
    this.lastOk = this.counts.ok;
    this.lastAtMs = nowMs;
    const elapsedMs = this.phase === 'starting' ? 0 : Math.min(this.totalMs, nowMs - this.workloadStartMs);
    return {phase: this.phase, elapsedMs, totalMs: this.totalMs, ...this.counts, okPerSec, faults: [...this.active.values()]};
  }
}
