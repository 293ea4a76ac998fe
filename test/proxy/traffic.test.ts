import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ProxyControl, ProxyError, type ToxiproxyServer } from '../../src/proxy/index.js';
import { connect, portOf, sleep, startEcho, startServer, tryConnect } from './helpers.js';

// Toxiproxy 2.12 semantics: reference toxiproxy-api.md §5 (data path and toxics).
// Timing assertions are lower bounds only: the machine is noisy.

let server: ToxiproxyServer;
let echo: Awaited<ReturnType<typeof startEcho>>;
let control: ProxyControl;

before(async () => {
  server = await startServer();
  echo = await startEcho();
  control = new ProxyControl(server.url);
});
after(async () => {
  await server.close();
  await echo.close();
});

async function withProxy(name: string, fn: (port: number) => Promise<void>): Promise<void> {
  const p = await control.createProxy(name, '127.0.0.1:0', `127.0.0.1:${echo.port}`);
  try {
    await fn(portOf(p.listen));
  } finally {
    await control.deleteProxy(name);
  }
}

test('bytes pass through a proxy unchanged, large payloads included', async () => {
  await withProxy('pass', async (port) => {
    const c = await connect(port);
    const payload = Buffer.alloc(2 * 1024 * 1024, 7);
    for (let i = 0; i < payload.length; i += 997) payload[i] = i & 255;
    c.socket.write(payload);
    const got = await c.waitFor(payload.length, 10_000);
    assert.ok(got.equals(payload));
    c.destroy();
    await c.closed;
  });
});

test('latency delays each chunk by at least the configured time', async () => {
  await withProxy('lat', async (port) => {
    await control.addToxic('lat', { name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 200, jitter: 0 } });
    const c = await connect(port);
    const start = performance.now();
    c.socket.write('ping');
    await c.waitFor(4);
    assert.ok(performance.now() - start >= 195, `rtt ${performance.now() - start}`);
    c.destroy();
    await c.closed;
  });
});

test('a latency toxic added to an open connection applies at once, and keeps order', async () => {
  await withProxy('lat2', async (port) => {
    const c = await connect(port);
    c.socket.write('a');
    await c.waitFor(1);
    await control.addToxic('lat2', { name: 'up', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 100, jitter: 50 } });
    const start = performance.now();
    for (let i = 0; i < 20; i++) {
      c.socket.write(String.fromCharCode(98 + i));
      await sleep(2);
    }
    const got = await c.waitFor(21);
    assert.ok(performance.now() - start >= 50);
    assert.equal(got.toString(), 'a' + Array.from({ length: 20 }, (_, i) => String.fromCharCode(98 + i)).join(''));
    c.destroy();
    await c.closed;
  });
});

test('removing a latency toxic releases held data at once', async () => {
  await withProxy('lat3', async (port) => {
    await control.addToxic('lat3', { name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 10_000, jitter: 0 } });
    const c = await connect(port);
    c.socket.write('held');
    await sleep(100);
    assert.equal(c.received().length, 0);
    await control.removeToxic('lat3', 'slow');
    assert.equal((await c.waitFor(4, 2000)).toString(), 'held');
    c.destroy();
    await c.closed;
  });
});

test('a timeout-0 toxic blackholes upstream data, and removing it closes the connection', async () => {
  await withProxy('bh', async (port) => {
    const c = await connect(port);
    await control.addToxic('bh', { name: 'drop', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    c.socket.write('lost');
    await sleep(300);
    assert.equal(c.received().length, 0);
    assert.equal(c.socket.destroyed, false);
    await control.removeToxic('bh', 'drop');
    await c.closed;
    assert.equal(c.received().length, 0);
  });
});

test('a timeout toxic with a time closes an idle connection after it', async () => {
  await withProxy('to', async (port) => {
    await control.addToxic('to', { name: 't', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 150 } });
    const start = performance.now();
    const c = await connect(port);
    await c.closed;
    assert.ok(performance.now() - start >= 140);
  });
});

test('a toxic with toxicity 0 never applies', async () => {
  await withProxy('tox0', async (port) => {
    await control.addToxic('tox0', { name: 'drop', type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 0 } });
    const c = await connect(port);
    c.socket.write('x');
    await c.waitFor(1);
    c.destroy();
    await c.closed;
  });
});

test('disabling refuses new connections and closes open ones; enabling accepts again on the same port', async () => {
  await withProxy('dis', async (port) => {
    const c = await connect(port);
    c.socket.write('1');
    await c.waitFor(1);
    await control.setEnabled('dis', false);
    await c.closed;
    assert.equal(await tryConnect(port), 'ECONNREFUSED');
    await control.setEnabled('dis', true);
    const [info] = (await control.list()).filter((p) => p.name === 'dis');
    assert.equal(portOf(info.listen), port);
    const d = await connect(port);
    d.socket.write('2');
    await d.waitFor(1);
    d.destroy();
    await d.closed;
  });
});

