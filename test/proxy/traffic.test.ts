import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ProxyControl, ProxyError, type ToxiproxyServer } from '../../src/proxy/index.js';
import { POOLED_BUFFERS, READ_BUFFER_BYTES } from '../../src/proxy/reader.js';
import { connect, portOf, sleep, startEcho, startServer, tryConnect, withProxy } from './helpers.js';

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

/** Waits up to `ms` for the client socket to close; true if it did. */
async function closedWithin(c: { closed: Promise<unknown> }, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const result = await Promise.race([c.closed.then(() => true), timedOut]);
  clearTimeout(timer);
  return result;
}

/** A port nobody listens on (bound once by the OS, then released). */
async function freePort(): Promise<number> {
  const { default: getPort } = await import('get-port');
  return getPort({ host: '127.0.0.1' });
}

/** A proxy in front of the echo server for the length of `fn` (helpers.withProxy). */
function withEchoProxy(name: string, fn: (port: number) => Promise<void>): Promise<void> {
  return withProxy(control, name, echo.port, fn);
}

test('bytes pass through a proxy unchanged, large payloads included', async () => {
  await withEchoProxy('pass', async (port) => {
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

test('a long stream through an echo server comes back byte for byte while the reader stalls (read buffers are reused)', async () => {
  await withEchoProxy('long', async (port) => {
    // Every 4-byte word holds its own index, so a read buffer reused while its bytes were still
    // queued for writing would show up as words out of place.
    const payload = Buffer.alloc(64 * 1024 * 1024);
    for (let i = 0; i < payload.length / 4; i++) payload.writeUInt32LE(i, 4 * i);
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    let got = 0;
    let mismatchAt = -1;
    let nextStall = 8 * 1024 * 1024;
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (b: Buffer) => {
        if (mismatchAt < 0 && !b.equals(payload.subarray(got, got + b.length))) mismatchAt = got;
        got += b.length;
        if (got >= payload.length) resolve();
        else if (got >= nextStall) {
          // Stop reading for a while: the proxy's links fill up and pause, then resume.
          nextStall += 8 * 1024 * 1024;
          socket.pause();
          setTimeout(() => socket.resume(), 50);
        }
      });
    });
    for (let off = 0; off < payload.length; off += 256 * 1024) {
      if (!socket.write(payload.subarray(off, off + 256 * 1024))) await once(socket, 'drain');
    }
    await done;
    socket.destroy();
    assert.equal(got, payload.length);
    assert.equal(mismatchAt, -1, `bytes differ from offset ${mismatchAt}`);
  });
});

/** Bytes of ArrayBuffers in use after full collections (their memory is swept after a collection, not in it). */
async function liveArrayBufferBytes(): Promise<number> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
  return process.memoryUsage().arrayBuffers;
}

test('connections left idle after a bulk stream hold no read buffers of their own', async () => {
  await withEchoProxy('idle', async (port) => {
    const connections = 16;
    const payload = Buffer.alloc(8 * 1024 * 1024 + 1000, 5);
    const before = await liveArrayBufferBytes();
    // Bulk streams fill the proxy's reads, so its sockets read into buffers of their own; then
    // each connection goes idle with its last bytes read (by a read that did not fill a buffer: the
    // payload is not a multiple of the buffer size).
    const clients = await Promise.all(
      Array.from({ length: connections }, async () => {
        const socket = net.connect({ host: '127.0.0.1', port });
        let got = 0;
        const echoed = new Promise<void>((resolve, reject) => {
          socket.on('error', reject);
          socket.on('data', (b: Buffer) => {
            got += b.length;
            if (got >= payload.length) resolve();
          });
        });
        socket.write(payload);
        await echoed;
        return socket;
      }),
    );
    const held = (await liveArrayBufferBytes()) - before;
    for (const c of clients) c.destroy();
    // The pool, the shared buffer, and less than 1 MiB of anything else. Before: each socket kept
    // its next read buffer and two spares, ~4 MiB per idle connection (64 MiB here).
    assert.ok(held < (POOLED_BUFFERS + 2) * READ_BUFFER_BYTES, `${connections} idle connections hold ${(held / 2 ** 20).toFixed(3)} MiB of buffers`);
  });
});

