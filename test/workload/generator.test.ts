import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Rng} from '../../src/rng/index.js';
import {OperationGenerator, type Mix} from '../../src/workload/index.js';

const mix = (m: Partial<Mix>): Mix => ({read: 0, write: 0, cas: 0, add: 0, 'read-set': 0, ...m});

describe('workload generator', () => {
  test('written values are unique per key', () => {
    const gen = new OperationGenerator(3, mix({read: 1, write: 1, cas: 1}));
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
    const gen = new OperationGenerator(2, mix({read: 1, write: 0, cas: 0}));
    const rng = Rng.seeded(9);
    for (let i = 0; i < 200; i++) assert.equal(gen.next(rng).f, 'read');
  });

  test('cas compares against the last value observed for its key', () => {
    const gen = new OperationGenerator(1, mix({read: 0, write: 0, cas: 1}));
    gen.observe('k1', 41);
    const op = gen.next(Rng.seeded(1));
    assert.equal(op.f, 'cas');
    assert.deepEqual(op.value, [41, 1]);
  });

  test('the same seed gives the same operations', () => {
    const run = () => {
      const gen = new OperationGenerator(4, mix({read: 2, write: 1, cas: 1}));
      const rng = Rng.seeded(77);
      return Array.from({length: 50}, () => gen.next(rng));
    };
    assert.deepEqual(run(), run());
  });

  test('adds put new elements into set keys, unique per key', () => {
    const gen = new OperationGenerator(2, mix({add: 3, 'read-set': 1}));
    const rng = Rng.seeded(3);
    const elements = new Map<string, number[]>();
    let reads = 0;
    for (let i = 0; i < 400; i++) {
      const op = gen.next(rng);
      assert.match(op.key, /^s[12]$/);
      if (op.f === 'add') elements.set(op.key, [...(elements.get(op.key) ?? []), op.value]);
      else reads++;
    }
    for (const list of elements.values()) assert.deepEqual(list, list.map((_, i) => i + 1));
    assert.ok(reads > 50 && reads < 150, `about a quarter reads, got ${reads}`);
    assert.deepEqual(gen.setKeys(), ['s1', 's2']);
    assert.deepEqual(gen.registerKeys(), []);
  });

  test('a mix of registers and sets names both key families', () => {
    const gen = new OperationGenerator(2, mix({read: 1, add: 1}));
    assert.deepEqual(gen.registerKeys(), ['k1', 'k2']);
    assert.deepEqual(gen.setKeys(), ['s1', 's2']);
  });
});
