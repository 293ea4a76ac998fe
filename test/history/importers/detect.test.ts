import assert from 'node:assert/strict';
import {test} from 'node:test';
import {HistoryFormatError} from '../../../src/errors/index.js';
import {detectFormat} from '../../../src/history/importers/detect.js';
import {parseJepsenEdnHistory} from '../../../src/history/importers/jepsen-edn.js';

test('the format is told from the content', () => {
  assert.equal(detectFormat('{"index":0,"process":0,"type":"invoke","f":"read","key":"k1","value":null,"time":1}\n', 'h'), 'jsonl');
  assert.equal(detectFormat('\n\nINFO  jepsen.util - 4\t:invoke\t:read\tnil\n', 'h'), 'porcupine-etcd');
  assert.equal(detectFormat('{:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}\n', 'h'), 'porcupine-kv');
  assert.equal(detectFormat('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value 1}]', 'h'), 'jepsen-edn');
  assert.equal(detectFormat('; a Jepsen history\n{:process 0, :type :invoke, :f :write, :value 1, :time 12}\n', 'h'), 'jepsen-edn');
});

test('an empty file is an empty jsonl history', () => {
  assert.equal(detectFormat('', 'h'), 'jsonl');
  assert.equal(detectFormat('\n  \n', 'h'), 'jsonl');
});

test('content in no known format is bad input naming line and column, and the flag to use', () => {
  assert.throws(
    () => detectFormat('\n  hello world\n', 'notes.txt'),
    (error: unknown) => error instanceof HistoryFormatError && /^notes\.txt:2:3: cannot tell the format: expected .* got "hello world"; pass --format/.test(error.message),
  );
});

test('EDN events know their line and column, inside a vector or one per line', () => {
  const vector = parseJepsenEdnHistory('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process :nemesis, :type :info, :f :start}\n {:process 0, :type :ok, :f :read, :value 1}]', 'h.edn');
  assert.deepEqual(vector.positions, [
    {line: 1, column: 2},
    {line: 3, column: 2},
  ]);
  const lines = parseJepsenEdnHistory('{:process 0, :type :invoke, :f :read, :value nil, :time 5}\n{:process 0, :type :ok, :f :read, :value 1, :time 9}\n', 'h.edn');
  assert.deepEqual(lines.positions, [
    {line: 1, column: 1},
    {line: 2, column: 1},
  ]);
  assert.equal(lines.timed, true);
  assert.deepEqual(
    lines.events.map((e) => e.time),
    [5, 9],
  );
});

test('an EDN syntax error names the line and column where the malformed value starts', () => {
  // edn-data reports no position: the error names the start of the event left open.
  assert.throws(
    () => parseJepsenEdnHistory('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value "1}]', 'h.edn'),
    (error: unknown) =>
      error instanceof HistoryFormatError &&
      error.message === 'h.edn:2:2: expected the EDN value that starts here to end, got the end of the input (a string, map, vector or list left open?)',
  );
  assert.throws(
    () => parseJepsenEdnHistory('[{:process 0, :type :invoke, :f :txn, :value nil}]', 'h.edn'),
    (error: unknown) => error instanceof HistoryFormatError && error.message.startsWith('h.edn:1:2: expected :f to be :read, :write or :cas'),
  );
});

test('a JSON document that is not a history is bad input, not an empty history that passes', () => {
  // Before: a pretty-printed JSON file (package.json, results.json) was read as EDN with no events: "linearizable", exit 0.
  assert.throws(
    () => detectFormat('{\n  "name": "faultline",\n  "version": "0.1.0"\n}\n', 'package.json'),
    (error: unknown) => error instanceof HistoryFormatError && /^package\.json:1:1: cannot tell the format: a JSON document spread over lines, not a history/.test(error.message),
  );
  // The same maps forced through --format jepsen-edn: an event without :process is not skipped like a :nemesis one.
  assert.throws(
    () => parseJepsenEdnHistory('{"process" 0, "type" "invoke"}\n', 'h.jsonl'),
    (error: unknown) => error instanceof HistoryFormatError && error.message === 'h.jsonl:1:1: expected :process to be an integer (a client) or a keyword such as :nemesis, got nothing',
  );
  assert.throws(
    () => parseJepsenEdnHistory('{:process "p1", :type :invoke, :f :read, :value nil}\n', 'h.edn'),
    (error: unknown) => error instanceof HistoryFormatError && error.message === 'h.edn:1:1: expected :process to be an integer (a client) or a keyword such as :nemesis, got "p1"',
  );
});
