import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {checkFile, parseInitial} from '../../src/checker/index.js';
import {HistoryFormatError, InputError} from '../../src/errors/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures');
const shared = path.resolve(here, '..', '..', '..', 'shared', 'data', 'porcupine');
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-file-'));

test('checkFile reads each of the four formats, detected from the content', () => {
  const cases: Array<[string, string, string, boolean]> = [
    [path.join(fixtures, 'raft-smoke-ok.jsonl'), 'jsonl', 'cas-register', true],
    [path.join(fixtures, 'knossos-cas-register-ok.edn'), 'jepsen-edn', 'cas-register', true],
    [path.join(shared, 'jepsen', 'etcd_000.log'), 'porcupine-etcd', 'cas-register', false],
    [path.join(shared, 'kv', 'c01-ok.txt'), 'porcupine-kv', 'kv', true],
  ];
  for (const [file, format, model, valid] of cases) {
    const result = checkFile(file, {initial: format === 'jepsen-edn' ? '0' : undefined});
    assert.equal(result.format, format, file);
    assert.equal(result.model, model, file);
    assert.equal(result.valid, valid, `${file}: ${result.reason}`);
  }
});

test('the recorded stale-read history is not linearizable and its evidence names lines of the file', () => {
  const file = path.join(fixtures, 'raft-stale-read-bad.jsonl');
  const result = checkFile(file);
  assert.equal(result.valid, false);
  const failed = result.keys.find((k) => k.valid === false)!;
  assert.match(failed.evidence!.sentence, new RegExp(`^On key k\\d, read returned \\d+ at \\d+\\.\\d{3} s \\(process \\d+, invoked at [\\d.]+ s; ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lines \\d+–\\d+\\)`));
});

test('a Knossos history needs its initial value: a read of 0 before any write is only legal when the register starts at 0', () => {
  const file = path.join(fixtures, 'knossos-cas-register-ok.edn');
  assert.equal(checkFile(file, {initial: '0'}).valid, true);
  assert.equal(checkFile(file).valid, false);
});

test('jepsen-edn reads of nil match any state by default (Knossos), and --no-nil-read-matches-any turns that off', () => {
  const file = path.join(dir, 'nil-read.edn');
  writeFileSync(file, '{:process 0, :type :invoke, :f :write, :value 3}\n{:process 0, :type :ok, :f :write, :value 3}\n{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value nil}\n');
  assert.equal(checkFile(file).valid, true);
  assert.equal(checkFile(file, {nilReadMatchesAny: false}).valid, false);
});

test('the register model rejects a cas, naming the line and column of the event', () => {
  const file = path.join(fixtures, 'knossos-cas-register-bad.edn');
  assert.throws(
    () => checkFile(file, {model: 'register'}),
    (error: unknown) => error instanceof HistoryFormatError && error.message === `${file}:3:2: expected a function read or write (the register model), got "cas"`,
  );
  const rw = path.join(dir, 'rw.edn');
  writeFileSync(rw, '[{:process 0 :type :invoke :f :write :value 1} {:process 0 :type :ok :f :write :value 1}\n {:process 1 :type :invoke :f :read :value nil} {:process 1 :type :ok :f :read :value 2}]');
  const result = checkFile(rw, {model: 'register', nilReadMatchesAny: false});
  assert.equal(result.valid, false);
  assert.equal(result.model, 'register');
});

test('the kv model rejects a register function at its first line, even on a failed operation', () => {
  const file = path.join(dir, 'cas-first.jsonl');
  writeFileSync(
    file,
    [
      {process: 0, type: 'invoke', f: 'cas', key: 'k1', value: [1, 2], time: 1},
      {process: 0, type: 'fail', f: 'cas', key: 'k1', value: [1, 2], time: 2},
      {process: 1, type: 'invoke', f: 'read', key: 'k2', value: null, time: 3},
      {process: 1, type: 'ok', f: 'read', key: 'k2', value: 1, time: 4},
    ]
      .map((e, index) => JSON.stringify({index, ...e}))
      .join('\n') + '\n',
  );
  assert.throws(
    () => checkFile(file, {model: 'kv'}),
    (error: unknown) => error instanceof HistoryFormatError && error.message === `${file}:1:1: expected a function get, put or append (the kv model), got "cas"`,
  );
});

test('a forced format that does not fit is bad input naming line and column', () => {
  assert.throws(
    () => checkFile(path.join(shared, 'kv', 'c01-ok.txt'), {format: 'jsonl'}),
    (error: unknown) => error instanceof HistoryFormatError && /c01-ok\.txt:1:2: expected a JSON object, got invalid JSON/.test(error.message),
  );
});

test('a missing file is bad input', () => {
  assert.throws(() => checkFile(path.join(dir, 'nope.jsonl')), (error: unknown) => error instanceof HistoryFormatError && /nope\.jsonl: cannot read history: no such file \(ENOENT\)$/.test(error.message));
});

test('--initial is an integer or nil for the registers and any text for kv', () => {
  assert.equal(parseInitial('0', 'cas-register'), 0);
  assert.equal(parseInitial('-12', 'register'), -12);
  assert.equal(parseInitial('nil', 'cas-register'), null);
  assert.equal(parseInitial('x 1', 'kv'), 'x 1');
  assert.throws(() => parseInitial('1.5', 'cas-register'), InputError);
  assert.throws(() => parseInitial('abc', 'register'), InputError);
});

test('a time limit that runs out gives unknown with the reason', () => {
  const result = checkFile(path.join(shared, 'jepsen', 'etcd_002.log'), {timeLimitMs: 0});
  assert.equal(result.valid, 'unknown');
  assert.match(result.reason ?? '', /time budget of 0 ms ran out/);
});
