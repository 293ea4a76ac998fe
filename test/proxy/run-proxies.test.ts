import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyControl, RunProxies, newRunPrefix, startToxiproxyServer, type ApiLogEntry } from '../../src/proxy/index.js';
import { seededRandom } from '../../src/proxy/random.js';

async function serverWithLog(): Promise<{ url: string; calls: ApiLogEntry[]; close: () => Promise<void> }> {
  const calls: ApiLogEntry[] = [];
  const s = await startToxiproxyServer({ host: '127.0.0.1', port: 0, random: seededRandom(3), log: (e) => calls.push(e) });
  return { url: s.url, calls, close: () => s.close() };
}

const drop = { name: 'drop', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } } as const;

test('a run prefix is fl- and 6 hex characters, fresh each time', () => {
  const a = newRunPrefix();
  assert.match(a, /^fl-[0-9a-f]{6}-$/);
  assert.notEqual(a, newRunPrefix());
});

test('on a shared server a run uses prefixed names, heals only its own proxies without /reset, and deletes only them', async () => {
  const server = await serverWithLog();
  try {
    const control = new ProxyControl(server.url);
    await control.createProxy('other', '127.0.0.1:0', '127.0.0.1:9');
    await control.addToxic('other', { ...drop });
    await control.setEnabled('other', false);

    const run = new RunProxies(control, { kind: 'shared', prefix: 'fl-abc123-' });
    await run.create('n1-n2', '127.0.0.1:0', '127.0.0.1:9');
    await run.create('n2-n1', '127.0.0.1:0', '127.0.0.1:9');
    await run.addToxic('n1-n2', { ...drop });
    await run.setEnabled('n2-n1', false);
    assert.deepEqual((await control.list()).map((p) => p.name), ['fl-abc123-n1-n2', 'fl-abc123-n2-n1', 'other']);

    await run.healAll();
    const after = await control.list();
    for (const p of after.filter((x) => x.name.startsWith('fl-'))) {
      assert.equal(p.enabled, true, p.name);
      assert.deepEqual(p.toxics, [], p.name);
    }
    const other = after.find((p) => p.name === 'other')!;
    assert.equal(other.enabled, false, "someone else's proxy was re-enabled");
    assert.equal(other.toxics.length, 1, "someone else's toxic was removed");

    assert.deepEqual(await run.removeAll(), []);
    assert.deepEqual((await control.list()).map((p) => p.name), ['other']);
    assert.ok(!server.calls.some((c) => c.path === '/reset'), 'a shared server got /reset');
  } finally {
    await server.close();
  }
});

test('on its own server a run keeps plain names and heals with /reset', async () => {
  const server = await serverWithLog();
  try {
    const run = new RunProxies(new ProxyControl(server.url), { kind: 'own' });
    await run.create('n1-n2', '127.0.0.1:0', '127.0.0.1:9');
    await run.addToxic('n1-n2', { ...drop });
    await run.healAll();
    assert.ok(server.calls.some((c) => c.method === 'POST' && c.path === '/reset'));
    assert.deepEqual((await run.control.list()).map((p) => [p.name, p.toxics.length]), [['n1-n2', 0]]);
    assert.deepEqual(await run.removeAll(), []);
    assert.equal((await run.control.list()).length, 1, 'the own server keeps its proxies until it stops');
  } finally {
    await server.close();
  }
});

test('proxies a shared server no longer answers for are left with one line naming the server and the prefix', async () => {
  const server = await serverWithLog();
  const run = new RunProxies(new ProxyControl(server.url), { kind: 'shared', prefix: 'fl-abc123-' });
  await run.create('n1-n2', '127.0.0.1:0', '127.0.0.1:9');
  await run.create('n2-n1', '127.0.0.1:0', '127.0.0.1:9');
  await run.create('client-n1', '127.0.0.1:0', '127.0.0.1:9');
  await server.close();
  const lines = await run.removeAll();
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], new RegExp(`^could not delete this run's 3 proxies \\(fl-abc123-\\*\\) from ${server.url.replace(/\./g, '\\.')}, which did not answer: fetch failed \\((connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+|other side closed)\\)$`));
});
