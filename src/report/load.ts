import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {InputError} from '../errors/index.js';
import {readHistory, type HistoryEvent} from '../history/index.js';
import type {NemesisEvent} from '../nemesis/events.js';
import {RESULTS_SCHEMA_VERSION, type RunResults} from './results.js';

/** A run directory's files, read back for `faultline report`. */
export interface LoadedRun {
  runDir: string;
  results: RunResults;
  events: HistoryEvent[];
}

/**
 * Reads results.json and history.jsonl of a run directory.
 * @throws InputError when the folder is not a run directory or results.json is unreadable or of another schema version.
 * @throws HistoryFormatError when history.jsonl is malformed.
 */
export function loadRun(runDir: string): LoadedRun {
  const resultsFile = path.join(runDir, 'results.json');
  if (!existsSync(path.join(runDir, 'history.jsonl'))) throw new InputError(`${runDir}: not a run directory (no history.jsonl)`);
  if (!existsSync(resultsFile)) throw new InputError(`${resultsFile}: missing — the run did not finish; check its history with: faultline check ${path.join(runDir, 'history.jsonl')}`);
  let results: RunResults;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults;
  } catch (error) {
    throw new InputError(`${resultsFile}: not valid JSON (${(error as Error).message})`);
  }
  if (results.schemaVersion !== RESULTS_SCHEMA_VERSION) throw new InputError(`${resultsFile}: schemaVersion ${String(results.schemaVersion)} is not ${RESULTS_SCHEMA_VERSION}`);
  return {runDir, results, events: readHistory(path.join(runDir, 'history.jsonl'))};
}

/** One line of `faultline runs`. */
export interface RunListing {
  path: string;
  /** ISO 8601 start time, or null when results.json is missing. */
  startedAt: string | null;
  plan: string;
  /** The verdict, or "incomplete" when the run left no results.json. */
  verdict: true | false | 'unknown' | 'incomplete';
  operations: number | null;
  seed: number | null;
}

/**
 * Lists run directories under `parent`, newest first. Folders without history.jsonl are skipped;
 * a `parent` that does not exist yet has no runs.
 * @throws InputError when `parent` is not a folder or cannot be read (names `--out`).
 */
export function listRuns(parent: string): RunListing[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`--out: ${parent} is not a folder of runs (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const runs: Array<RunListing & {mtimeMs: number}> = [];
  for (const name of names) {
    const dir = path.join(parent, name);
    if (!existsSync(path.join(dir, 'history.jsonl'))) continue;
    const mtimeMs = statSync(dir).mtimeMs;
    try {
      const r = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResults;
      runs.push({path: dir, startedAt: r.startedAt, plan: r.plan.name, verdict: r.valid, operations: r.stats.operations, seed: r.plan.seed, mtimeMs});
    } catch {
      runs.push({path: dir, startedAt: null, plan: name.replace(/^\d{8}-\d{6}-/, ''), verdict: 'incomplete', operations: null, seed: null, mtimeMs});
    }
  }
  return runs.sort((a, b) => b.path.localeCompare(a.path)).map(({mtimeMs: _m, ...r}) => r);
}
