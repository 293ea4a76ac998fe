import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

let cached: string | null = null;

/**
 * The faultline package root (the folder holding its package.json), found from this module's
 * location so that it works from `src/` under tsx and from `dist/src/` alike.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as {name?: string}).name === 'faultline') {
      cached = dir;
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the faultline package root');
    dir = up;
  }
}

/** Path of a compiled built-in node program, e.g. `dist/nodes/raft/node.js`. */
export function builtinNodeScript(system: string): string {
  return path.join(packageRoot(), 'dist', 'nodes', system, 'node.js');
}

/** Path of faultline's own CLI entry (bin/run.js), for starting `faultline toxiproxy` as a child. */
export function cliEntry(): string {
  return path.join(packageRoot(), 'bin', 'run.js');
}
