import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {faultline} from './helpers.js';

const ETCD_BAD = '../shared/data/porcupine/jepsen/etcd_000.log';
const ETCD_HARD = '../shared/data/porcupine/jepsen/etcd_002.log';
const KV_OK = '../shared/data/porcupine/kv/c10-ok.txt';

describe('faultline check', () => {
  test('a linearizable kv history exits 0 and prints the verdict per key', async () => {
    const result = await faultline(['check', KV_OK]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^linearizable {2}\.\.\/shared\/data\/porcupine\/kv\/c10-ok\.txt {2}\(porcupine-kv, kv, 337 operations, 10 keys, \d+ ms\)$/m);
    assert.match(result.stdout, /^ {2}key 9: linearizable \(37 operations\)$/m);
  });

  test('a history that is not linearizable exits 1 with the evidence sentence', async () => {
    const result = await faultline(['check', ETCD_BAD]);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, /^not linearizable {2}/);
    assert.match(result.stdout, /key etcd: not linearizable \(85 operations\) — On key etcd, read returned 2 \(process 11; \.\.\/shared\/data\/porcupine\/jepsen\/etcd_000\.log lines 85–86\), but no linearization allows it/);
  });

  test('a faultline history that is not linearizable is explained in its own terms, as run does, then by the checker', async () => {
    const result = await faultline(['check', 'test/checker/fixtures/raft-stale-read-bad.jsonl']);
    assert.equal(result.exitCode, 1, result.stderr);
    const lines = result.stdout.split('\n');
    const k1 = lines.findIndex((l) => l.startsWith('  key k1: '));
    assert.equal(
      lines[k1],
      '  key k1: not linearizable (356 operations) — Read of k1 by process 15 returned 130 at 8.428 s, but 130 was overwritten by 136 (process 11, write 8.374 s–8.406 s) before the read began at 8.422 s (the read was served by n1, the overwrite by n5).',
    );
    assert.match(lines[k1 + 1], /^ {4}the checker: On key k1, read returned 130 at 8\.428 s \(process 15, invoked at 8\.422 s; test\/checker\/fixtures\/raft-stale-read-bad\.jsonl lines 1282–1283\), but no linearization allows it/);
  });

  test('--json prints the CheckResult with evidence, and the exit code still says the verdict', async () => {
    const result = await faultline(['check', ETCD_BAD, '--json']);
    assert.equal(result.exitCode, 1, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.valid, false);
    assert.equal(json.format, 'porcupine-etcd');
    assert.equal(json.keys[0].key, 'etcd');
    assert.equal(json.keys[0].evidence.stuck.description, 'read returned 2');
    assert.ok(json.keys[0].evidence.prefix.length > 0);
  });

  test('a search that runs out of time exits 3 and says which budget ran out', async () => {
    const result = await faultline(['check', ETCD_HARD, '--timeout', '1ms']);
    assert.equal(result.exitCode, 3, result.stdout + result.stderr);
    assert.match(result.stdout, /^unknown {2}/);
    assert.match(result.stdout, /time budget of 1 ms ran out on key etcd/);
  });

  test('a Knossos EDN history is read with --initial 0', async () => {
    const ok = await faultline(['check', 'test/checker/fixtures/knossos-cas-register-ok.edn', '--initial', '0']);
    assert.equal(ok.exitCode, 0, ok.stdout + ok.stderr);
    const bad = await faultline(['check', 'test/checker/fixtures/knossos-cas-register-bad.edn', '--initial', '0']);
    assert.equal(bad.exitCode, 1, bad.stdout + bad.stderr);
  });

  test('a process with two open operations exits 2 with one line naming the file, line and column', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-check-'));
    const file = path.join(dir, 'history.jsonl');
    const lines = [
      {index: 0, process: 1, type: 'invoke', f: 'write', key: 'k1', value: 1, time: 10},
      {index: 1, process: 1, type: 'invoke', f: 'read', key: 'k1', value: null, time: 20},
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const result = await faultline(['check', file]);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr.trim(),
      `error ${file}:2:1: process 1 invokes read while its write invoked at ${file}:1:1 is still open; expected a completion (ok, fail or info) first — after info, a client continues as a new process`,
    );
  });

  test('a file in no known format exits 2 with one line and no stack', async () => {
    const result = await faultline(['check', 'README.md']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr.trim(), /^error README\.md:1:1: cannot tell the format: expected [^\n]*; pass --format to choose one$/);
  });

  test('a bad flag value exits 2 with one line', async () => {
    const result = await faultline(['check', KV_OK, '--timeout', 'soon']);
    assert.equal(result.exitCode, 2);
    assert.equal(result.stderr.trim(), 'error --timeout: expected a duration such as 500ms, 60s or 2m (or none), got "soon"');
  });
});
