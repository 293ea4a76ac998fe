import assert from 'node:assert/strict';
import {test} from 'node:test';
import {HistoryFormatError} from '../../../src/errors/index.js';
import {keywordName, readEdnValues, showEdn} from '../../../src/history/importers/edn.js';
import {parseJepsenEdnHistory} from '../../../src/history/importers/jepsen-edn.js';
import {parsePorcupineKvLog} from '../../../src/history/importers/porcupine.js';

const formatError = (pattern: RegExp) => (error: unknown) => error instanceof HistoryFormatError && pattern.test(error.message);

test('EDN values read with edn-data: maps by keyword name, sequences as arrays, keywords named, tagged literals as their value', () => {
  const read = readEdnValues(['{:a [1 -2 nil "q\\"x"], "b" :c, :d #{true}, :e (1 2), :t #inst "2020-01-01", :n 5N} ; comment', '#jepsen.history.Op{:index 0', ' :type :ok}', ':k'], 'f.edn');
  assert.equal(read.length, 3);
  const [first, second, third] = read;
  assert.deepEqual([first.line, first.column, first.endLine], [1, 1, 1]);
  assert.ok(first.value instanceof Map);
  assert.deepEqual(first.value.get('a'), [1, -2, null, 'q"x']);
  assert.equal(first.value.has('b'), false, 'keys that are not keywords are left out');
  assert.deepEqual(first.value.get('d'), [true]);
  assert.deepEqual(first.value.get('e'), [1, 2]);
  assert.equal(first.value.get('t'), '2020-01-01');
  assert.equal(first.value.get('n'), 5);
  assert.deepEqual([second.line, second.endLine], [2, 3]);
  assert.ok(second.value instanceof Map);
  assert.equal(keywordName(second.value.get('type')), 'ok');
  assert.equal(keywordName(third.value), 'k');
  assert.equal(keywordName('k'), undefined, 'a string is not a keyword');
  assert.equal(showEdn(third.value), ':k');
  assert.equal(showEdn('k'), '"k"');
  assert.equal(showEdn(undefined), 'nothing');
});

test('an integer beyond 2^53 is an error naming where it is written, not a rounded number', () => {
  assert.throws(
    () => parseJepsenEdnHistory('{:process 0, :type :invoke, :f :write, :value 9007199254740993}\n', 'h.edn'),
    formatError(/^h\.edn:1:47: expected an integer between -9007199254740991 and 9007199254740991 \(2\^53 - 1\), got 9007199254740993, which would be rounded to 9007199254740992$/),
  );
  assert.throws(() => parseJepsenEdnHistory('{:process 0, :type :invoke, :f :write, :value 1, :time 9007199254740993N}\n', 'h.edn'), formatError(/^h\.edn:1:56: .* got 9007199254740993N/));
  assert.throws(
    () => parsePorcupineKvLog('{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n  {:process -12345678901234567890, :type :invoke, :f :get, :key "1", :value nil}\n', 'k.txt'),
    formatError(/^k\.txt:2:13: .* got -12345678901234567890,/),
  );
  // Sixteen digits within 2^53, long digits inside a string, and a float are read as they are.
  const {events} = parseJepsenEdnHistory('{:process 0, :type :invoke, :f :write, :value 1e20, :time 1000000000000000, :note "12345678901234567890"}\n', 'h.edn');
  assert.equal(events[0].time, 1_000_000_000_000_000);
  assert.equal(events[0].value, 1e20);
});

test('malformed EDN is an error naming the line of the event, inside a vector or one event per line', () => {
  const vector = [
    '[{:process 0, :type :invoke, :f :read, :value nil}',
    ' {:process 0, :type :ok, :f :read, :value 0}',
    ' {:process 1, :type :invoke, :f :write, :value "1}',
    ' {:process 1, :type :ok, :f :write, :value 1}]',
  ].join('\n');
  assert.throws(() => parseJepsenEdnHistory(vector, 'v.edn'), formatError(/^v\.edn:3:2: expected the EDN value that starts here to end/));
  assert.throws(() => parseJepsenEdnHistory(vector.replace('"1}', '1}').replace(/\]$/, ''), 'v.edn'), formatError(/^v\.edn:4:46: expected \] closing the \[ at 1:1/));
  assert.throws(() => parseJepsenEdnHistory(vector.replace('"1}', '1}]'), 'v.edn'), formatError(/^v\.edn:3:2: expected well-formed EDN, got .*\(a \] that closes nothing\?\)/));
  assert.throws(() => parseJepsenEdnHistory(vector.replace('"1}', '1})'), 'v.edn'), formatError(/^v\.edn:3:2: expected well-formed EDN, got .*\(a \) that closes nothing\?\)/));
  assert.throws(
    () => parseJepsenEdnHistory('{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value "a\\qb"}\n', 'h.edn'),
    formatError(/^h\.edn:2:1: expected well-formed EDN, got .*\(Unexpected escape character: \\q\)/),
  );
});

test('Jepsen EDN events may span lines, carry a record tag, and end the vector with a comment', () => {
  const multiLine = parseJepsenEdnHistory(
    '; a history\n[{:process 0,\n  :type :invoke,\n  :f :write, :value 3}\n {:process 0, :type :ok,\n  :f :write, :value 3} {:process 1 :type :invoke :f :read :value nil}\n] ; the end\n',
    'h.edn',
  );
  assert.deepEqual(multiLine.positions, [
    {line: 2, column: 2},
    {line: 5, column: 2},
    {line: 6, column: 1},
  ]);
  const tagged = parseJepsenEdnHistory(
    '#jepsen.history.Op{:index 0, :time 5, :type :invoke, :process 0, :f :write, :value 1}\n#jepsen.history.Op{:index 1, :time 7, :type :ok, :process 0, :f :write, :value 1}\n',
    'h.edn',
  );
  assert.deepEqual(
    tagged.events.map((e) => [e.type, e.value, e.time]),
    [
      ['invoke', 1, 5],
      ['ok', 1, 7],
    ],
  );
  assert.equal(parseJepsenEdnHistory('[\n]\n', 'h.edn').events.length, 0);
});

test('keywords and strings stay apart: :type and :f must be keywords, a kv :key a string', () => {
  assert.throws(() => parseJepsenEdnHistory('{:process 0, :type "invoke", :f :write, :value 1}', 'h.edn'), formatError(/^h\.edn:1:1: expected :type to be :invoke/));
  assert.throws(() => parseJepsenEdnHistory('{:process 0, :type :invoke, :f "write", :value 1}', 'h.edn'), formatError(/^h\.edn:1:1: expected :f to be :read, :write or :cas \(a register\), got "write"$/));
  assert.throws(() => parsePorcupineKvLog('{:process 0, :type :invoke, :f :get, :key :k, :value nil}\n', 'k.txt'), formatError(/^k\.txt:1:1: expected :key to be a string$/));
});

test('a Porcupine kv line holds exactly one map', () => {
  const line = '{:process 0, :type :invoke, :f :get, :key "1", :value nil}';
  assert.throws(() => parsePorcupineKvLog(`${line} ${line}\n`, 'k.txt'), formatError(/^k\.txt:1:1: expected one EDN map per line, got another on the same line$/));
  assert.throws(() => parsePorcupineKvLog(`${line.replace(' :key', '\n :key')}\n`, 'k.txt'), formatError(/^k\.txt:1:1: expected one EDN map per line, got one that ends on line 2$/));
  assert.deepEqual(parsePorcupineKvLog(`\r\n${line}\r\n`, 'k.txt').positions, [{line: 2, column: 1}]);
});
