import {mkdirSync} from 'node:fs';
import path from 'node:path';

/** `runs/<yyyymmdd-hhmmss>-<plan-name>` under `parent`; a `-2`, `-3` … suffix if it exists. */
export function makeRunDir(parent: string, planName: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const base = path.resolve(parent, `${stamp}-${planName}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir, {recursive: false});
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') mkdirSync(parent, {recursive: true});
      else if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') i--;
    }
  }
}
