import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {packageRoot} from '../cluster/paths.js';

/** A built-in plan: its file and the first sentence of its opening comment block. */
export interface BuiltinPlan {
  name: string;
  file: string;
  summary: string;
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
      const first = readFileSync(path.join(dir, f), 'utf8').split('\n')[0] ?? '';
      const summary = first.startsWith('#') ? first.replace(/^#\s*/, '').replace(/^[\w.-]+:\s*/, '') : '';
      return {name: f.replace(/\.yaml$/, ''), file: path.relative(process.cwd(), path.join(dir, f)) || f, summary};
    });
}
