import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {checkFile, checkHistory} from '../../src/checker/index.js';
import {HistoryFormatError} from '../../src/errors/index.js';
import type {HistoryEvent} from '../../src/history/types.js';
import {history} from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-edge-'));

/** Writes events as history.jsonl lines and returns the file's path. */
function jsonlFile(name: string, events: Array<Partial<HistoryEvent>>): string {
  const file = path.join(dir, name);
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return file;
}

function event(index: number, process: number, type: HistoryEvent['type'], f: HistoryEvent['f'], value: unknown, time: number): HistoryEvent {
  return {index, process, type, f, key: 'k1', value, time};
}

test('an empty history is linearizable, with no keys and no operations', () => {
  const result = checkHistory([]);
  assert.equal(result.valid, true);
  assert.deepEqual(result.keys, []);
  assert.equal(result.operationCount, 0);
  const file = path.join(dir, 'empty.jsonl');
  writeFileSync(file, '\n\n');
  assert.equal(checkFile(file).valid, true);
});

test('a history of only invokes is linearizable: every operation may never have happened', () => {
  const events = [event(0, 0, 'invoke', 'write', 1, 0), event(1, 1, 'invoke', 'read', null, 5), event(2, 2, 'invoke', 'cas', [1, 2], 5)];
  const result = checkHistory(events);
  assert.equal(result.valid, true);
  assert.equal(result.operationCount, 3);
});

test('a history where every operation completes with info is linearizable', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, type: 'info', call: 0, ret: 1},
    {process: 1, f: 'read', type: 'info', call: 2, ret: 3},
    {process: 2, f: 'cas', value: [7, 8], type: 'info', call: 4, ret: 5},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('a process with two operations open at once is bad input naming the file, line and column of the second invoke', () => {
  const file = jsonlFile('two-open.jsonl', [event(0, 3, 'invoke', 'read', null, 0), event(1, 3, 'invoke', 'write', 2, 1), event(2, 3, 'ok', 'read', 2, 2)]);
  assert.throws(
    () => checkFile(file),
    (error: unknown) =>
      error instanceof HistoryFormatError &&
      error.exitCode === 2 &&
      error.message.startsWith(`${file}:2:1: process 3 invokes write while its read invoked at ${file}:1:1 is still open; expected a completion`) &&
      !error.message.includes('\n'),
  );
});

test('a completion with no invoke is bad input naming its line', () => {
  const file = jsonlFile('orphan.jsonl', [event(0, 0, 'invoke', 'write', 1, 0), event(1, 0, 'ok', 'write', 1, 1), event(2, 4, 'ok', 'read', 1, 2)]);
  assert.throws(
    () => checkFile(file),
    (error: unknown) => error instanceof HistoryFormatError && error.message === `${file}:3:1: ok read by process 4, which has no open invoke; expected an invoke by that process first`,
  );
});

test('operations with equal timestamps are concurrent: either order is allowed', () => {
  // Everything happens at the same nanosecond: the read may see the write or not.
  for (const read of [null, 1]) {
    const events = [event(0, 0, 'invoke', 'write', 1, 5), event(1, 1, 'invoke', 'read', null, 5), event(2, 0, 'ok', 'write', 1, 5), event(3, 1, 'ok', 'read', read, 5)];
    assert.equal(checkHistory(events).valid, true, `read ${read}`);
  }
  // But a value nobody wrote is still wrong.
  const bad = [event(0, 0, 'invoke', 'write', 1, 5), event(1, 1, 'invoke', 'read', null, 5), event(2, 0, 'ok', 'write', 1, 5), event(3, 1, 'ok', 'read', 9, 5)];
  assert.equal(checkHistory(bad).valid, false);
});

test('a completion before its invoke in time is bad input', () => {
  const file = jsonlFile('backwards.jsonl', [event(0, 0, 'invoke', 'write', 1, 10), event(1, 0, 'ok', 'write', 1, 5)]);
  assert.throws(() => checkFile(file), (error: unknown) => error instanceof HistoryFormatError && error.message.startsWith(`${file}:2:1: completes at 5 ns, before its invoke at ${file}:1:1`));
});

test('a value the model cannot read is bad input naming the line of the event', () => {
  const file = jsonlFile('bad-value.jsonl', [event(0, 0, 'invoke', 'write', 'x', 0), event(1, 0, 'ok', 'write', 'x', 1)]);
  assert.throws(() => checkFile(file), (error: unknown) => error instanceof HistoryFormatError && error.message.startsWith(`${file}:1:1: expected a register value (an integer or null), got "x"`));
});

test('the evidence sentence for a lone stuck operation says it cannot take effect next', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', read: 2, call: 2, ret: 3},
  ]);
  const sentence = checkHistory(events).keys[0].evidence!.sentence;
  assert.match(sentence, /the register held 1, and it cannot take effect next\.$/);
  assert.doesNotMatch(sentence, /0 other/);
});
