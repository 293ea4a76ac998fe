import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../src/proxy/random.js';
import { parseFirstJsonValue, JsonSyntaxError, float32Json } from '../../src/proxy/json.js';
import { splitHostPort } from '../../src/proxy/proxy.js';
import { startStage, type ToxicRecord } from '../../src/proxy/toxics.js';

test('the same seed gives the same draws', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const da = Array.from({ length: 5 }, () => [a.float32(), a.intBelow(100)]);
  const db = Array.from({ length: 5 }, () => [b.float32(), b.intBelow(100)]);
  assert.deepEqual(da, db);
  for (const [f, i] of da) {
    assert.ok(f >= 0 && f < 1);
    assert.ok(Number.isInteger(i) && i >= 0 && i < 100);
  }
});

test('only the first JSON value of a body is read, like Go json.Decoder', () => {
  const v = parseFirstJsonValue('{"a":1} trailing garbage');
  assert.deepEqual(v, { kind: 'object', entries: [['a', 1]], numberTexts: new Map([[0, '1']]) });
  assert.throws(() => parseFirstJsonValue('   '), (e: unknown) => e instanceof JsonSyntaxError && e.message === 'EOF');
  assert.throws(() => parseFirstJsonValue('[1,'), /unexpected EOF/);
  assert.throws(() => parseFirstJsonValue('x'), /invalid character 'x' looking for beginning of value/);
  // Go quotes the offending byte: the first byte of a non-ASCII character, as Latin-1.
  assert.throws(() => parseFirstJsonValue('é'), (e: unknown) => e instanceof JsonSyntaxError && e.message === "invalid character 'Ã' looking for beginning of value");
  assert.throws(() => parseFirstJsonValue('\uFEFF{}'), (e: unknown) => e instanceof JsonSyntaxError && e.message === "invalid character 'ï' looking for beginning of value");
});

test('toxicity is written as the shortest float32 text', () => {
  assert.equal(float32Json(1), '1');
  assert.equal(float32Json(0.1), '0.1');
  assert.equal(float32Json(0.5), '0.5');
});

test('listen addresses split like Go net.SplitHostPort', () => {
  assert.deepEqual(splitHostPort('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(splitHostPort('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(splitHostPort(':8474'), { host: '', port: 8474 });
  assert.throws(() => splitHostPort('nope'), /address nope: missing port in address/);
});

test('a toxic wait longer than setTimeout allows (2^31 - 1 ms) is chained, not cut to 1 ms', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const mockedSetTimeout = globalThis.setTimeout;
  const delays: number[] = [];
  t.mock.method(globalThis, 'setTimeout', (fn: () => void, ms: number) => {
    delays.push(ms);
    return mockedSetTimeout(fn, ms);
  });
  const latency: ToxicRecord = {
    name: 'l',
    type: 'latency',
    stream: 'downstream',
    direction: 'downstream',
    toxicity: 1,
    attributes: { latency: 3e9, jitter: 0 },
  };
  const out: string[] = [];
  const stage = startStage(latency, { rng: seededRandom(1), emit: (c) => out.push(c.data.toString()), end: () => undefined }, { transmittedBytes: 0 });
  stage.write({ data: Buffer.from('x'), t: performance.now() });
  assert.ok(Math.max(...delays) <= 2 ** 31 - 1, `setTimeout asked for ${delays.join(', ')} ms (Node fires those after 1 ms)`);
  t.mock.timers.tick(2 ** 31);
  assert.deepEqual(out, []);
  t.mock.timers.tick(3e9 - 2 ** 31 + 1000);
  assert.deepEqual(out, ['x']);
});
