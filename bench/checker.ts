/**
 * The checker benchmark of issue 3: checks every history in ../shared/data/porcupine
 * (VERDICTS.tsv) once, in one process, and prints per family (Porcupine's etcd logs, Porcupine's
 * kv logs) the count, total and slowest files, then totals, peak RSS, and a generated
 * 100,000-operation faultline history (10 keys, 20 clients). Verdicts must all match; the
 * process exits 1 if one does not, or if a goal is missed.
 *
 * Times are wall clock (performance.now) around read + parse + check of each file, and CPU time
 * (user + system, process.cpuUsage) alongside, since wall time on a shared machine includes
 * other processes. Porcupine's figure is quoted from the issue, not measured here.
 *
 * Run: `npm run bench:checker [-- --files] [-- --time-limit-ms N]`.
 */
import {readFileSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {checkHistory} from '../src/checker/index.js';
import {readPorcupineEtcdLog, readPorcupineKvLog} from '../src/history/importers/porcupine.js';
import {Rng} from '../src/rng/index.js';
import {generateRegisterHistory} from '../test/checker/helpers.js';

/** Porcupine (Go) on the shared set, as quoted in issue 3 (not measured here: no Go Porcupine on this machine). */
const QUOTED_PORCUPINE_SHARED_SET_MS = 1000;
/** Goals of issue 3. */
const GOAL_TOTAL_MS = 700;
const GOAL_FILE_MS = 500;
const GOAL_RSS_MB = 512;
const GOAL_GENERATED_MS = 10_000;
/** The generated history of issue 3. */
const GENERATED = {operations: 100_000, clients: 20, keys: 10, infoRate: 0.01, failRate: 0.05, seed: 20_251_130};
const SLOWEST_SHOWN = 3;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'porcupine');
const argv = process.argv.slice(2);
const listFiles = argv.includes('--files');
const limitAt = argv.indexOf('--time-limit-ms');
const timeLimitMs = limitAt === -1 ? undefined : Number(argv[limitAt + 1]);

interface Row {
  file: string;
  family: string;
  operations: number;
  wallMs: number;
  cpuMs: number;
  verdict: string;
  expected: string;
}