test('reset removes toxics and re-enables disabled proxies', async () => {
  await withProxy('rst', async (port) => {
    await control.addToxic('rst', { name: 'drop', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    await control.setEnabled('rst', false);
    await control.reset();
    const [info] = (await control.list()).filter((p) => p.name === 'rst');
    assert.equal(info.enabled, true);
    assert.deepEqual(info.toxics, []);
    const c = await connect(port);
    c.socket.write('ok');
    await c.waitFor(2);
    c.destroy();
    await c.closed;
  });
});

test('a client closing its side closes the upstream connection too', async () => {
  await withProxy('fin', async (port) => {
    const c = await connect(port);
    c.socket.end('bye');
    await c.closed;
  });
});

test('a proxy to a dead upstream accepts and closes at once', async () => {
  const p = await control.createProxy('dead', '127.0.0.1:0', '127.0.0.1:1');
  const c = await connect(portOf(p.listen));
  await c.closed;
  await control.deleteProxy('dead');
});

test('limit_data forwards at most the given bytes then closes', async () => {
  await withProxy('lim', async (port) => {
    await control.addToxic('lim', { name: 'l', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 5 } });
    const c = await connect(port);
    c.socket.write('0123456789');
    await c.closed;
    assert.equal(c.received().toString(), '01234');
  });
});

test('bandwidth paces data at rate KB/s (KB = 1000 bytes)', async () => {
  await withProxy('bw', async (port) => {
    await control.addToxic('bw', { name: 'b', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 10 } });
    const c = await connect(port);
    const start = performance.now();
    c.socket.write(Buffer.alloc(5000, 1));
    await c.waitFor(5000);
    assert.ok(performance.now() - start >= 450, `took ${performance.now() - start}`);
    c.destroy();
    await c.closed;
  });
});

test('slicer delivers all bytes in order', async () => {
  await withProxy('sl', async (port) => {
    await control.addToxic('sl', { name: 's', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 2, size_variation: 1, delay: 1000 } });
    const c = await connect(port);
    c.socket.write('abcdefghijklmnopqrst');
    assert.equal((await c.waitFor(20)).toString(), 'abcdefghijklmnopqrst');
    c.destroy();
    await c.closed;
  });
});

test('slow_close delays the close by at least the given time', async () => {
  await withProxy('sc', async (port) => {
    await control.addToxic('sc', { name: 's', type: 'slow_close', stream: 'upstream', toxicity: 1, attributes: { delay: 200 } });
    const c = await connect(port);
    const start = performance.now();
    c.socket.end();
    await c.closed;
    assert.ok(performance.now() - start >= 190);
  });
});

test('reset_peer present at accept resets the connection', async () => {
  await withProxy('rp', async (port) => {
    await control.addToxic('rp', { name: 'r', type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    const c = await connect(port);
    c.socket.write('x');
    assert.equal(await c.closed, 'ECONNRESET');
  });
});

test('ProxyControl wraps failures in ProxyError with the URL and status', async () => {
  await control.createProxy('err', '127.0.0.1:0', '127.0.0.1:1');
  await assert.rejects(control.createProxy('err', '127.0.0.1:0', '127.0.0.1:1'), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.code, 'FAULTLINE_PROXY');
    assert.equal(e.status, 409);
    assert.equal(e.apiUrl, `${server.url}/proxies`);
    assert.match(e.message, /create proxy "err".*409.*proxy already exists/);
    return true;
  });
  await assert.rejects(control.removeToxic('err', 'nope'), (e: unknown) => e instanceof ProxyError && e.status === 404);
  await control.deleteProxy('err');
  assert.equal(await control.version(), '2.12.0');
  const dead = new ProxyControl('http://127.0.0.1:1');
  await assert.rejects(dead.list(), (e: unknown) => e instanceof ProxyError && e.status === undefined);
});

test('a slow reader pauses the sender instead of buffering everything in the proxy', async () => {
  await withProxy('bp', async (port) => {
    const c = await connect(port);
    c.socket.pause();
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    let stalled = false;
    // Write until a drain does not come within 300 ms: the whole path (echo server, proxy, kernel
    // buffers) is full. Without backpressure the proxy would absorb all 128 MiB.
    while (written < 128 * 1024 * 1024) {
      written += chunk.length;
      if (c.socket.write(chunk)) continue;
      const drained = await Promise.race([once(c.socket, 'drain').then(() => true), sleep(300).then(() => false)]);
      if (!drained) {
        stalled = true;
        break;
      }
    }
    assert.ok(stalled, `never stalled after ${written} bytes`);
    assert.ok(written < 64 * 1024 * 1024, `absorbed ${written} bytes`);
    c.destroy();
    await c.closed;
  });
});

test('close() resolves with connections open and frees the ports', async () => {
  const { startToxiproxyServer } = await import('../../src/proxy/index.js');
  const s = await startToxiproxyServer({ port: 0 });
  const ctl = new ProxyControl(s.url);
  const p = await ctl.createProxy('x', '127.0.0.1:0', `127.0.0.1:${echo.port}`);
  const c = await connect(portOf(p.listen));
  c.socket.write('hi');
  await c.waitFor(2);
  await s.close();
  await c.closed;
  assert.equal(await tryConnect(portOf(p.listen)), 'ECONNREFUSED');
  assert.equal(await tryConnect(s.port), 'ECONNREFUSED');
});
