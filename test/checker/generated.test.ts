import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../src/checker/index.js';
import {Rng} from '../../src/rng/index.js';
import {generateRegisterHistory} from './helpers.js';

test('a 10,000-operation history of a correct register (5 clients, 4 keys) checks valid (speed: npm run bench:checker)', () => {
  const events = generateRegisterHistory(Rng.seeded(42), {operations: 10_000, clients: 5, keys: 4, failRate: 0.05});
  const result = checkHistory(events, {timeLimitMs: 60_000});
  assert.equal(result.valid, true, result.reason);
  assert.equal(events.length, 20_000);
  // `fail` operations (including cas whose comparison failed) did not happen and are dropped.
  assert.equal(result.operationCount, events.filter((e) => e.type === 'ok' || e.type === 'info').length);
});

test('a 10,000-operation history of a correct register with info operations checks valid', () => {
  const events = generateRegisterHistory(Rng.seeded(43), {operations: 10_000, clients: 5, keys: 4, infoRate: 0.01});
  const result = checkHistory(events, {timeLimitMs: 60_000});
  assert.equal(result.valid, true, result.reason);
});

test('random correct histories are linearizable, and corrupting one read makes them not', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const events = generateRegisterHistory(Rng.seeded(seed), {operations: 200, clients: 4, keys: 1, infoRate: 0.05, failRate: 0.05});
    assert.equal(checkHistory(events).valid, true, `seed ${seed}`);
    // A read returning a value nobody ever wrote cannot be linearized.
    const read = events.findIndex((e) => e.type === 'ok' && e.f === 'read');
    if (read < 0) continue;
    const corrupted = events.map((e, i) => (i === read ? {...e, value: 999} : e));
    assert.equal(checkHistory(corrupted).valid, false, `corrupted seed ${seed}`);
  }
});
