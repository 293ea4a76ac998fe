import type {CheckResult, Verdict} from '../checker/index.js';
import type {SetCheckResult} from '../checker/set/index.js';
import type {NemesisEvent} from '../nemesis/events.js';

/** Version of the results.json schema (docs/results.md). Bumped on any incompatible change. */
export const RESULTS_SCHEMA_VERSION = 1;

/** Counts of a history's operations by outcome. */
export interface OperationStats {
  /** Operations invoked (invoke events). */
  operations: number;
  ok: number;
  fail: number;
  info: number;
  /** Invoked but never completed (a run that was interrupted). */
  open: number;
  /** ok operations per second of workload time. */
  okPerSec: number;
}

/**
 * One check of a run: `linearizable` (each key against a model), `availability`, `recovery`,
 * `no-crash`.
 */
export interface CheckSummary {
  name: string;
  valid: Verdict;
  /** One line for people: why the verdict is what it is (for false, the first failing key). */
  explanation: string;
  /** Time the check took, ms. */
  durationMs: number;
  /** `linearizable`: the model. */
  model?: string;
  /** `linearizable`: the checker's full result: per-key results, evidence for false keys. */
  result?: CheckResult;
  /** `set`: the set checker's full result: per-key lost, unexpected and recovered elements with their events. */
  set?: SetCheckResult;
  /** Other checks: the figures behind the verdict (fractions 0–1, times in ms). */
  figures?: Record<string, number>;
}

/**
 * results.json: the verdict of a run with its evidence and statistics (docs/results.md).
 * Everything the reports show comes from this object and the run directory's other files.
 */
export interface RunResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  /** Plan name, seed and shape of the run. */
  plan: {name: string; seed: number; system: string; nodes: number; clients: number; bugs: string[]; file: string};
  /** ISO 8601 wall-clock start of the run. */
  startedAt: string;
  /** Wall-clock length of the whole run (start to end of checking), ms. */
  durationMs: number;
  /** Start of the workload phase, ms since the run started (the time base of history.jsonl). */
  workloadStartMs: number;
  /** Length of the workload phase, ms. Operations invoked after it are the final reads. */
  workloadMs: number;
  /**
   * false over "unknown" over true, across every check. A run whose checks pass but that was
   * interrupted, or whose harness could not carry out the plan, is "unknown". A node that crashed
   * is listed in `problems` without changing the verdict.
   */
  valid: Verdict;
  /** The process exit code this run maps to: 0, 1, 2 or 3. */
  exitCode: number;
  checks: CheckSummary[];
  stats: OperationStats;
  /** Every nemesis event, as in nemesis.jsonl. */
  nemesis: NemesisEvent[];
  /** Things that make the verdict less trustworthy or the run abnormal (a node crashed, the run was interrupted). */
  problems: string[];
  /**
   * The command that replays this run: `faultline replay RUN_DIR` (the same resolved plan and seed,
   * and the same fault targets at the same offsets); `plan.seed` with `faultline run --seed` gives
   * the same random choices against whatever the cluster does.
   */
  replay: string;
}
