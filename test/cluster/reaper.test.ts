/**
 * The reaper kills the processes still registered when its stdin closes (the harness died), and
 * spares those forgotten; SIGINT and SIGTERM do not stop it.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import path from 'node:path';
import {test} from 'node:test';
import {packageRoot} from '../../src/cluster/paths.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('on the end of stdin the reaper SIGKILLs what is registered and spares what was forgotten', {timeout: 20_000}, async () => {
  const doomed = spawn('sleep', ['300'], {stdio: 'ignore'});
  const spared = spawn('sleep', ['300'], {stdio: 'ignore'});
  try {
    const reaper = spawn(process.execPath, [path.join(packageRoot(), 'dist', 'src', 'cluster', 'reaper-main.js')], {stdio: ['pipe', 'ignore', 'ignore']});
    reaper.stdin.write(`+${doomed.pid}\n+${spared.pid}\n-${spared.pid}\n+garbage\n`);
    await new Promise((r) => setTimeout(r, 300));
    reaper.kill('SIGTERM'); // ignored: only the end of stdin ends it
    reaper.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(reaper.exitCode, null, 'the reaper survives SIGINT and SIGTERM');
    reaper.stdin.end();
    const [, signal] = (await once(doomed, 'exit')) as [number | null, string | null];
    assert.equal(signal, 'SIGKILL');
    await once(reaper, 'exit');
    assert.equal(reaper.exitCode, 0);
    assert.equal(alive(spared.pid!), true);
  } finally {
    doomed.kill('SIGKILL');
    spared.kill('SIGKILL');
  }
});
