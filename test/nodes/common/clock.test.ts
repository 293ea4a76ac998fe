import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import getPort from 'get-port';
import {NodeConnection} from '../../../src/client/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Ticks a node reports after `ms` milliseconds, minus those it had at the start. */
async function ticksOver(conn: NodeConnection, ms: number): Promise<number> {
  const before = await conn.request({type: 'status'}, 2000);
  await new Promise((r) => setTimeout(r, ms));
  const after = await conn.request({type: 'status'}, 2000);
  assert.ok(before.type === 'status_ok' && after.type === 'status_ok');
  return after.ticks! - before.ticks!;
}

test('a node’s clock rate scales its ticks, and so its timeouts; rate 1 restores it', async () => {
  const clientPort = await getPort({host: '127.0.0.1'});
  const peerPort = await getPort({host: '127.0.0.1'});
  const dataDir = mkdtempSync(path.join(tmpdir(), 'faultline-clock-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'nodes/raft/node.ts'), '--id', 'n1', '--client-port', String(clientPort), '--peer-port', String(peerPort), '--peers', 'n2=127.0.0.1:1', '--data-dir', dataDir],
    {cwd: ROOT, stdio: ['pipe', 'ignore', 'ignore']},
  );
  let conn: NodeConnection | null = null;
  try {
    const deadline = Date.now() + 15_000;
    while (!conn && Date.now() < deadline) {
      conn = await NodeConnection.connect('127.0.0.1', clientPort, 500).catch(() => null);
      if (!conn) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(conn, 'the node accepts connections');
    const normal = await ticksOver(conn, 600);
    const set = await conn.request({type: 'clock', rate: 8, offsetMs: -250}, 2000);
    assert.deepEqual(set, {type: 'clock_ok', id: set.id, rate: 8, offsetMs: -250});
    const fast = await ticksOver(conn, 600);
    assert.ok(fast > normal * 2, `rate 8: ${fast} ticks against ${normal} at rate 1`);
    await conn.request({type: 'clock', rate: 1, offsetMs: 0}, 2000);
    const restored = await ticksOver(conn, 600);
    assert.ok(restored < fast * 0.6, `rate 1 again: ${restored} ticks against ${fast} at rate 8`);
  } finally {
    conn?.close();
    child.kill('SIGKILL');
  }
});
