import type {Verdict} from '../checker/index.js';
import {ExitCode} from '../errors/index.js';
import type {HistoryEvent} from '../history/types.js';
import type {NemesisEvent} from '../nemesis/events.js';
import {systemName} from '../cluster/systems.js';
import type {Plan} from '../plan/index.js';
import {RESULTS_SCHEMA_VERSION, type CheckSummary, type OperationStats, type RunResults} from './results.js';

/** Counts a history's operations by outcome; `workloadMs` is the workload phase length in ms. */
export function operationStats(events: readonly HistoryEvent[], workloadMs: number): OperationStats {
  const stats = {operations: 0, ok: 0, fail: 0, info: 0, open: 0, okPerSec: 0};
  for (const e of events) {
    if (e.type === 'invoke') stats.operations++;
    else stats[e.type]++;
  }
  stats.open = stats.operations - stats.ok - stats.fail - stats.info;
  stats.okPerSec = workloadMs > 0 ? Math.round((stats.ok / workloadMs) * 1000 * 10) / 10 : 0;
  return stats;
}

/** Merges verdicts: false over "unknown" over true (Jepsen's `merge-valid`). */
export function mergeVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes(false)) return false;
  if (verdicts.includes('unknown')) return 'unknown';
  return true;
}

/** The exit code of a verdict: 0 valid, 1 a check failed, 3 unknown (DESIGN.md). */
export function exitCodeOf(valid: Verdict): number {
  return valid === true ? ExitCode.ok : valid === false ? ExitCode.checkFailed : ExitCode.inconclusive;
}

/** Everything `buildResults` needs, gathered by the runner. */
export interface ResultsInput {
  plan: Plan;
  planFile: string;
  /** The run directory, named in the replay command. */
  runDir: string;
  startedAtMs: number;
  durationMs: number;
  /** Start of the workload phase on the run clock, ms. */
  workloadStartMs: number;
  workloadMs: number;
  events: readonly HistoryEvent[];
  checks: CheckSummary[];
  nemesis: NemesisEvent[];
  problems: string[];
  /** An interrupted run whose checks pass is "unknown", not valid: its history is incomplete. */
  interrupted: boolean;
  /** The harness could not carry out the plan (a fault or the heal failed): a pass is "unknown" too. */
  harnessFailed?: boolean;
}

/** Builds results.json's object from a finished (or interrupted) run. Pure. */
export function buildResults(input: ResultsInput): RunResults {
  const {plan} = input;
  let valid = mergeVerdicts(input.checks.map((c) => c.valid));
  if ((input.interrupted || input.harnessFailed) && valid === true) valid = 'unknown';
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    plan: {name: plan.name, seed: plan.seed, system: systemName(plan.cluster.system), nodes: plan.cluster.nodes, clients: plan.workload.clients, bugs: [...plan.cluster.bugs], file: input.planFile},
    startedAt: new Date(input.startedAtMs).toISOString(),
    durationMs: Math.round(input.durationMs),
    workloadStartMs: Math.round(input.workloadStartMs),
    workloadMs: Math.round(input.workloadMs),
    valid,
    exitCode: exitCodeOf(valid),
    checks: input.checks,
    stats: operationStats(input.events, input.workloadMs),
    nemesis: input.nemesis,
    problems: input.problems,
    replay: `faultline replay ${shellQuote(input.runDir)}`,
  };
}

/** Quotes a word for a POSIX shell when it holds anything but plain path characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
