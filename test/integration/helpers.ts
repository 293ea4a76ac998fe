import {mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A fresh folder for run directories. */
export function tempRuns(): string {
  return mkdtempSync(path.join(tmpdir(), 'faultline-test-'));
}

/** Starts the compiled CLI (`bin/run.js`, built by `npm test`) with `args`, never rejecting. */
export function faultline(args: string[], options: {timeoutMs?: number} = {}): ResultPromise<{reject: false; cwd: string}> {
  return execa(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: options.timeoutMs ?? 180_000,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
  }) as ResultPromise<{reject: false; cwd: string}>;
}

/** The one run directory under `runsDir`. */
export function onlyRunDir(runsDir: string): string {
  const dirs = readdirSync(runsDir);
  if (dirs.length !== 1) throw new Error(`expected one run directory in ${runsDir}, found ${dirs.join(', ') || 'none'}`);
  return path.join(runsDir, dirs[0]);
}

/**
 * Processes still alive that belong to a run directory: nodes (their command line names the run's
 * data folder) and the embedded Toxiproxy server (its port is in toxiproxy.log).
 */
export function survivors(runDir: string): string[] {
  let port = '';
  try {
    port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(path.join(runDir, 'toxiproxy.log'), 'utf8'))?.[1] ?? '';
  } catch {
    // no proxy log: nothing of it can be running
  }
  const alive: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (cmd.includes(runDir) || (port && cmd.includes('toxiproxy') && cmd.includes(`--port ${port}`))) alive.push(`${pid} ${cmd}`);
  }
  return alive;
}

/** Reads a run directory's results.json. */
export function readResults(runDir: string): {valid: unknown; exitCode: number; problems: string[]; stats: {ok: number; operations: number; info: number}; checks: Array<{name: string; valid: unknown; figures?: Record<string, number>; result?: {keys: Array<{key: string; valid: unknown}>}}>} {
  return JSON.parse(readFileSync(path.join(runDir, 'results.json'), 'utf8'));
}

/** Waits until the run in `runs` has recorded more than `events` history lines; returns its run directory. @throws after 60 s. */
export async function waitForHistory(runs: string, events: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      const dir = onlyRunDir(runs);
      if (readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n').length > events) return dir;
    } catch {
      // not started yet
    }
  }
  throw new Error('the run recorded nothing within 60 s');
}
