import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../../src/checker/index.js';
import {HistoryFormatError} from '../../../src/errors/index.js';
import {parsePorcupineEtcdLog, parsePorcupineKvLog} from '../../../src/history/importers/porcupine.js';

const ETCD = [
  'INFO  jepsen.util - 0\t:invoke\t:write\t3',
  'INFO  jepsen.util - 1\t:invoke\t:cas\t[3 4]',
  'INFO  jepsen.util - 0\t:ok\t:write\t3',
  'INFO  jepsen.util - 1\t:fail\t:cas\t[3 4]',
  'INFO  jepsen.util - 2\t:invoke\t:read\tnil',
  'INFO  jepsen.util - 2\t:info\t:read\t:timed-out',
  '',
].join('\n');

test('an etcd log line becomes an event with the line number as its time', () => {
  const {events} = parsePorcupineEtcdLog(ETCD, 'etcd.log');
  assert.equal(events.length, 6);
  assert.deepEqual(events[1], {index: 1, process: 1, type: 'invoke', f: 'cas', key: 'etcd', value: [3, 4], time: 2});
  assert.deepEqual(events[5], {index: 5, process: 2, type: 'info', f: 'read', key: 'etcd', value: null, time: 6});
});

test('an etcd :fail :cas means the comparison failed, so it is illegal when the register held from', () => {
  // The write of 3 completed before the cas [3 4] returned "comparison failed", but the cas
  // may have run before the write: legal.
  const {events, model} = parsePorcupineEtcdLog(ETCD, 'etcd.log');
  assert.equal(checkHistory(events, {model}).valid, true);
  const sequential = [
    'INFO  jepsen.util - 0\t:invoke\t:write\t3',
    'INFO  jepsen.util - 0\t:ok\t:write\t3',
    'INFO  jepsen.util - 1\t:invoke\t:cas\t[3 4]',
    'INFO  jepsen.util - 1\t:fail\t:cas\t[3 4]',
  ].join('\n');
  const parsed = parsePorcupineEtcdLog(sequential, 'etcd.log');
  assert.equal(checkHistory(parsed.events, {model: parsed.model}).valid, false);
});

test('a malformed etcd line is an error naming the file and line', () => {
  assert.throws(
    () => parsePorcupineEtcdLog('INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - zero :ok :read 3\n', 'data/etcd_009.log'),
    (error: unknown) => error instanceof HistoryFormatError && error.message.startsWith('data/etcd_009.log:2:1: expected a Jepsen log line'),
  );
  assert.throws(
    () => parsePorcupineEtcdLog('INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2 3]\n', 'x.log'),
    (error: unknown) => error instanceof HistoryFormatError && error.message.startsWith('x.log:1:36: expected nil, an integer, [from to]'),
  );
});

test('a kv line is read as an EDN map with get, put and append', () => {
  const text = [
    '{:process 0, :type :invoke, :f :append, :key "1", :value "x 0 0 y"}',
    '{:process 0, :type :ok, :f :append, :key "1", :value "x 0 0 y"}',
    '{:process 1, :type :invoke, :f :get, :key "1", :value nil}',
    '{:process 1, :type :ok, :f :get, :key "1", :value "x 0 0 y"}',
  ].join('\n');
  const {events, model} = parsePorcupineKvLog(text, 'kv.txt');
  assert.deepEqual(events[2], {index: 2, process: 1, type: 'invoke', f: 'get', key: '1', value: null, time: 3});
  assert.equal(checkHistory(events, {model}).valid, true);
  const stale = text.replace(':value "x 0 0 y"}\n{:process 1, :type :invoke', ':value "x 0 0 y"}\n{:process 1, :type :invoke').replace(/"x 0 0 y"}$/, '""}');
  assert.equal(checkHistory(parsePorcupineKvLog(stale, 'kv.txt').events, {model}).valid, false);
});

test('a malformed kv line is an error naming the file and line', () => {
  const text = '{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :ok, :f :get, :key "1" :value "unterminated}\n';
  assert.throws(
    () => parsePorcupineKvLog(text, 'c01-ok.txt'),
    (error: unknown) => error instanceof HistoryFormatError && error.message.startsWith('c01-ok.txt:2:'),
  );
  assert.throws(
    () => parsePorcupineKvLog('{:process 0, :type :invoke, :f :delete, :key "1", :value nil}', 'c.txt'),
    (error: unknown) => error instanceof HistoryFormatError && /c\.txt:1:1: expected :f to be/.test(error.message),
  );
});

test('a Knossos EDN history reads as register events, with the Knossos model options', async () => {
  const {parseJepsenEdnHistory} = await import('../../../src/history/importers/jepsen-edn.js');
  const text = `[{:process 0, :type :invoke, :f :write, :value 3}
 {:process :nemesis, :type :info, :f :start, :value nil}
 {:process 0, :type :ok, :f :write, :value 3}
 {:process 1, :type :invoke, :f :read, :value nil}
 {:process 1, :type :ok, :f :read, :value nil}]`;
  const plain = parseJepsenEdnHistory(text, 'h.edn');
  assert.equal(plain.events.length, 4);
  assert.equal(checkHistory(plain.events, {model: plain.model}).valid, false);
  const knossos = parseJepsenEdnHistory(text, 'h.edn', {initial: 0, nilReadMatchesAny: true});
  assert.equal(checkHistory(knossos.events, {model: knossos.model}).valid, true);
});
