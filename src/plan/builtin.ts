import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {packageRoot} from '../cluster/paths.js';
import {parsePlan} from './parse.js';

/** A built-in plan: its file, what it runs, and the first sentence of its opening comment block. */
export interface BuiltinPlan {
  name: string;
  file: string;
  summary: string;
  /** `cluster.system`, e.g. `raft` (`custom` for a user's program). */
  system: string;
  /** `cluster.nodes`. */
  nodes: number;
  /** `workload.duration`, ms (the run takes longer: start-up, final heal and reads, checking). */
  workloadMs: number;
}

/**
 * The plans shipped in plans/, each with the one-line summary from its opening comment block
 * (`# raft-smoke: the smallest real chaos test …`), sorted by name.
 */
export function builtinPlans(): BuiltinPlan[] {
  const dir = path.join(packageRoot(), 'plans');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const first = text.split('\n')[0] ?? '';
      const summary = first.startsWith('#') ? first.replace(/^#\s*/, '').replace(/^[\w.-]+:\s*/, '') : '';
      const file = path.relative(process.cwd(), path.join(dir, f)) || f;
      const plan = parsePlan(text, file);
      return {name: f.replace(/\.yaml$/, ''), file, summary, system: typeof plan.cluster.system === 'string' ? plan.cluster.system : 'custom', nodes: plan.cluster.nodes, workloadMs: plan.workload.duration};
    });
}
