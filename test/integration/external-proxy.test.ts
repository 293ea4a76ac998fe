import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {execa} from 'execa';
import getPort from 'get-port';
import {faultline, onlyRunDir, readResults, ROOT, survivors, tempRuns, waitForHistory} from './helpers.js';

/** How long the standalone server may take to print its listening line, in ms (a cold tsc-built CLI starts in ~1 s). */
const SERVER_START_TIMEOUT_MS = 20_000;

/**
 * Starts `./bin/run.js toxiproxy` on a free port as the "external" Toxiproxy server, the way a user
 * would run toxiproxy-server, and collects its one-line-per-call log.
 */
async function startExternalServer(): Promise<{url: string; log: () => string; stop: () => Promise<void>; kill: () => Promise<void>; signal: (name: NodeJS.Signals) => void}> {
  const port = await getPort({host: '127.0.0.1'});
  const child = execa(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'toxiproxy', '--port', String(port)], {
    cwd: ROOT,
    reject: false,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await child;
    clearTimeout(timer);
  };
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (!out.includes('listening on')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`faultline toxiproxy did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const kill = async () => {
    child.kill('SIGKILL');
    await child;
  };
  const signal = (name: NodeJS.Signals) => void child.kill(name);
  return {url: `http://127.0.0.1:${port}`, log: () => out, stop, kill, signal};
}

describe('faultline run --toxiproxy-url', () => {
  test('runs against an external server, creating and deleting only its own prefixed proxies, never calling /reset', async () => {
    const server = await startExternalServer();
    const runs = tempRuns();
    try {
      // Someone else's proxy on the shared server: the run must leave it alone.
      const other = await fetch(`${server.url}/proxies`, {method: 'POST', body: JSON.stringify({name: 'someone-else', listen: '127.0.0.1:0', upstream: '127.0.0.1:9'})});
      assert.equal(other.status, 201);
      await other.text();

      const result = await faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--seed', '1', '--toxiproxy-url', server.url]);
      assert.equal(result.exitCode, 0, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      const runDir = onlyRunDir(runs);
      assert.equal(readResults(runDir).valid, true);
      const prefix = /\(external; this run's proxies are named (fl-[0-9a-f]{6}-)\*\)/.exec(result.stderr)?.[1];
      assert.ok(prefix, result.stderr);

      const res = await fetch(`${server.url}/proxies`);
      assert.deepEqual(Object.keys((await res.json()) as object), ['someone-else']);
      const log = server.log();
      assert.doesNotMatch(log, /\/reset/);
      const created = [...log.matchAll(/POST \/proxies 201/g)].length;
      assert.equal(created, 1 + 6 + 3, log); // someone else's, then ours: 6 peer proxies and 3 client proxies
      const deleted = [...log.matchAll(/DELETE \/proxies\/([^\s/]+) 204/g)].map((m) => m[1]).sort();
      const ours = ['client-n1', 'client-n2', 'client-n3', 'n1-n2', 'n1-n3', 'n2-n1', 'n2-n3', 'n3-n1', 'n3-n2'].map((n) => `${prefix}${n}`);
      assert.deepEqual(deleted, ours.sort());
      // The partition was applied through the prefixed names (drop = timeout toxics).
      assert.match(log, new RegExp(`POST /proxies/${prefix}n\\d-n\\d/toxics 200`));
      assert.match(log, new RegExp(`DELETE /proxies/${prefix}n\\d-n\\d/toxics/partition-drop-upstream 204`));
      assert.deepEqual(survivors(runDir), []);
    } finally {
      await server.stop();
    }
  });

  test('Ctrl-C during a run on an external server still deletes its proxies', async () => {
    const server = await startExternalServer();
    const runs = tempRuns();
    try {
      const child = faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--toxiproxy-url', server.url]);
      await waitForHistory(runs, 50);
      child.kill('SIGINT');
      const result = await child;
      assert.equal(result.exitCode, 3, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      const res = await fetch(`${server.url}/proxies`);
      assert.deepEqual(await res.json(), {});
      assert.doesNotMatch(server.log(), /\/reset/);
      assert.deepEqual(survivors(onlyRunDir(runs)), []);
    } finally {
      await server.stop();
    }
  });

  test('an external server that dies mid-run is noticed within about a second and stops the workload, with one line for the proxies left on it', async () => {
    const server = await startExternalServer();
    const runs = tempRuns();
    try {
      const child = faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--seed', '2', '--toxiproxy-url', server.url]);
      await waitForHistory(runs, 20);
      await server.kill(); // under a second into the workload, before raft-smoke's partition at 3 s
      const result = await child;
      assert.equal(result.exitCode, 3, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      const runDir = onlyRunDir(runs);
      const results = readResults(runDir);
      const url = server.url.replace(/\./g, '\\.');
      const problems = results.problems.join('\n');
      assert.match(problems, new RegExp(`^the proxy server ${url} stopped answering at [\\d.]+ s: every client and peer link goes through it, so the workload stopped there and the final heal and reads were skipped$`, 'm'));
      assert.match(problems, new RegExp(`^could not delete this run's 9 proxies \\(fl-[0-9a-f]{6}-\\*\\) from ${url}, which did not answer: fetch failed`, 'm'));
      // Noticed by the run's GET /version probe (every second), before the nemesis's first call at 3 s.
      assert.equal(results.problems.length, 2, problems);
      // raft-smoke's workload lasts 10 s; the server died after 20 events, under a second in.
      assert.ok(results.workloadMs < 4000, `the workload went on for ${results.workloadMs} ms without a proxy server`);
      assert.deepEqual(survivors(runDir), []);
    } finally {
      await server.stop();
    }
  });

  test('an external server that freezes mid-run (SIGSTOP) is noticed too: exit 3, not a pass', async () => {
    const server = await startExternalServer();
    const runs = tempRuns();
    try {
      const child = faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--seed', '2', '--toxiproxy-url', server.url]);
      await waitForHistory(runs, 20);
      server.signal('SIGSTOP');
      const result = await child;
      assert.equal(result.exitCode, 3, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      const results = readResults(onlyRunDir(runs));
      assert.equal(results.valid, 'unknown');
      assert.match(results.problems.join('\n'), new RegExp(`^the proxy server ${server.url.replace(/\./g, '\\.')} stopped answering at [\\d.]+ s: every client and peer link goes through it, so the workload stopped there`, 'm'));
      assert.ok(results.workloadMs < 6000, `the workload went on for ${results.workloadMs} ms`);
      assert.deepEqual(survivors(onlyRunDir(runs)), []);
    } finally {
      server.signal('SIGCONT');
      await server.stop();
    }
  });

  test('an unreachable server is exit 2 with one line, before any node starts', async () => {
    const port = await getPort({host: '127.0.0.1'}); // free, and nobody listens on it
    const runs = tempRuns();
    const result = await faultline(['run', 'plans/raft-smoke.yaml', '--out', runs, '--toxiproxy-url', `http://127.0.0.1:${port}`]);
    assert.equal(result.exitCode, 2, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.equal(
      result.stderr.trim(),
      `error no usable Toxiproxy server at http://127.0.0.1:${port}: get version failed: GET http://127.0.0.1:${port}/version → unreachable: fetch failed (connect ECONNREFUSED 127.0.0.1:${port}); check --toxiproxy-url, or leave it out to use the embedded server`,
    );
    // Nothing started: not even the run directory exists.
    assert.deepEqual(readdirSync(runs), []);
  });

  test('a URL that is not a Toxiproxy API is exit 2 with the server\'s answer', async () => {
    const server = await startExternalServer();
    try {
      const result = await faultline(['run', 'plans/raft-smoke.yaml', '--out', tempRuns(), '--toxiproxy-url', `${server.url}/api`]);
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr.trim(), /^error no usable Toxiproxy server at http:\/\/127\.0\.0\.1:\d+\/api: get version failed: GET \S+\/api\/version → HTTP 404: 404 page not found; check --toxiproxy-url/);
    } finally {
      await server.stop();
    }
  });
});