const verdicts = readFileSync(path.join(dataDir, 'VERDICTS.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => line.split('\t') as [string, string]);

const rows: Row[] = [];
for (const [file, expected] of verdicts) {
  const full = path.join(dataDir, file);
  const family = file.startsWith('kv/') ? 'porcupine kv' : 'porcupine etcd';
  const cpu = process.cpuUsage();
  const begin = performance.now();
  const {events, model} = family === 'porcupine kv' ? readPorcupineKvLog(full) : readPorcupineEtcdLog(full);
  const result = checkHistory(events, {model, timeLimitMs});
  const wallMs = performance.now() - begin;
  const used = process.cpuUsage(cpu);
  const verdict = result.valid === true ? 'linearizable' : result.valid === false ? 'not' : 'unknown';
  rows.push({file, family, operations: result.operationCount, wallMs, cpuMs: (used.user + used.system) / 1000, verdict, expected});
}
const sharedRssMb = process.resourceUsage().maxRSS / 1024;

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const sum = (list: Row[], f: (r: Row) => number): number => list.reduce((a, r) => a + f(r), 0);
const slowest = (list: Row[]): string =>
  [...list]
    .sort((a, b) => b.wallMs - a.wallMs)
    .slice(0, SLOWEST_SHOWN)
    .map((r) => `${path.basename(r.file)} ${ms(r.wallMs)} (${r.operations} ops, ${r.verdict})`)
    .join(', ');

console.log(
  `faultline checker on ${path.relative(repoRoot, dataDir)}: ${rows.length} histories, one pass, one process (node ${process.version}; ` +
    `${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} — wall time includes waiting for a CPU when the machine is busy, cpu time does not)`,
);
if (listFiles) {
  for (const r of rows) console.log(`  ${r.file.padEnd(22)} ${String(r.operations).padStart(5)} ops ${ms(r.wallMs).padStart(10)} wall ${ms(r.cpuMs).padStart(10)} cpu  ${r.verdict}${r.verdict === r.expected ? '' : `  MISMATCH (expected ${r.expected})`}`);
}
console.log(`${'family'.padEnd(16)} ${'files'.padStart(5)} ${'total wall'.padStart(11)} ${'total cpu'.padStart(11)}  slowest (wall)`);
for (const family of ['porcupine etcd', 'porcupine kv']) {
  const list = rows.filter((r) => r.family === family);
  console.log(`${family.padEnd(16)} ${String(list.length).padStart(5)} ${ms(sum(list, (r) => r.wallMs)).padStart(11)} ${ms(sum(list, (r) => r.cpuMs)).padStart(11)}  ${slowest(list)}`);
}
const totalMs = sum(rows, (r) => r.wallMs);
const maxFileMs = Math.max(...rows.map((r) => r.wallMs));
console.log(`${'total'.padEnd(16)} ${String(rows.length).padStart(5)} ${ms(totalMs).padStart(11)} ${ms(sum(rows, (r) => r.cpuMs)).padStart(11)}  slowest: ${slowest(rows)}`);
console.log(`${'Porcupine (Go)'.padEnd(16)} ${'-'.padStart(5)} ${`~${QUOTED_PORCUPINE_SHARED_SET_MS} ms`.padStart(11)} ${'-'.padStart(11)}  QUOTED from issue 3 for this shared set, not measured here`);
const mismatches = rows.filter((r) => r.verdict !== r.expected);
console.log(mismatches.length === 0 ? `verdicts: all ${rows.length} match VERDICTS.tsv` : `verdicts: ${mismatches.length} MISMATCHES: ${mismatches.map((r) => r.file).join(', ')}`);
console.log(`peak RSS after the shared set: ${sharedRssMb.toFixed(0)} MB`);

// The generated faultline history.
const events = generateRegisterHistory(Rng.seeded(GENERATED.seed), GENERATED);
const genCpu = process.cpuUsage();
const genBegin = performance.now();
const generated = checkHistory(events, {timeLimitMs: timeLimitMs ?? 60_000});
const generatedMs = performance.now() - genBegin;
const generatedCpu = process.cpuUsage(genCpu);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `generated: ${GENERATED.operations.toLocaleString('en')} operations (${events.length.toLocaleString('en')} events), ${GENERATED.keys} keys, ${GENERATED.clients} clients, ` +
    `${GENERATED.infoRate * 100}% info, ${GENERATED.failRate * 100}% fail: ${generated.valid === true ? 'linearizable' : String(generated.valid)} in ${ms(generatedMs)} wall, ${ms((generatedCpu.user + generatedCpu.system) / 1000)} cpu`,
);
console.log(`peak RSS overall: ${peakRssMb.toFixed(0)} MB`);

const goals: Array<[string, boolean]> = [
  [`shared set total ≤ ${GOAL_TOTAL_MS} ms (${ms(totalMs)})`, totalMs <= GOAL_TOTAL_MS],
  [`no file over ${GOAL_FILE_MS} ms (slowest ${ms(maxFileMs)})`, maxFileMs <= GOAL_FILE_MS],
  [`memory under ${GOAL_RSS_MB} MB (peak RSS ${peakRssMb.toFixed(0)} MB)`, peakRssMb < GOAL_RSS_MB],
  [`generated history under ${GOAL_GENERATED_MS / 1000} s (${ms(generatedMs)})`, generatedMs < GOAL_GENERATED_MS && generated.valid === true],
  ['every verdict matches', mismatches.length === 0],
];
for (const [goal, met] of goals) console.log(`goal ${met ? 'met   ' : 'MISSED'}  ${goal}`);
process.exitCode = goals.every(([, met]) => met) ? 0 : 1;
