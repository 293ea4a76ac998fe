import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Rng} from '../../src/rng/index.js';
import {RegisterGenerator} from '../../src/workload/index.js';

describe('register workload generator', () => {
  test('written values are unique per key', () => {
    const gen = new RegisterGenerator(3, {read: 1, write: 1, cas: 1});
    const rng = Rng.seeded(5);
    const written = new Map<string, number[]>();
    for (let i = 0; i < 3000; i++) {
      const op = gen.next(rng);
      const v = op.f === 'write' ? op.value : op.f === 'cas' ? op.value[1] : null;
      if (v !== null) written.set(op.key, [...(written.get(op.key) ?? []), v]);
    }
    assert.equal(written.size, 3);
    for (const values of written.values()) assert.equal(new Set(values).size, values.length);
  });

  test('the mix weights shape the operations', () => {
    const gen = new RegisterGenerator(2, {read: 1, write: 0, cas: 0});
    const rng = Rng.seeded(9);
    for (let i = 0; i < 200; i++) assert.equal(gen.next(rng).f, 'read');
  });

  test('cas compares against the last value observed for its key', () => {
    const gen = new RegisterGenerator(1, {read: 0, write: 0, cas: 1});
    gen.observe('k1', 41);
    const op = gen.next(Rng.seeded(1));
    assert.equal(op.f, 'cas');
    assert.deepEqual(op.value, [41, 1]);
  });

  test('the same seed gives the same operations', () => {
    const run = () => {
      const gen = new RegisterGenerator(4, {read: 2, write: 1, cas: 1});
      const rng = Rng.seeded(77);
      return Array.from({length: 50}, () => gen.next(rng));
    };
    assert.deepEqual(run(), run());
  });
});
