import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {nodeIds, peerLinks, peerProxyName} from '../../src/cluster/topology.js';
import {bridge, cutLinks, describeComponents, halves, isolate, LinkCutter, majoritiesRing, oneWay, randomHalves, type LinkProxies} from '../../src/nemesis/index.js';
import {Rng} from '../../src/rng/index.js';

describe('partition shapes', () => {
  test('a cluster of n nodes has n·(n−1) directed peer links', () => {
    assert.equal(peerLinks(nodeIds(3)).length, 6);
    assert.equal(peerLinks(nodeIds(5)).length, 20);
  });

  test('halves cut the node list in order, the smaller half first', () => {
    assert.deepEqual(halves(nodeIds(5)), [['n1', 'n2'], ['n3', 'n4', 'n5']]);
  });

  test('random halves of five nodes are two and three nodes covering the cluster', () => {
    const [a, b] = randomHalves(nodeIds(5), Rng.seeded(1));
    assert.equal(a.length, 2);
    assert.equal(b.length, 3);
    assert.deepEqual([...a, ...b].sort(), nodeIds(5));
  });

  test('the same seed gives the same random halves, and some seed gives other halves', () => {
    assert.deepEqual(randomHalves(nodeIds(7), Rng.seeded(42)), randomHalves(nodeIds(7), Rng.seeded(42)));
    const seen = new Set(Array.from({length: 20}, (_, i) => JSON.stringify(randomHalves(nodeIds(5), Rng.seeded(i)))));
    assert.ok(seen.size > 1);
  });

  test('a bridge node hears both halves, which cannot hear each other', () => {
    const {links, description} = bridge(nodeIds(5), Rng.seeded(3));
    const [left, centre, right] = description.replace('bridge ', '').split(' | ').map((g) => g.split(' '));
    assert.equal(centre.length, 1);
    assert.equal(links.length, 2 * left.length * right.length);
    assert.ok(links.every((l) => l.from !== centre[0] && l.to !== centre[0]));
  });

  test('in a majorities ring every node hears a majority and no two hear the same one', () => {
    for (const n of [3, 5, 7]) {
      const ids = nodeIds(n);
      const {links} = majoritiesRing(ids, Rng.seeded(n));
      const heard = ids.map((to) => ids.filter((from) => !links.some((l) => l.from === from && l.to === to)).sort().join(' '));
      for (const h of heard) assert.equal(h.split(' ').length, Math.floor(n / 2) + 1, `n=${n}: ${h}`);
      assert.equal(new Set(heard).size, n, `n=${n}: ${heard.join(', ')}`);
    }
  });

  test('a one-way cut blocks one direction only', () => {
    assert.deepEqual(oneWay(['n1'], ['n2', 'n3']).map(peerProxyName), ['n1-n2', 'n1-n3']);
  });

  test('isolating a node cuts exactly its links in both directions', () => {
    const links = cutLinks(isolate(nodeIds(3), 'n2')).map(peerProxyName);
    assert.deepEqual(links, ['n1-n2', 'n2-n1', 'n2-n3', 'n3-n2']);
  });

  test('a 2|3 split of five nodes cuts 12 directed links and none inside a group', () => {
    const groups = [['n1', 'n2'], ['n3', 'n4', 'n5']];
    const links = cutLinks(groups);
    assert.equal(links.length, 12);
    for (const l of links) assert.notEqual(groups.findIndex((g) => g.includes(l.from)), groups.findIndex((g) => g.includes(l.to)));
    assert.equal(describeComponents(groups), 'n1 n2 | n3 n4 n5');
  });

  test('nodes named in no group keep all their links', () => {
    const links = cutLinks([['n1'], ['n2']]).map(peerProxyName);
    assert.deepEqual(links, ['n1-n2', 'n2-n1']);
  });
});

/** Records the Toxiproxy calls the nemesis makes. */
class FakeProxies implements LinkProxies {
  calls: string[] = [];
  async setEnabled(proxy: string, enabled: boolean) {
    this.calls.push(`${enabled ? 'enable' : 'disable'} ${proxy}`);
  }
  async addToxic(proxy: string, toxic: {name: string; type: string; stream: string; attributes: Record<string, number>}) {
    this.calls.push(`add ${proxy} ${toxic.name} ${toxic.type} ${toxic.stream} timeout=${toxic.attributes.timeout}`);
  }
  async removeToxic(proxy: string, toxic: string) {
    this.calls.push(`remove ${proxy} ${toxic}`);
  }
}

describe('link cutting', () => {
  test('drop adds a timeout-0 toxic to both streams and heal removes them', async () => {
    const fake = new FakeProxies();
    const cutter = new LinkCutter(fake);
    await cutter.cut([{from: 'n1', to: 'n2'}], 'drop');
    await cutter.heal([{from: 'n1', to: 'n2'}], 'drop');
    assert.deepEqual(fake.calls, [
      'add n1-n2 partition-drop-upstream timeout upstream timeout=0',
      'add n1-n2 partition-drop-downstream timeout downstream timeout=0',
      'remove n1-n2 partition-drop-upstream',
      'remove n1-n2 partition-drop-downstream',
    ]);
  });

  test('a link cut by two overlapping faults stays cut until both heal', async () => {
    const fake = new FakeProxies();
    const cutter = new LinkCutter(fake);
    const link = {from: 'n3', to: 'n1'};
    await cutter.cut([link], 'reset');
    await cutter.cut([link], 'reset');
    await cutter.heal([link], 'reset');
    assert.deepEqual(fake.calls, ['disable n3-n1']);
    await cutter.heal([link], 'reset');
    assert.deepEqual(fake.calls, ['disable n3-n1', 'enable n3-n1']);
  });
});

describe('link cutting under overlapping faults', () => {
  test('a cut that overlaps a heal of the same link waits for the removal to finish', async () => {
    const calls: string[] = [];
    const present = new Set<string>();
    const slow: LinkProxies = {
      async setEnabled() {},
      async addToxic(proxy, toxic) {
        const id = `${proxy}/${toxic.name}`;
        if (present.has(id)) throw new Error(`409 toxic already exists: ${id}`);
        await new Promise((r) => setTimeout(r, 5));
        present.add(id);
        calls.push(`add ${toxic.name}`);
      },
      async removeToxic(proxy, toxic) {
        await new Promise((r) => setTimeout(r, 20));
        present.delete(`${proxy}/${toxic}`);
        calls.push(`remove ${toxic}`);
      },
    };
    const cutter = new LinkCutter(slow);
    const link = {from: 'n1', to: 'n2'};
    await cutter.cut([link], 'drop');
    const heal = cutter.heal([link], 'drop');
    const recut = cutter.cut([link], 'drop');
    await Promise.all([heal, recut]);
    assert.deepEqual(calls.slice(2), ['remove partition-drop-upstream', 'remove partition-drop-downstream', 'add partition-drop-upstream', 'add partition-drop-downstream']);
  });
});
