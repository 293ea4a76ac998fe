import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import fc from 'fast-check';
import {casRegister, checkHistory} from '../../src/checker/index.js';
import {Rng} from '../../src/rng/index.js';
import {generateRegisterHistory, history} from './helpers.js';

/** The cas-register model without its pruning, as the reference. */
const unpruned = {...casRegister(), prune: undefined};

describe('pruning info operations nobody observed', () => {
  test('pruning never changes a verdict (random histories with info operations, some corrupted)', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 2 ** 30}), fc.boolean(), (seed, corrupt) => {
        const rng = Rng.seeded(seed);
        const events = generateRegisterHistory(rng, {operations: 24, clients: 4, keys: 1, infoRate: 0.3, failRate: 0.05});
        if (corrupt) {
          const reads = events.filter((e) => e.type === 'ok' && e.f === 'read');
          if (reads.length > 0) reads[rng.int(0, reads.length - 1)].value = 1000 + rng.int(0, 3);
        }
        assert.equal(checkHistory(events, {model: casRegister()}).valid, checkHistory(events, {model: unpruned}).valid);
      }),
      {numRuns: 400},
    );
  });

  test('fifty concurrent timed-out writes that nobody read check at once', () => {
    const events = history([
      {process: 0, f: 'write', value: 1, call: 0, ret: 10},
      ...Array.from({length: 50}, (_, i) => ({process: 100 + i, f: 'write' as const, value: 100 + i, call: 11 + i, ret: 300, type: 'info' as const})),
      {process: 1, f: 'read', read: 1, call: 200, ret: 210},
      {process: 2, f: 'write', value: 2, call: 220, ret: 230},
      {process: 3, f: 'read', read: 2, call: 240, ret: 250},
    ]);
    const result = checkHistory(events, {model: casRegister(), timeLimitMs: 5000});
    assert.equal(result.valid, true);
  });

  test('a timed-out write that a read observed is kept: without it the read is a violation', () => {
    const events = history([
      {process: 0, f: 'write', value: 1, call: 0, ret: 1},
      {process: 1, f: 'write', value: 7, call: 2, ret: 3, type: 'info'},
      {process: 2, f: 'read', read: 7, call: 4, ret: 5},
    ]);
    assert.equal(checkHistory(events, {model: casRegister()}).valid, true);
    const withoutIt = events.filter((e) => e.process !== 1).map((e, index) => ({...e, index}));
    assert.equal(checkHistory(withoutIt, {model: casRegister()}).valid, false);
  });
});
