/**
 * The hash-ring nodes through the whole pipeline (bin/run.js, real processes, Toxiproxy): the
 * node-failure and join-leave plans pass with every check; the registers plan catches stale-wins; the partition plan fails linearizability while its
 * set and convergence checks pass; each seeded bug is caught by a plan. Nothing may be left running.
 */
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {faultline, onlyRunDir, readResults, survivors, tempRuns, ROOT} from './helpers.js';

type Results = ReturnType<typeof readResults>;
const verdicts = (r: Results) => Object.fromEntries(r.checks.map((c) => [c.name, c.valid]));

/** A copy of a built-in plan with `bugs` added to its cluster. */
function withBugs(plan: string, bugs: string[]): string {
  const text = readFileSync(path.join(ROOT, 'plans', plan), 'utf8').replace(/^ {2}nodes: 5$/m, `  nodes: 5\n  bugs: [${bugs.join(', ')}]`);
  assert.match(text, /bugs:/);
  const file = path.join(tempRuns(), plan);
  writeFileSync(file, text);
  return file;
}

async function run(plan: string, seed: number): Promise<{exitCode: number | undefined; stdout: string; results: Results; runDir: string}> {
  const runs = tempRuns();
  const result = await faultline(['run', plan, '--out', runs, '--seed', String(seed)]);
  const runDir = onlyRunDir(runs);
  assert.deepEqual(survivors(runDir), []);
  return {exitCode: result.exitCode, stdout: `${result.stdout}\n${result.stderr}`, results: readResults(runDir), runDir};
}

describe('faultline run with cluster.system: hashring', () => {
  test('hashring-node-failure passes: every acknowledged add survives two rounds of kill -9, replicas converge', async () => {
    const {exitCode, stdout, results} = await run('plans/hashring-node-failure.yaml', 1);
    assert.equal(exitCode, 0, stdout);
    assert.deepEqual(verdicts(results), {set: true, convergence: true, availability: true, recovery: true, 'no-crash': true});
    const set = results.checks.find((c) => c.name === 'set')!;
    assert.ok(set.figures!.acknowledged > 300, `only ${set.figures!.acknowledged} acknowledged adds`);
    assert.equal(set.figures!.lost, 0);
    assert.ok(results.stats.info > 0, 'kills leave some operations indeterminate');
  });

  test('hashring-join-leave passes: nodes leave and rejoin under load, no acknowledged add lost, one ring everywhere', async () => {
    const {exitCode, stdout, results, runDir} = await run('plans/hashring-join-leave.yaml', 1);
    assert.equal(exitCode, 0, stdout);
    assert.deepEqual(verdicts(results), {set: true, convergence: true, availability: true, recovery: true, 'no-crash': true});
    assert.match(stdout, /nemesis: n2 left the ring \(members now n1 n3 n4 n5\)/);
    assert.match(stdout, /every node sees the ring n1 n2 n3 n4 n5/);
    // the other nodes heard of each leave by gossip and rebuilt their rings
    assert.match(readFileSync(path.join(runDir, 'nodes', 'n1.log'), 'utf8'), /n1 ring now n1 n3 n4 n5 \(n2 left, heard from n\d\)/);
  });

  test('hashring-partition fails linearizability (exit 1) while the set and convergence checks pass', async () => {
    const {exitCode, stdout, results} = await run('plans/hashring-partition.yaml', 1);
    assert.equal(exitCode, 1, stdout);
    const v = verdicts(results);
    assert.equal(v.linearizable, false);
    assert.equal(v.set, true);
    assert.equal(v.convergence, true);
    assert.match(stdout, /linearizable: INVALID — Read of k\d by process \d+ returned/);
  });

  test('no-handoff is caught by hashring-partition: acknowledged adds to s4 are lost', async () => {
    const {exitCode, stdout, results} = await run(withBugs('hashring-partition.yaml', ['no-handoff']), 1);
    assert.equal(exitCode, 1, stdout);
    const set = results.checks.find((c) => c.name === 'set')!;
    assert.equal(set.valid, false);
    assert.ok(set.figures!.lost > 0);
    assert.match(stdout, /set: INVALID — \d+ acknowledged adds? lost\. First: element \d+ of s4, acknowledged at/);
  });

  test('stale-wins is caught by hashring-registers: a read returns an overwritten value', async () => {
    const {exitCode, stdout, results} = await run(withBugs('hashring-registers.yaml', ['stale-wins']), 1);
    assert.equal(exitCode, 1, stdout);
    assert.equal(verdicts(results).linearizable, false);
    assert.match(stdout, /linearizable: INVALID — Read of k\d by process \d+ returned \d+ at [\d.]+ s, but \d+ was overwritten by \d+/);
  });
});
