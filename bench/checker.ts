/**
 * Checks every history in ../shared/data/porcupine (VERDICTS.tsv) and prints per-file time and
 * the total. Run: `node --import tsx bench/checker.ts [timeLimitMs]`.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {checkHistory} from '../src/checker/index.js';
import {readPorcupineEtcdLog, readPorcupineKvLog} from '../src/history/importers/porcupine.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'porcupine');
const timeLimitMs = process.argv[2] === undefined ? undefined : Number(process.argv[2]);

const rows = readFileSync(path.join(dataDir, 'VERDICTS.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => line.split('\t') as [string, string]);

let totalMs = 0;
let mismatches = 0;
for (const [file, expected] of rows) {
  const full = path.join(dataDir, file);
  const begin = performance.now();
  const {events, model} = file.startsWith('kv/') ? readPorcupineKvLog(full) : readPorcupineEtcdLog(full);
  const result = checkHistory(events, {model, timeLimitMs});
  const ms = performance.now() - begin;
  totalMs += ms;
  const got = result.valid === true ? 'linearizable' : result.valid === false ? 'not' : 'unknown';
  if (got !== expected) mismatches++;
  console.log(`${file.padEnd(22)} ${String(result.operationCount).padStart(5)} ops  ${ms.toFixed(1).padStart(8)} ms  ${got}${got === expected ? '' : `  MISMATCH (expected ${expected})`}`);
}
console.log(`total ${rows.length} files: ${totalMs.toFixed(1)} ms${mismatches > 0 ? `, ${mismatches} MISMATCHES` : ', all verdicts match'}`);
process.exitCode = mismatches > 0 ? 1 : 0;
