/**
 * The φ-accrual failure detector (Hayashibara, Défago, Yared, Katayama, "The φ Accrual Failure
 * Detector", SRDS 2004), in the form Akka and Cassandra use.
 *
 * Instead of a yes/no verdict it outputs a suspicion level φ = −log10(P(a heartbeat arrives later
 * than now)), where the inter-arrival times of past heartbeats are modelled as a normal distribution
 * with the window's mean and standard deviation. φ = 1 means a 10 % chance that the peer is still
 * alive and the heartbeat is just late, φ = 8 means 10⁻⁸. A node is *suspected* while φ exceeds the
 * threshold. The normal CDF uses the logistic approximation of Akka's `PhiAccrualFailureDetector`
 * (error < 0.02 %), which avoids erf.
 *
 * Pure: times come in as arguments, in milliseconds.
 */

/** Suspicion threshold: Akka's and Cassandra's default. @default 8 */
export const DEFAULT_PHI_THRESHOLD = 8;
/** Inter-arrival samples kept (Akka `max-sample-size` is 1000; fewer adapt faster). @default 100 */
export const PHI_WINDOW_SAMPLES = 100;
/** Floor on the standard deviation, in ms, so a very regular series does not make φ explode on
 * a little jitter (Akka `min-std-deviation` is 100 ms at 1 s heartbeats; ours are 100 ms). @default 25 */
export const MIN_STD_DEVIATION_MS = 25;
/** Pause accepted on top of the mean before φ grows, in ms (Akka `acceptable-heartbeat-pause`,
 * scaled to our 100 ms heartbeats): absorbs GC and event-loop stalls. @default 200 */
export const ACCEPTABLE_PAUSE_MS = 200;

/** The arrival history of one peer's heartbeats. Invariant: `intervalsMs.length <= PHI_WINDOW_SAMPLES`. */
export interface ArrivalWindow {
  /** Time of the last heartbeat (or of the bootstrap), ms. */
  lastMs: number;
  intervalsMs: number[];
}

/**
 * A window seeded with one expected interval, as Akka does for the first heartbeat, so that a peer
 * that never answers is suspected after a few intervals instead of never.
 * @param nowMs when monitoring starts, ms. @param expectedIntervalMs the heartbeat period, ms.
 */
export function newWindow(nowMs: number, expectedIntervalMs: number): ArrivalWindow {
  return {lastMs: nowMs, intervalsMs: [expectedIntervalMs]};
}

/** Records a heartbeat arriving at `nowMs` (in place). Arrivals out of order (nowMs < lastMs) are ignored. */
export function heartbeat(w: ArrivalWindow, nowMs: number): void {
  if (nowMs < w.lastMs) return;
  w.intervalsMs.push(nowMs - w.lastMs);
  if (w.intervalsMs.length > PHI_WINDOW_SAMPLES) w.intervalsMs.shift();
  w.lastMs = nowMs;
}

/** Mean and standard deviation of the window's intervals, ms (std floored at MIN_STD_DEVIATION_MS). */
export function stats(w: ArrivalWindow): {meanMs: number; stdMs: number} {
  const n = w.intervalsMs.length;
  const mean = w.intervalsMs.reduce((a, b) => a + b, 0) / n;
  const variance = w.intervalsMs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n;
  return {meanMs: mean, stdMs: Math.max(MIN_STD_DEVIATION_MS, Math.sqrt(variance))};
}

/**
 * φ at `nowMs` for a normal distribution of intervals with `meanMs` and `stdMs` (Akka's formula):
 * with y = (elapsed − mean)/std and e = exp(−y(1.5976 + 0.070566 y²)),
 * φ = −log10(e / (1 + e)) when elapsed > mean, else −log10(1 − 1/(1 + e)).
 * Returns a non-negative number; `Infinity` when the probability underflows.
 */
export function phiOf(elapsedMs: number, meanMs: number, stdMs: number): number {
  const y = (elapsedMs - meanMs) / stdMs;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  const p = elapsedMs > meanMs ? e / (1 + e) : 1 - 1 / (1 + e);
  return p <= 0 ? Infinity : Math.max(0, -Math.log10(p));
}

/** φ of a peer at `nowMs`, with ACCEPTABLE_PAUSE_MS added to the mean. */
export function phi(w: ArrivalWindow, nowMs: number): number {
  const {meanMs, stdMs} = stats(w);
  return phiOf(nowMs - w.lastMs, meanMs + ACCEPTABLE_PAUSE_MS, stdMs);
}

/** Whether the peer is suspected at `nowMs`: φ > threshold. */
export function suspected(w: ArrivalWindow, nowMs: number, threshold = DEFAULT_PHI_THRESHOLD): boolean {
  return phi(w, nowMs) > threshold;
}
