import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyControl, type ToxiproxyServer } from '../../src/proxy/index.js';
import { connect, portOf, sleep, startEcho, startServer } from './helpers.js';

// Data integrity of the relay when toxics are updated or removed while they hold data
// (reference toxiproxy-api.md §5.1: "Remove: data held by that stage is flushed on").

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

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 255;
  return b;
}

test('updating a bandwidth toxic while it paces a large chunk loses no piece of it', async () => {
  const p = await control.createProxy('bwupd', '127.0.0.1:0', `127.0.0.1:${echo.port}`);
  try {
    // rate 10 KB/s: a 5000-byte chunk leaves as 1000-byte pieces, 100 ms apart.
    await control.addToxic('bwupd', { name: 'bw', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 10 } });
    const c = await connect(portOf(p.listen));
    const payload = pattern(5000);
    c.socket.write(payload);
    await c.waitFor(1000, 5000); // the first piece is out, the second is waiting for its 100 ms
    await sleep(30);
    const res = await fetch(`${server.url}/proxies/bwupd/toxics/bw`, { method: 'PATCH', body: JSON.stringify({ attributes: { rate: 10 } }) });
    assert.equal(res.status, 200);
    await res.text();
    await sleep(1500);
    const got = c.received();
    assert.equal(got.length, payload.length, `received ${got.length} of ${payload.length} bytes`);
    assert.ok(got.equals(payload), 'bytes differ');
    c.destroy();
    await c.closed;
  } finally {
    await control.deleteProxy('bwupd');
  }
});
