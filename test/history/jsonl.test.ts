import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {HistoryFormatError} from '../../src/errors/index.js';
import {parseJsonlHistory, readHistory} from '../../src/history/jsonl.js';

const LINE = '{"index":0,"process":0,"type":"invoke","f":"read","key":"k1","value":null,"time":1}';

test('history.jsonl is read with the line of each event; blank lines are skipped', () => {
  const {events, positions} = parseJsonlHistory(`${LINE}\n\n${LINE.replace('"index":0', '"index":1').replace('invoke', 'ok')}\n`, 'h.jsonl');
  assert.equal(events.length, 2);
  assert.deepEqual(positions, [
    {line: 1, column: 1},
    {line: 3, column: 1},
  ]);
});

test('a torn last line (a run killed mid-write) is ignored', () => {
  const {events} = parseJsonlHistory(`${LINE}\n{"index":1,"proc`, 'h.jsonl');
  assert.equal(events.length, 1);
});

test('a bad field is an error naming file, line, the column of the field and what was expected', () => {
  assert.throws(
    () => parseJsonlHistory(`${LINE}\n${LINE.replace('"type":"invoke"', '"type":"done"')}\n`, 'h.jsonl'),
    (error: unknown) => error instanceof HistoryFormatError && error.message === 'h.jsonl:2:24: type: expected one of invoke, ok, fail, info',
  );
  assert.throws(
    () => parseJsonlHistory(`${LINE.replace(',"time":1', '')}\n`, 'h.jsonl'),
    (error: unknown) => error instanceof HistoryFormatError && error.message === 'h.jsonl:1:1: time: expected a number of nanoseconds',
  );
});

test('invalid JSON in the middle of the file names the column of the syntax error', () => {
  assert.throws(
    () => parseJsonlHistory(`${LINE}\n{"index":1,}\n${LINE}\n`, 'h.jsonl'),
    (error: unknown) => error instanceof HistoryFormatError && /^h\.jsonl:2:12: expected a JSON object, got invalid JSON/.test(error.message),
  );
});

test('readHistory accepts only the functions faultline records; faultline check accepts any and lets the model decide', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'faultline-jsonl-')), 'h.jsonl');
  const get = LINE.replace('"f":"read"', '"f":"get"');
  writeFileSync(file, `${get}\n`);
  assert.throws(() => readHistory(file), (error: unknown) => error instanceof HistoryFormatError && error.message === `${file}:1:40: f: expected one of read, write, cas, add, read-set`);
  assert.equal(parseJsonlHistory(`${get}\n`, file, {anyFunction: true}).events[0].f, 'get');
});

test('set-workload events carry an integer element (add) and an integer array (ok read-set), else the line names the field', () => {
  const add = '{"index":0,"process":0,"type":"invoke","f":"add","key":"s1","value":"x","time":1}';
  assert.throws(() => parseJsonlHistory(`${add}\n`, 'h.jsonl'), (e: unknown) => e instanceof HistoryFormatError && e.message === 'h.jsonl:1:61: value: expected an integer element (add)');
  const read = '{"index":0,"process":0,"type":"ok","f":"read-set","key":"s1","value":5,"time":1}';
  assert.throws(() => parseJsonlHistory(`${read}\n`, 'h.jsonl'), (e: unknown) => e instanceof HistoryFormatError && /^h\.jsonl:1:\d+: value: expected an array of integers \(an ok read-set\)$/.test(e.message));
  assert.deepEqual(parseJsonlHistory(`${read.replace('"value":5', '"value":[1,2]')}\n`, 'h.jsonl').events[0].value, [1, 2]);
});
