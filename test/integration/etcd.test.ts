import assert from 'node:assert/strict';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {execa} from 'execa';
import {parse, stringify} from 'yaml';
import {formatDuration, parseDuration} from '../../src/plan/index.js';
import {faultline, onlyRunDir, readResults, ROOT, survivors, tempRuns} from './helpers.js';

const ETCD = '/usr/bin/etcd';

/**
 * A built-in plan with its workload and every nemesis time scaled by `factor`, written next to
 * the run directories (the integration tests run shortened plans).
 */
function shortened(plan: string, factor: number, dir: string): string {
  const doc = parse(readFileSync(path.join(ROOT, plan), 'utf8')) as {workload: {duration: string}; nemesis: Array<Record<string, unknown>>};
  const scale = (d: unknown) => formatDuration(Math.round(parseDuration(String(d))! * factor));
  doc.workload.duration = scale(doc.workload.duration);
  for (const step of doc.nemesis) for (const field of ['at', 'for']) if (field in step) step[field] = scale(step[field]);
  const file = path.join(dir, path.basename(plan));
  writeFileSync(file, stringify(doc));
  return file;
}

/** Processes whose command line runs etcd out of `runDir` (every member's --data-dir is inside it). */
function etcdSurvivors(runDir: string): string[] {
  return survivors(runDir).filter((p) => p.includes('etcd'));
}

describe('real etcd', {skip: !existsSync(ETCD) && !process.env.CI ? `${ETCD} not installed (apt-get install etcd-server)` : false}, () => {
  test('etcd-partition (shortened) passes: exit 0, linearizable, members killed and cut apart, nothing left running', async () => {
    const runs = tempRuns();
    const result = await faultline(['run', shortened('plans/etcd-partition.yaml', 0.5, tempRuns()), '--out', runs, '--seed', '3']);
    assert.equal(result.exitCode, 0, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    const results = readResults(runDir);
    assert.equal(results.valid, true);
    assert.ok(results.stats.ok > 100, `only ${results.stats.ok} ok operations`);
    const nemesis = readFileSync(path.join(runDir, 'nemesis.jsonl'), 'utf8');
    assert.match(nemesis, /"type":"start","step":0,"occurrence":0,"fault":"partition","description":"partition n1 \| n2 \| n3 \| n4 \(reset\)"/);
    assert.match(nemesis, /"type":"start","step":2,"occurrence":0,"fault":"kill"/);
    assert.match(readFileSync(path.join(runDir, 'nodes', 'n1.log'), 'utf8'), /--- faultline: starting n1: \S*etcd --name n1 /);
    assert.deepEqual(etcdSurvivors(runDir), []);
  });

  test('etcd-serializable-reads is caught: exit 1, the stale read named', async () => {
    const runs = tempRuns();
    const result = await faultline(['run', 'plans/etcd-serializable-reads.yaml', '--out', runs, '--seed', '4']);
    assert.equal(result.exitCode, 1, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    const results = readResults(runDir);
    assert.equal(results.valid, false);
    // The overwrite is shown by a write between the two or, when the writes overlapped, by a read
    // between them that saw the newer value (test/report/explain.test.ts); which one depends on the
    // run's timing. A stale read whose story is longer (say its write timed out) keeps the
    // checker's own sentence, which still names the read.
    assert.match(
      result.stdout,
      /linearizable: INVALID — (Read of k\d by process \d+ returned \d+ at [\d.]+ s, but \d+ was overwritten by \d+ (\(process \d+, write [\d.]+ s–[\d.]+ s\) before the read began at [\d.]+ s \(the read was served by n\d, the overwrite by n\d\)|before the read began at [\d.]+ s: process \d+ read \d+ \(read [\d.]+ s–[\d.]+ s\) after the write of \d+ finished at [\d.]+ s \(the read was served by n\d, the earlier read by n\d\))|On key k\d, read returned \d+ at [\d.]+ s \(process \d+, invoked at [\d.]+ s; history events \d+–\d+\), but no linearization allows it)/,
    );
    assert.deepEqual(etcdSurvivors(runDir), []);
  });
});

test('an etcd plan without etcd on PATH exits 2 before anything starts, saying how to install it', async () => {
  const runs = tempRuns();
  const result = await execa(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'run', 'plans/etcd-partition.yaml', '--out', runs], {
    cwd: ROOT,
    reject: false,
    env: {PATH: tempRuns(), FORCE_COLOR: '0', NO_COLOR: '1'},
    extendEnv: false,
  });
  assert.equal(result.exitCode, 2);
  assert.equal(result.stderr.trim(), "error plans/etcd-partition.yaml: cluster.system: etcd is not installed (no etcd on PATH); install Debian's etcd-server package (apt-get install etcd-server), or put an etcd 3.4+ binary on PATH");
  assert.throws(() => onlyRunDir(runs), /found none/);
});
