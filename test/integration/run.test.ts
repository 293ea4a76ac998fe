import assert from 'node:assert/strict';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {parse, stringify} from 'yaml';
import {faultline, onlyRunDir, readResults, ROOT, survivors, tempRuns} from './helpers.js';

const RUN_FILES = ['plan.yaml', 'history.jsonl', 'nemesis.jsonl', 'nodes/n1.log', 'nodes/n2.log', 'nodes/n3.log', 'results.json', 'report.html', 'junit.xml', 'summary.md'];

describe('faultline run', () => {
  test('raft-smoke passes: exit 0, linearizable, more than 100 ok operations, nothing left running', async () => {
    const runs = tempRuns();
    const result = await faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--seed', '1']);
    assert.equal(result.exitCode, 0, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    for (const f of RUN_FILES) assert.ok(existsSync(path.join(runDir, f)), `${f} missing`);
    const results = readResults(runDir);
    assert.equal(results.valid, true);
    assert.equal(results.exitCode, 0);
    assert.ok(results.stats.ok > 100, `only ${results.stats.ok} ok operations`);
    const history = readFileSync(path.join(runDir, 'history.jsonl'), 'utf8').trim().split('\n');
    assert.equal(history.length, results.stats.operations * 2);
    assert.match(readFileSync(path.join(runDir, 'plan.yaml'), 'utf8'), /^seed: 1$/m);
    assert.match(readFileSync(path.join(runDir, 'nemesis.jsonl'), 'utf8'), /"type":"start","step":0,"occurrence":0,"fault":"partition"/);
    assert.match(result.stdout, /^valid {2}raft-smoke {2}seed 1$/m);
    assert.equal(results.replay, `faultline replay ${runDir}`);
    assert.ok(result.stdout.split('\n').includes(`  replay: faultline replay ${runDir}`), result.stdout);
    assert.deepEqual(survivors(runDir), []);
  });

  test('raft-stale-read is caught: exit 1 naming the key that is not linearizable', async () => {
    const runs = tempRuns();
    const result = await faultline(['run', 'plans/raft-stale-read.yaml', '--out', runs, '--seed', '2']);
    assert.equal(result.exitCode, 1, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    const results = readResults(runDir);
    assert.equal(results.valid, false);
    const bad = results.checks[0].result!.keys.filter((k) => k.valid === false).map((k) => k.key);
    assert.ok(bad.length > 0);
    assert.match(result.stdout, new RegExp(`INVALID — Read of (${bad.join('|')}) by process \\d+ returned`));
    assert.match(readFileSync(path.join(runDir, 'junit.xml'), 'utf8'), /<failure message="Read of k\d+ by process \d+ returned/);
    assert.match(result.stdout, new RegExp(`^  \\(times are seconds since the run started; the workload, and the plan's at: offsets, began at ${(results.workloadStartMs / 1000).toFixed(3).replace('.', '\\.')} s\\)$`, 'm'));
    assert.deepEqual(survivors(runDir), []);
  });

  test('raft-leader-isolation catches the stale-read bug: exit 1, the history is not linearizable', async () => {
    // The built-in plan as it is, with the seeded bug and a 12 s workload: two isolations of the leader.
    const plan = parse(readFileSync(path.join(ROOT, 'plans/raft-leader-isolation.yaml'), 'utf8')) as {cluster: {bugs?: string[]}; workload: {duration: string}};
    plan.cluster.bugs = ['stale-read'];
    plan.workload.duration = '12s';
    const dir = tempRuns();
    const planFile = path.join(dir, 'raft-leader-isolation.yaml');
    writeFileSync(planFile, stringify(plan));
    const runs = path.join(dir, 'runs');
    const result = await faultline(['run', planFile, '--out', runs, '--seed', '3']);
    assert.equal(result.exitCode, 1, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    const results = readResults(runDir);
    assert.equal(results.valid, false);
    assert.equal(results.checks.find((c) => c.name === 'linearizable')?.valid, false);
    assert.match(result.stdout, /linearizable: INVALID — Read of k\d+ by process \d+ returned/);
    assert.deepEqual(survivors(runDir), []);
  });

  test('replay repeats the fault timeline of a recorded run, targets included', async () => {
    const runs = tempRuns();
    const first = await faultline(['run', 'test/integration/fixtures/isolate-leader.yaml', '--out', runs, '-q']);
    assert.equal(first.exitCode, 0, first.stderr);
    const original = onlyRunDir(runs);
    // Say the recorded run had failed: a replay that passes then says why it may not repeat a failure.
    const resultsFile = path.join(original, 'results.json');
    writeFileSync(resultsFile, readFileSync(resultsFile, 'utf8').replace(/^ {2}"valid": true,$/m, '  "valid": false,'));
    const again = tempRuns();
    const replay = await faultline(['replay', original, '--out', again, '-q']);
    assert.equal(replay.exitCode, 0, replay.stderr);
    assert.ok(
      replay.stdout.includes(`  the recorded run was INVALID and this replay is not: it repeats the faults on the same nodes, not the nodes' timing (who led when). To target whichever node leads at each fault's moment, run the plan with its seed: faultline run ${path.join(original, 'plan.yaml')} --seed 77`),
      replay.stdout,
    );
    const faults = (dir: string) =>
      readFileSync(path.join(dir, 'nemesis.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as {type: string; step: number; description: string; nodes?: string[]})
        .filter((e) => e.step >= 0)
        .map((e) => `${e.type} ${e.step} ${e.description}`);
    assert.ok(faults(original).length >= 2);
    assert.deepEqual(faults(onlyRunDir(again)), faults(original));
    assert.match(readFileSync(path.join(onlyRunDir(again), 'plan.yaml'), 'utf8'), /^seed: 77$/m);
    // A replay keeps the recorded seed: --seed is not one of its flags.
    const reseeded = await faultline(['replay', original, '--seed', '8', '--out', again]);
    assert.equal(reseeded.exitCode, 2);
    assert.match(reseeded.stderr, /Nonexistent flag: --seed/);
    // The folder of runs is not a run.
    const notRun = await faultline(['replay', runs]);
    assert.equal(notRun.exitCode, 2);
    assert.equal(notRun.stderr.trim(), `error ${runs}: not a run directory (no plan.yaml)`);
    const missing = await faultline(['replay', path.join(runs, 'nope')]);
    assert.equal(missing.stderr.trim(), `error ${path.join(runs, 'nope')}: no such run directory`);
    const file = await faultline(['replay', 'plans/raft-smoke.yaml']);
    assert.equal(file.exitCode, 2);
    assert.equal(file.stderr.trim(), 'error plans/raft-smoke.yaml: not a run directory (a file; a run directory holds plan.yaml and nemesis.jsonl)');
  });

  test('a bad plan exits 2 with one line naming file, line, column and field', async () => {
    const result = await faultline(['run', 'test/integration/fixtures/bad-rate.yaml']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr.trim(), 'error test/integration/fixtures/bad-rate.yaml:6:9: workload.rate: expected a number');
  });

  test('Ctrl-C stops the run cleanly: the history so far is kept and nothing is left running', async () => {
    const runs = tempRuns();
    const child = faultline(['run', 'plans/raft-smoke.yaml', '--out', runs]);
    // Wait until operations are being recorded, then interrupt.
    const deadline = Date.now() + 60_000;
    let runDir = '';
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        runDir = onlyRunDir(runs);
        if (readFileSync(path.join(runDir, 'history.jsonl'), 'utf8').split('\n').length > 50) break;
      } catch {
        // not started yet
      }
    }
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 3, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const results = readResults(runDir);
    assert.ok(results.stats.operations > 25);
    assert.match(readFileSync(path.join(runDir, 'summary.md'), 'utf8'), /interrupted/);
    // Its faults were cut short: availability and recovery are not judged (junit: skipped).
    for (const name of ['availability', 'recovery']) {
      const c = results.checks.find((k) => k.name === name);
      assert.equal(c?.valid, 'unknown', name);
      assert.match(c.explanation, /^not judged, the run was interrupted: /);
    }
    assert.match(readFileSync(path.join(runDir, 'junit.xml'), 'utf8'), /<testcase [^>]*name="availability"[^>]*>\s*<skipped message="not judged, the run was interrupted/);
    assert.deepEqual(survivors(runDir), []);
  });
});
