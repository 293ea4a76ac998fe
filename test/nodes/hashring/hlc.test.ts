/** Hybrid logical clocks (Kulkarni et al. 2014) as versions: a total order that respects causality. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {compareVersions, newHlc, observe, tick} from '../../../nodes/hashring/hlc.js';

test('versions from one clock increase even when the wall clock stands still or goes back', () => {
  const c = newHlc();
  const a = tick(c, 1000, 'n1');
  const b = tick(c, 1000, 'n1');
  const d = tick(c, 900, 'n1');
  assert.ok(compareVersions(a, b) < 0 && compareVersions(b, d) < 0);
  assert.equal(d.wallMs, 1000);
});

test('a node with a slow clock that has seen a version issues only later ones (causality)', () => {
  const fast = newHlc();
  const slow = newHlc();
  const v1 = tick(fast, 5000, 'n1');
  observe(slow, v1, 1000); // slow's wall clock reads 1000
  const v2 = tick(slow, 1000, 'n2');
  assert.ok(compareVersions(v1, v2) < 0);
});

test('equal timestamps are ordered by node id, so the order is total', () => {
  const a = {wallMs: 7, counter: 0, node: 'n1'};
  const b = {wallMs: 7, counter: 0, node: 'n2'};
  assert.ok(compareVersions(a, b) < 0 && compareVersions(b, a) > 0 && compareVersions(a, {...a}) === 0);
});

test('the wall clock moving ahead resets the counter', () => {
  const c = newHlc();
  tick(c, 10, 'n');
  tick(c, 10, 'n');
  assert.deepEqual(tick(c, 20, 'n'), {wallMs: 20, counter: 0, node: 'n'});
});
