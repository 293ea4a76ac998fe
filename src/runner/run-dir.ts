import {mkdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {InputError} from '../errors/index.js';

/**
 * Creates `parent` and its missing ancestors one level at a time (Node's recursive mkdir spins
 * forever on some virtual file systems such as /proc).
 * @throws InputError naming `flag` when a component is not a folder or cannot be created.
 */
function ensureFolder(parent: string, flag: string): void {
  const missing: string[] = [];
  let dir = parent;
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) throw new InputError(`${flag} ${parent}: ${dir} is not a folder`);
      break;
    } catch (error) {
      if (error instanceof InputError) throw error;
      missing.unshift(dir);
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (error) {
      throw new InputError(`${flag} ${parent}: cannot create ${d} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
}

/**
 * Creates `<parent>/<yyyymmdd-hhmmss>-<plan-name>` (absolute), with a `-2`, `-3` … suffix if it
 * exists; `parent` is created if missing.
 * @throws InputError naming `flag` when the folder cannot be created.
 */
export function makeRunDir(parent: string, planName: string, now = new Date(), flag = '--out'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const root = path.resolve(parent);
  ensureFolder(root, flag);
  for (let i = 1; ; i++) {
    const dir = path.join(root, i === 1 ? `${stamp}-${planName}` : `${stamp}-${planName}-${i}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new InputError(`${flag} ${parent}: cannot create ${dir} (${code ?? String(error)})`);
    }
  }
}
