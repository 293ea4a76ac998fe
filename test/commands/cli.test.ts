/** The CLI shell: an unknown command is one line in faultline's error style, exit 2 (needs the build: bin/run.js). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const runBin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

test('an unknown command is one line naming the commands, with the nearest one if close, exit 2', async () => {
  const commands = 'the commands are check, help, init, plan schema, plan validate, plans, replay, report, run, runs, toxiproxy (faultline --help)';
  for (const [args, line] of [
    [['frobnicate'], `error unknown command "frobnicate"; ${commands}`],
    [['chek', 'history.jsonl'], `error unknown command "chek"; did you mean check? ${commands}`],
    [['plan', 'validat', 'x.yaml'], `error unknown command "plan validat"; did you mean plan validate? ${commands}`],
  ] as const) {
    const result = await execa(process.execPath, [runBin, ...args], {reject: false, env: {NO_COLOR: '1', FORCE_COLOR: '0'}});
    assert.equal(result.exitCode, 2, args.join(' '));
    assert.equal(result.stderr, line);
  }
});
