/** The consistent-hash ring: Karger et al. 1997 (minimal movement), Dynamo §4.2–4.3 (virtual nodes, preference lists). */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildRing, murmur3, ownerOf, preferenceList, sloppyTargets, walk} from '../../../nodes/hashring/ring.js';

const KEYS = Array.from({length: 20_000}, (_, i) => `key-${i}`);
const nodes = (n: number) => Array.from({length: n}, (_, i) => `n${i + 1}`);

function loads(ids: string[], vnodes: number): Map<string, number> {
  const ring = buildRing(ids, vnodes);
  const counts = new Map(ids.map((id) => [id, 0]));
  for (const k of KEYS) counts.set(ownerOf(ring, k)!, counts.get(ownerOf(ring, k)!)! + 1);
  return counts;
}

test('murmur3 matches the reference MurmurHash3_x86_32 test vectors', () => {
  assert.equal(murmur3(''), 0);
  assert.equal(murmur3('', 1), 0x514e28b7);
  assert.equal(murmur3('hello'), 0x248bfa47);
  assert.equal(murmur3('The quick brown fox jumps over the lazy dog'), 0x2e4ff723);
});

test('with 128 virtual nodes the busiest of 5 and of 20 nodes holds at most 1.3× the mean', () => {
  for (const n of [5, 20]) {
    const counts = [...loads(nodes(n), 128).values()];
    const mean = KEYS.length / n;
    assert.ok(Math.max(...counts) / mean < 1.3, `n=${n}: max/mean ${Math.max(...counts) / mean}`);
  }
});

test('more virtual nodes balance better than one per node', () => {
  const spread = (v: number) => Math.max(...loads(nodes(10), v).values()) / (KEYS.length / 10);
  assert.ok(spread(128) < spread(1), `V=128 ${spread(128)} vs V=1 ${spread(1)}`);
});

test('a joining node takes about 1/n of the keys, and only from others to itself', () => {
  for (const n of [5, 10]) {
    const before = buildRing(nodes(n - 1), 128);
    const after = buildRing(nodes(n), 128);
    let moved = 0;
    for (const k of KEYS) {
      const a = ownerOf(before, k);
      const b = ownerOf(after, k);
      if (a !== b) {
        moved++;
        assert.equal(b, `n${n}`, 'a key moved between two old nodes');
      }
    }
    const fraction = moved / KEYS.length;
    assert.ok(fraction < 1.5 / n && fraction > 0.5 / n, `n=${n}: moved ${fraction}, ideal ${1 / n}`);
  }
});

test('a leaving node gives away only its own keys, about 1/n of them', () => {
  const n = 8;
  const before = buildRing(nodes(n), 128);
  const after = buildRing(nodes(n).filter((x) => x !== 'n3'), 128);
  let moved = 0;
  for (const k of KEYS) {
    if (ownerOf(before, k) !== ownerOf(after, k)) {
      moved++;
      assert.equal(ownerOf(before, k), 'n3');
    }
  }
  assert.ok(moved / KEYS.length < 1.5 / n, `moved ${moved / KEYS.length}`);
});

test('preference lists hold N distinct nodes, starting at the owner, and change little on a join', () => {
  const ring = buildRing(nodes(6), 128);
  const grown = buildRing(nodes(7), 128);
  let changedSlots = 0;
  for (const k of KEYS.slice(0, 2000)) {
    const pref = preferenceList(ring, k, 3);
    assert.equal(pref.length, 3);
    assert.equal(new Set(pref).size, 3);
    assert.equal(pref[0], ownerOf(ring, k));
    assert.deepEqual(walk(ring, k).slice(0, 3), pref);
    const next = preferenceList(grown, k, 3);
    changedSlots += pref.filter((x) => !next.includes(x)).length;
  }
  // the newcomer enters about 3/7 of the lists, pushing out one node each
  assert.ok(changedSlots / 2000 < 1.5 * (3 / 7), `changed ${changedSlots / 2000} per list`);
});

test('a ring smaller than N gives every node once; order of members does not matter', () => {
  assert.deepEqual(new Set(preferenceList(buildRing(['a', 'b'], 16), 'k', 3)), new Set(['a', 'b']));
  const r1 = buildRing(['a', 'b', 'c'], 32);
  const r2 = buildRing(['c', 'a', 'b'], 32);
  for (const k of KEYS.slice(0, 200)) assert.deepEqual(walk(r1, k), walk(r2, k));
});

test('a sloppy quorum replaces a suspected preference-list node by the next healthy node after the list', () => {
  const ring = buildRing(nodes(5), 128);
  const all = walk(ring, 'k7');
  const down = all[1];
  const targets = sloppyTargets(ring, 'k7', 3, (x) => x !== down);
  assert.deepEqual(targets, [
    {node: all[0], for: all[0]},
    {node: all[3], for: down},
    {node: all[2], for: all[2]},
  ]);
});
