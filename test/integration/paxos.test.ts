/**
 * The Multi-Paxos nodes through the whole pipeline (bin/run.js, real processes, Toxiproxy): a
 * correct cluster passes paxos-smoke (exit 0), and the seeded bug `acceptor-forgets` is caught by
 * its plan (exit 1). Nothing may be left running afterwards.
 */
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {faultline, onlyRunDir, readResults, survivors, tempRuns} from './helpers.js';

describe('faultline run with cluster.system: paxos', () => {
  test('paxos-smoke passes: exit 0, linearizable, more than 100 ok operations, nothing left running', async () => {
    const runs = tempRuns();
    const result = await faultline(['run', 'plans/paxos-smoke.yaml', '--out', runs, '--seed', '1']);
    assert.equal(result.exitCode, 0, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    const results = readResults(runDir);
    assert.equal(results.valid, true);
    assert.ok(results.stats.ok > 100, `only ${results.stats.ok} ok operations`);
    assert.match(result.stdout, /^valid {2}paxos-smoke {2}seed 1$/m);
    assert.deepEqual(survivors(runDir), []);
  });

  test('paxos-acceptor-forgets is caught: exit 1, a key that is not linearizable, nothing left running', async () => {
    const runs = tempRuns();
    const result = await faultline(['run', 'plans/paxos-acceptor-forgets.yaml', '--out', runs, '--seed', '1']);
    assert.equal(result.exitCode, 1, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const runDir = onlyRunDir(runs);
    const results = readResults(runDir);
    assert.equal(results.valid, false);
    assert.ok(results.checks[0].result.keys.some((k) => k.valid === false));
    assert.deepEqual(survivors(runDir), []);
  });

  test("a plan naming another system's seeded bug exits 2 with one line naming the field", async () => {
    const file = path.join(tempRuns(), 'raft-with-paxos-bug.yaml');
    writeFileSync(file, 'cluster:\n  system: raft\n  bugs: [no-dedup]\n');
    const result = await faultline(['run', file]);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr.trim(), `error ${file}:3:10: cluster.bugs.0: no-dedup is not a seeded bug of raft; raft has: stale-read`);
  });
});
