/**
 * `faultline init`: the starter plans validate; the command writes plan.yaml in the current
 * directory, refuses to overwrite a file (exit 2) unless --force, and rejects an even --nodes.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {INIT_SYSTEMS, starterPlan} from '../../src/commands/init.js';
import {loadPlan, parsePlan} from '../../src/plan/index.js';

// The command run from source through bin/dev.js (tsx), so no build is needed. tsx is named by
// its resolved URL: the command runs in a temporary directory, where `--import tsx` would not resolve.
const devBin = fileURLToPath(new URL('../../bin/dev.js', import.meta.url));
const tsx = import.meta.resolve('tsx');

async function init(cwd: string, args: string[]): Promise<{code: number | null; out: string}> {
  const child = spawn(process.execPath, ['--import', tsx, devBin, 'init', ...args], {cwd, stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return {code, out};
}

test('every starter plan validates, for 3, 5 and 7 nodes', () => {
  for (const system of INIT_SYSTEMS) {
    for (const nodes of [3, 5, 7]) {
      const plan = parsePlan(starterPlan(system, nodes, 'plan.yaml'), 'plan.yaml');
      assert.equal(plan.cluster.nodes, nodes);
      // the hash ring's leave step is commented out below 5 nodes (a ring of 3 with N=3 refuses a leave)
      assert.equal(plan.nemesis.length, system === 'hashring' && nodes < 5 ? 1 : 2);
      if (system === 'custom') {
        assert.equal(typeof plan.cluster.system, 'object');
        const command = (plan.cluster.system as {command: string[]}).command.join(' ');
        for (const p of ['{id}', '{client_port}', '{peer_port}', '{peers}', '{data_dir}']) assert.ok(command.includes(p), `${p} missing from ${command}`);
      } else {
        assert.equal(plan.cluster.system, system);
      }
    }
  }
});

test('faultline init writes a raft plan.yaml that validates, and will not overwrite it without --force', {timeout: 60_000}, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-init-'));
  try {
    const first = await init(dir, []);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /wrote plan\.yaml: raft, 3 nodes/);
    const file = path.join(dir, 'plan.yaml');
    const plan = await loadPlan(file);
    assert.equal(plan.cluster.system, 'raft');
    assert.equal(plan.name, 'plan');
    assert.match(fs.readFileSync(file, 'utf8'), /^# plan\.yaml: a faultline chaos plan/);

    fs.writeFileSync(file, '# mine\n');
    const again = await init(dir, ['--system', 'paxos']);
    assert.equal(again.code, 2, again.out);
    assert.match(again.out, /plan\.yaml already exists; use --force/);
    assert.equal(fs.readFileSync(file, 'utf8'), '# mine\n');

    const forced = await init(dir, ['--system', 'paxos', '--nodes', '5', '--force']);
    assert.equal(forced.code, 0, forced.out);
    const paxos = await loadPlan(file);
    assert.deepEqual([paxos.cluster.system, paxos.cluster.nodes], ['paxos', 5]);

    const even = await init(dir, ['other.yaml', '--nodes', '4']);
    assert.equal(even.code, 2, even.out);
    assert.equal(fs.existsSync(path.join(dir, 'other.yaml')), false);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
