import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {faultline, onlyRunDir, readResults, survivors, tempRuns, waitForHistory} from './helpers.js';

/** The pid of a live process whose command line contains every one of `parts`, or null. */
function pidOf(...parts: string[]): number | null {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (parts.every((p) => cmd.includes(p))) return Number(pid);
  }
  return null;
}

describe('harness faults are reported, never crash the run', () => {
  test('a node killed from outside the run is reported as a crash, and the run still ends with a verdict', async () => {
    const runs = tempRuns();
    const child = faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--seed', '4']);
    const runDir = await waitForHistory(runs, 20);
    const pid = pidOf(path.join(runDir, 'data', 'n2'));
    assert.ok(pid, 'node n2 is running');
    process.kill(pid, 'SIGKILL');
    const result = await child;
    const results = readResults(runDir);
    assert.ok([0, 1, 3].includes(result.exitCode ?? -1), result.stderr);
    assert.ok(
      results.problems.some((p) => /^node n2 exited unexpectedly \(SIGKILL\)/.test(p)),
      JSON.stringify(results.problems),
    );
    assert.deepEqual(survivors(runDir), []);
  });

  test('when the Toxiproxy server dies mid-run the run stops its workload there, reports it and exits 3 with every report written', async () => {
    const runs = tempRuns();
    const child = faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--seed', '5']);
    const runDir = await waitForHistory(runs, 20);
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(path.join(runDir, 'toxiproxy.log'), 'utf8'))?.[1];
    const pid = pidOf('toxiproxy', `--port ${port}`);
    assert.ok(pid, 'the embedded Toxiproxy server is running');
    process.kill(pid, 'SIGKILL');
    const result = await child;
    assert.equal(result.exitCode, 3, result.stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    const results = readResults(runDir);
    assert.equal(results.valid, 'unknown');
    const problems = results.problems;
    assert.ok(
      problems.some((p) => /^the embedded Toxiproxy server exited \(SIGKILL; see \S+toxiproxy\.log\) at [\d.]+ s: every client and peer link goes through it, so the workload stopped there and the final heal and reads were skipped$/.test(p)),
      JSON.stringify(problems),
    );
    // raft-smoke's workload lasts 10 s; the server died after 20 events (well under a second in).
    assert.ok(results.workloadMs < 5000, `the workload went on for ${results.workloadMs} ms without a proxy server`);
    assert.doesNotMatch(result.stderr, /final: healed/);
    for (const f of ['report.html', 'junit.xml', 'summary.md']) assert.ok(readFileSync(path.join(runDir, f), 'utf8').length > 0);
    assert.deepEqual(survivors(runDir), []);
  });
});