test('latency delays each chunk by at least the configured time', async () => {
  await withEchoProxy('lat', async (port) => {
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
  await withEchoProxy('lat2', async (port) => {
    const c = await connect(port);
    c.socket.write('a');
    await c.waitFor(1);
    await control.addToxic('lat2', { name: 'up', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 100, jitter: 50 } });
    const start = performance.now();
    c.socket.write('b');
    await c.waitFor(2);
    assert.ok(performance.now() - start >= 45, `first chunk after the add took ${performance.now() - start} ms`);
    for (let i = 1; i < 20; i++) {
      c.socket.write(String.fromCharCode(98 + i));
      await sleep(2);
    }
    const got = await c.waitFor(21);
    assert.equal(got.toString(), 'a' + Array.from({ length: 20 }, (_, i) => String.fromCharCode(98 + i)).join(''));
    c.destroy();
    await c.closed;
  });
});

test('removing a latency toxic releases held data at once', async () => {
  await withEchoProxy('lat3', async (port) => {
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
  await withEchoProxy('bh', async (port) => {
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
  await withEchoProxy('to', async (port) => {
    await control.addToxic('to', { name: 't', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 150 } });
    const start = performance.now();
    const c = await connect(port);
    assert.equal(await closedWithin(c, 3000), true, 'the idle connection was never closed');
    assert.ok(performance.now() - start >= 140);
  });
});

test('a timeout toxic restarts its timer on each chunk of its stream, and drops the data', async () => {
  await withEchoProxy('to2', async (port) => {
    await control.addToxic('to2', { name: 't', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 300 } });
    const c = await connect(port);
    const start = performance.now();
    // A write every 100 ms for 600 ms keeps it open past 300 ms (§5.2: FIN 300 ms after the last chunk).
    for (let i = 0; i < 6; i++) {
      c.socket.write('x');
      await sleep(100);
    }
    assert.equal(c.socket.destroyed, false, 'closed while data kept arriving');
    assert.equal(await closedWithin(c, 3000), true);
    assert.ok(performance.now() - start >= 800, `closed after ${performance.now() - start} ms`);
    assert.equal(c.received().length, 0, 'data passed a timeout toxic');
  });
});

test('a toxic with toxicity 0 never applies', async () => {
  await withEchoProxy('tox0', async (port) => {
    await control.addToxic('tox0', { name: 'drop', type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 0 } });
    const c = await connect(port);
    c.socket.write('x');
    await c.waitFor(1);
    c.destroy();
    await c.closed;
  });
});

test('disabling refuses new connections and closes open ones on both sides with a FIN, keeping toxics; enabling accepts again on the same port', async () => {
  await withEchoProxy('dis', async (port) => {
    await control.addToxic('dis', { name: 'n', type: 'noop', stream: 'upstream', toxicity: 1, attributes: {} });
    const upstreamConn = echo.ends.length;
    const c = await connect(port);
    c.socket.write('1');
    await c.waitFor(1);
    await control.setEnabled('dis', false);
    assert.equal(await closedWithin(c, 3000), true, 'the client connection stayed open');
    assert.equal(await closedWithin({ closed: echo.ends[upstreamConn] }, 3000), true, 'the upstream connection stayed open');
    assert.equal(await c.closed, null, 'the client connection was not closed with a FIN');
    assert.equal(await echo.ends[upstreamConn], null, 'the upstream connection was not closed with a FIN');
    assert.equal(await tryConnect(port), 'ECONNREFUSED');
    await control.setEnabled('dis', true);
    const [info] = (await control.list()).filter((p) => p.name === 'dis');
    assert.equal(portOf(info.listen), port);
    assert.deepEqual(info.toxics.map((t) => t.name), ['n']);
    const d = await connect(port);
    d.socket.write('2');
    await d.waitFor(1);
    d.destroy();
    await d.closed;
  });
});

/**
 * A port whose listener completes no more handshakes, so that a dial to it stays in SYN-SENT: a child
 * process listens with a backlog of 1 and blocks its event loop, and two connections fill its accept
 * queue (Linux then drops further SYNs).
 */
async function startUnanswered(): Promise<{ port: number; close(): void }> {
  const child = spawn(
    process.execPath,
    ['-e', "const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => { console.log(s.address().port); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(String(line));
  const fillers = [0, 1].map(() => net.connect({ host: '127.0.0.1', port }).on('error', () => undefined));
  await Promise.all(fillers.map((f) => once(f, 'connect')));
  return {
    port,
    close: () => {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** TCP sockets on this machine (IPv4) in SYN-SENT to 127.0.0.1:`port`, from /proc/net/tcp (Linux). */
function synSentTo(port: number): number {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .filter((line) => {
      const f = line.trim().split(/\s+/);
      return f[2] === remote && f[3] === '02';
    }).length;
}

/** Polls `f` every 20 ms until it returns `want` or `ms` passed; returns its last value. */
async function waitForValue(f: () => number, want: number, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let v = f();
  while (v !== want && performance.now() < end) {
    await sleep(20);
    v = f();
  }
  return v;
}

test('disabling or deleting a proxy abandons its upstream dials still under way', async () => {
  const upstream = await startUnanswered();
  try {
    for (const how of ['disable', 'delete'] as const) {
      const p = await control.createProxy(`dial-${how}`, '127.0.0.1:0', `127.0.0.1:${upstream.port}`);
      const c = await connect(portOf(p.listen));
      assert.equal(await waitForValue(() => synSentTo(upstream.port), 1, 2000), 1, 'the proxy dials upstream');
      if (how === 'disable') await control.setEnabled(p.name, false);
      else await control.deleteProxy(p.name);
      await c.closed;
      // Before: the dial went on until the kernel gave up (~2 min), holding a socket.
      assert.equal(await waitForValue(() => synSentTo(upstream.port), 0, 1000), 0, `after ${how}, the dial is still under way`);
      if (how === 'disable') await control.deleteProxy(p.name);
    }
  } finally {
    upstream.close();
  }
});

test('deleting a proxy closes its connections on both sides with a FIN and frees its port', async () => {
  const p = await control.createProxy('del', '127.0.0.1:0', `127.0.0.1:${echo.port}`);
  const upstreamConn = echo.ends.length;
  const c = await connect(portOf(p.listen));
  c.socket.write('1');
  await c.waitFor(1);
  await control.deleteProxy('del');
  assert.equal(await closedWithin(c, 3000), true, 'the client connection stayed open');
  assert.equal(await closedWithin({ closed: echo.ends[upstreamConn] }, 3000), true, 'the upstream connection stayed open');
  assert.equal(await c.closed, null);
  assert.equal(await echo.ends[upstreamConn], null);
  assert.equal(await tryConnect(portOf(p.listen)), 'ECONNREFUSED');
});

test('changing the upstream restarts the proxy on the same port: open connections close, toxics stay', async () => {
  const other = await startEcho();
  try {
    await withEchoProxy('reup', async (port) => {
      await control.addToxic('reup', { name: 'n', type: 'noop', stream: 'upstream', toxicity: 1, attributes: {} });
      const c = await connect(port);
      c.socket.write('1');
      await c.waitFor(1);
      const res = await fetch(`${server.url}/proxies/reup`, { method: 'PATCH', body: JSON.stringify({ upstream: `127.0.0.1:${other.port}` }) });
      const body = (await res.json()) as { listen: string; enabled: boolean; toxics: Array<{ name: string }> };
      assert.equal(portOf(body.listen), port);
      assert.equal(body.enabled, true);
      assert.deepEqual(body.toxics.map((t) => t.name), ['n']);
      assert.equal(await closedWithin(c, 3000), true, 'the open connection survived the restart');
      assert.equal(await c.closed, null);
      const d = await connect(port);
      d.socket.write('2');
      await d.waitFor(1);
      assert.equal(other.ends.length, 1, 'the new connection did not go to the new upstream');
      d.destroy();
      await d.closed;
    });
  } finally {
    await other.close();
  }
});

test('updating a toxic restarts it on open connections with the new values', async () => {
  await withEchoProxy('upd', async (port) => {
    await control.addToxic('upd', { name: 'l', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 50, jitter: 0 } });
    const c = await connect(port);
    c.socket.write('a');
    await c.waitFor(1);
    const res = await fetch(`${server.url}/proxies/upd/toxics/l`, { method: 'PATCH', body: JSON.stringify({ attributes: { latency: 300 } }) });
    assert.equal(res.status, 200);
    await res.text();
    const start = performance.now();
    c.socket.write('b');
    await c.waitFor(2);
    assert.ok(performance.now() - start >= 295, `rtt after the update ${performance.now() - start} ms`);
    c.destroy();
    await c.closed;
  });
});

test('reset removes toxics and re-enables disabled proxies', async () => {
  await withEchoProxy('rst', async (port) => {
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

test('a client closing its side closes the upstream socket fully: half-close is not propagated', async () => {
  // An upstream that answers 200 ms after the client's FIN: through a half-close it would arrive.
  const sockets = new Set<net.Socket>();
  const late = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('end', () => setTimeout(() => s.destroyed || s.end('late'), 200));
    s.resume(); // read (and drop) 'bye', so that 'end' comes
  });
  await new Promise<void>((r) => late.listen(0, '127.0.0.1', r));
  try {
    const p = await control.createProxy('fin', '127.0.0.1:0', `127.0.0.1:${(late.address() as net.AddressInfo).port}`);
    const c = await connect(portOf(p.listen));
    c.socket.end('bye');
    assert.equal(await closedWithin(c, 3000), true);
    assert.equal(await c.closed, null);
    assert.equal(c.received().toString(), '');
    await control.deleteProxy('fin');
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => late.close(() => r()));
  }
});

test('a proxy to a dead upstream accepts and closes at once', async () => {
  const p = await control.createProxy('dead', '127.0.0.1:0', '127.0.0.1:1');
  const c = await connect(portOf(p.listen));
  assert.equal(await closedWithin(c, 3000), true);
  assert.equal(await c.closed, null, 'closed with a reset, not a FIN');
  await control.deleteProxy('dead');
});

test('limit_data forwards at most the given bytes then closes', async () => {
  await withEchoProxy('lim', async (port) => {
    await control.addToxic('lim', { name: 'l', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 5 } });
    const c = await connect(port);
    c.socket.write('0123456789');
    assert.equal(await closedWithin(c, 3000), true, 'limit_data never closed the connection');
    assert.equal(c.received().toString(), '01234');
  });
});

test('limit_data counts bytes per link across restarts of its stage', async () => {
  await withEchoProxy('lim2', async (port) => {
    await control.addToxic('lim2', { name: 'l', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 6 } });
    const c = await connect(port);
    c.socket.write('abcd');
    await c.waitFor(4);
    // Adding a toxic behind it restarts limit_data's stage on this link (§5.1); its count must survive.
    await control.addToxic('lim2', { name: 'n', type: 'noop', stream: 'downstream', toxicity: 1, attributes: {} });
    c.socket.write('efgh');
    assert.equal(await closedWithin(c, 3000), true, 'limit_data never closed the connection');
    assert.equal(c.received().toString(), 'abcdef');
  });
});

test('bandwidth paces data at rate KB/s (KB = 1000 bytes)', async () => {
  await withEchoProxy('bw', async (port) => {
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

test('slicer cuts each chunk into pieces of at most average_size + size_variation, delay µs apart, in order', async () => {
  await withEchoProxy('sl', async (port) => {
    // 10 ms between pieces: each piece is its own TCP segment, so the client sees the cuts (§5.2 obs: 1,3,3,3,2,3,2,3).
    await control.addToxic('sl', { name: 's', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 2, size_variation: 1, delay: 10_000 } });
    const c = await connect(port);
    const pieces: number[] = [];
    c.socket.on('data', (b: Buffer) => pieces.push(b.length));
    const start = performance.now();
    c.socket.write('abcdefghijklmnopqrst');
    assert.equal((await c.waitFor(20)).toString(), 'abcdefghijklmnopqrst');
    const elapsed = performance.now() - start;
    assert.ok(pieces.length >= 7, `only ${pieces.length} pieces: ${pieces.join(',')}`);
    assert.ok(Math.max(...pieces) <= 3, `a piece larger than 3 bytes: ${pieces.join(',')}`);
    assert.ok(elapsed >= 60, `pieces not delayed: ${elapsed} ms`);
    c.destroy();
    await c.closed;
  });
});

test('slow_close delays the close by at least the given time', async () => {
  await withEchoProxy('sc', async (port) => {
    await control.addToxic('sc', { name: 's', type: 'slow_close', stream: 'upstream', toxicity: 1, attributes: { delay: 200 } });
    const c = await connect(port);
    const start = performance.now();
    c.socket.end();
    assert.equal(await closedWithin(c, 3000), true);
    assert.ok(performance.now() - start >= 190, `closed after ${performance.now() - start} ms`);
  });
});

test('reset_peer present at accept resets the connection', async () => {
  await withEchoProxy('rp', async (port) => {
    await control.addToxic('rp', { name: 'r', type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    const c = await connect(port);
    c.socket.write('x');
    assert.equal(await closedWithin(c, 3000), true, 'reset_peer never closed the connection');
    assert.equal(await c.closed, 'ECONNRESET');
    assert.equal(c.received().length, 0, 'the chunk that triggered reset_peer was not dropped');
  });
});

test('reset_peer does nothing until data arrives, then closes after its timeout', async () => {
  await withEchoProxy('rp2', async (port) => {
    await control.addToxic('rp2', { name: 'r', type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 200 } });
    const c = await connect(port);
    assert.equal(await closedWithin(c, 400), false, 'closed without data');
    const start = performance.now();
    c.socket.write('x');
    assert.equal(await closedWithin(c, 3000), true);
    assert.ok(performance.now() - start >= 190, `closed after ${performance.now() - start} ms`);
  });
});

test('reset_peer added to an open connection closes it with a FIN, not a reset', async () => {
  await withEchoProxy('rp3', async (port) => {
    const c = await connect(port);
    c.socket.write('a');
    await c.waitFor(1);
    await control.addToxic('rp3', { name: 'r', type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
    c.socket.write('b');
    assert.equal(await closedWithin(c, 3000), true, 'reset_peer never closed the connection');
    assert.equal(await c.closed, null);
    assert.equal(c.received().toString(), 'a');
  });
});

test('latency with jitter keeps each delay within latency ± jitter', async () => {
  await withEchoProxy('jit', async (port) => {
    await control.addToxic('jit', { name: 'j', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 50 } });
    const c = await connect(port);
    const rtts: number[] = [];
    for (let i = 1; i <= 8; i++) {
      const start = performance.now();
      c.socket.write('p');
      await c.waitFor(i);
      rtts.push(performance.now() - start);
    }
    assert.ok(Math.min(...rtts) >= 45, `a delay below latency - jitter: ${rtts.map(Math.round).join(',')}`);
    assert.ok(Math.max(...rtts) - Math.min(...rtts) > 5, `no jitter: ${rtts.map(Math.round).join(',')}`);
    c.destroy();
    await c.closed;
  });
});

test('a noop toxic passes data unchanged', async () => {
  await withEchoProxy('noop', async (port) => {
    await control.addToxic('noop', { name: 'n', type: 'noop', stream: 'downstream', toxicity: 1, attributes: {} });
    const c = await connect(port);
    c.socket.write('same');
    assert.equal((await c.waitFor(4)).toString(), 'same');
    c.destroy();
    await c.closed;
  });
});

test('ProxyControl wraps failures in ProxyError with the URL and status', async () => {
  await control.createProxy('err', '127.0.0.1:0', '127.0.0.1:1');
  await assert.rejects(control.createProxy('err', '127.0.0.1:0', '127.0.0.1:1'), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.code, 'FAULTLINE_PROXY');
    assert.equal(e.status, 409);
    assert.equal(e.apiUrl, `${server.url}/proxies`);
    assert.equal(e.serverMessage, 'proxy already exists');
    assert.equal(e.message, `Toxiproxy: create proxy "err" failed: POST ${server.url}/proxies → HTTP 409: proxy already exists`);
    return true;
  });
  await assert.rejects(control.removeToxic('err', 'nope'), (e: unknown) => e instanceof ProxyError && e.status === 404 && e.serverMessage === 'toxic not found');
  await assert.rejects(control.removeToxic('nope', 'nope'), (e: unknown) => e instanceof ProxyError && e.serverMessage === 'proxy not found');
  await assert.rejects(
    control.addToxic('err', { name: 'x', type: 'down', stream: 'upstream', toxicity: 1, attributes: {} }),
    (e: unknown) => e instanceof ProxyError && e.status === 400 && /→ HTTP 400: invalid toxic type$/.test(e.message),
  );
  // A text only the server knows: the OS error of a failed bind.
  await assert.rejects(control.createProxy('taken', `127.0.0.1:${server.port}`, '127.0.0.1:1'), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.status, 500);
    assert.equal(e.serverMessage, `listen tcp 127.0.0.1:${server.port}: bind: address already in use`);
    return true;
  });
  await control.deleteProxy('err');
  assert.equal(await control.version(), '2.12.0');
  const closedPort = await freePort();
  const dead = new ProxyControl(`http://127.0.0.1:${closedPort}`);
  await assert.rejects(dead.list(), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.status, undefined);
    assert.match(e.message, new RegExp(`GET http://127\\.0\\.0\\.1:${closedPort}/proxies → unreachable: fetch failed \\(connect ECONNREFUSED`));
    return true;
  });
  await assert.rejects(new ProxyControl('http://127.0.0.1:6666').list(), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.match(e.message, /→ unreachable: fetch failed \(bad port: Node's fetch refuses this port/);
    return true;
  });
  // https:// to the plain-HTTP API: one readable cause instead of OpenSSL's error string.
  await assert.rejects(new ProxyControl(server.url.replace('http:', 'https:')).list(), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.match(e.message, /→ unreachable: fetch failed \(TLS handshake failed: the server answers plain HTTP; use http:\/\/\)$/);
    return true;
  });
});

test('a slow reader pauses the sender instead of buffering everything in the proxy', async () => {
  await withEchoProxy('bp', async (port) => {
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
