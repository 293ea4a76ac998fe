import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyControl, startToxiproxyServer } from '../../src/proxy/index.js';
import { seededRandom } from '../../src/proxy/random.js';
import { connect, portOf, sleep, startEcho, startServer } from './helpers.js';

// Toxiproxy 2.12 semantics: reference toxiproxy-api.md §4.10 (/metrics with -proxy-metrics).

test('/metrics does not exist without --proxy-metrics', async () => {
  const server = await startServer();
  try {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '404 page not found\n');
  } finally {
    await server.close();
  }
});

test('/metrics counts the bytes each link received and sent, labelled by direction, listener, proxy and upstream', async () => {
  const server = await startToxiproxyServer({ host: '127.0.0.1', port: 0, random: seededRandom(1), proxyMetrics: true });
  const echo = await startEcho();
  try {
    let res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await res.text(), '', 'no series before any link ended');

    const control = new ProxyControl(server.url);
    const p = await control.createProxy('m"1', '127.0.0.1:0', `127.0.0.1:${echo.port}`);
    // limit_data on the way back: the downstream link receives 10 bytes but sends only 4.
    await control.addToxic('m"1', { name: 'l', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 4 } });
    const c = await connect(portOf(p.listen));
    c.socket.write('0123456789');
    await c.closed;
    await sleep(50);

    res = await fetch(`${server.url}/metrics`, { method: 'POST' }); // any method, like the real route
    assert.equal(res.status, 200);
    const labels = (direction: string) => `direction="${direction}",listener="${p.listen}",proxy="m\\"1",upstream="127.0.0.1:${echo.port}"`;
    assert.equal(
      await res.text(),
      [
        '# HELP toxiproxy_proxy_received_bytes_total ',
        '# TYPE toxiproxy_proxy_received_bytes_total counter',
        `toxiproxy_proxy_received_bytes_total{${labels('downstream')}} 10`,
        `toxiproxy_proxy_received_bytes_total{${labels('upstream')}} 10`,
        '# HELP toxiproxy_proxy_sent_bytes_total ',
        '# TYPE toxiproxy_proxy_sent_bytes_total counter',
        `toxiproxy_proxy_sent_bytes_total{${labels('downstream')}} 4`,
        `toxiproxy_proxy_sent_bytes_total{${labels('upstream')}} 10`,
        '',
      ].join('\n'),
    );
  } finally {
    await server.close();
    await echo.close();
  }
});
