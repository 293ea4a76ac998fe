import http from 'node:http';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { startToxiproxyServer, type ApiLogEntry, type ToxiproxyServer } from '../../src/proxy/index.js';
import { startServer } from './helpers.js';

// Toxiproxy 2.12 semantics: reference toxiproxy-api.md §2–§4.

let server: ToxiproxyServer;
let client: Toxiproxy;

before(async () => {
  server = await startServer();
  client = new Toxiproxy(server.url);
});
after(async () => {
  await server.close();
});

const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${server.url}${path}`, { method, body, headers });

test('a created proxy is returned with 201, the bound listen address and the real key order', async () => {
  const res = await raw('POST', '/proxies', JSON.stringify({ name: 'order', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }));
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.match(res.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
  const text = await res.text();
  assert.match(text, /^\{"name":"order","listen":"127\.0\.0\.1:\d+","upstream":"127\.0\.0\.1:1","enabled":true,"Logger":\{\},"toxics":\[\]\}$/);
  assert.notEqual(JSON.parse(text).listen, '127.0.0.1:0');
  assert.equal((await raw('DELETE', '/proxies/order')).status, 204);
});

test('the client creates, lists, gets, updates and deletes proxies', async () => {
  const p = await client.createProxy({ name: 'crud', listen: 'localhost:0', upstream: '127.0.0.1:2' });
  assert.equal(p.name, 'crud');
  assert.match(p.listen, /^127\.0\.0\.1:\d+$/);
  assert.equal(p.enabled, true);
  const all = await client.getAll();
  assert.deepEqual(Object.keys(all), ['crud']);
  const got = await client.get('crud');
  assert.equal(got.listen, p.listen);
  const disabled = await got.update({ enabled: false, listen: got.listen, upstream: got.upstream });
  assert.equal(disabled.enabled, false);
  assert.equal(disabled.listen, p.listen);
  const changed = await disabled.update({ enabled: true, listen: got.listen, upstream: '127.0.0.1:3' });
  assert.equal(changed.upstream, '127.0.0.1:3');
  assert.equal(changed.enabled, true);
  await changed.remove();
  assert.deepEqual(Object.keys(await client.getAll()), []);
});

test('duplicate, unknown and nameless proxies get the real status codes and error bodies', async () => {
  await client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
  await assert.rejects(client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }), /status code 409/);

  let res = await raw('POST', '/proxies', JSON.stringify({ name: 'dup', listen: '127.0.0.1:0', upstream: 'x:1' }));
  assert.equal(res.status, 409);
  assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await res.text(), '{"error":"proxy already exists","status":409}\n');

  res = await raw('GET', '/proxies/nope');
  assert.equal(res.status, 404);
  assert.equal(await res.text(), '{"error":"proxy not found","status":404}\n');
  await assert.rejects(client.get('nope'), /status code 404/);

  res = await raw('POST', '/proxies', JSON.stringify({ upstream: 'x:1' }));
  assert.equal(res.status, 400);
  assert.equal(await res.text(), '{"error":"missing required field: name","status":400}\n');

  res = await raw('POST', '/proxies', JSON.stringify({ name: 'u' }));
  assert.equal(await res.text(), '{"error":"missing required field: upstream","status":400}\n');

  res = await raw('POST', '/proxies', '');
  assert.equal(await res.text(), '{"error":"bad request body: EOF","status":400}\n');
  res = await raw('POST', '/proxies', '{"name":"a", ');
  assert.equal(await res.text(), '{"error":"bad request body: unexpected EOF","status":400}\n');
  res = await raw('POST', '/proxies', '{bad}');
  assert.equal(
    await res.text(),
    `{"error":"bad request body: invalid character 'b' looking for beginning of object key string","status":400}\n`,
  );
  // Go's json.Marshal escapes <, > and & in the error text (HTML-safe), so a stray HTML body shows \u003c.
  res = await raw('POST', '/proxies', '<html>');
  assert.equal(
    await res.text(),
    `{"error":"bad request body: invalid character '\\u003c' looking for beginning of value","status":400}\n`,
  );
  res = await raw('POST', '/proxies', '{"name":"e","upstream":"x:1","enabled":"yes"}');
  assert.equal(
    await res.text(),
    '{"error":"bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool","status":400}\n',
  );
  res = await raw('POST', '/proxies', '[]');
  assert.equal(
    (await res.json()).error,
    'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy',
  );
  await (await client.get('dup')).remove();
});

test('GET /proxies is a Go map: keys escaped like values and sorted by their UTF-8 bytes', async () => {
  // U+E000 sorts before U+1F600 in UTF-8 (EE.. < F0..) but after it in UTF-16 (E000 > D83D).
  const names = ['\u{1F600}', 'a<b', '\uE000'];
  for (const name of names) await client.createProxy({ name, listen: '127.0.0.1:0', upstream: 'x:1' });
  const text = await (await raw('GET', '/proxies')).text();
  const keys = [...text.matchAll(/(?:^\{|\},)("[^"]*"):\{"name"/g)].map((m) => m[1]);
  assert.deepEqual(keys, ['"a\\u003cb"', '"\uE000"', '"\u{1F600}"']);
  for (const name of names) assert.equal((await raw('DELETE', `/proxies/${encodeURIComponent(name)}`)).status, 204);
});

test('listen is kept verbatim until the first start; name cannot be changed; a malformed listen is a 500', async () => {
  let res = await raw('POST', '/proxies', JSON.stringify({ name: 'later', listen: 'localhost:0', upstream: 'x:1', enabled: false }));
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { name: 'later', listen: 'localhost:0', upstream: 'x:1', enabled: false, Logger: {}, toxics: [] });
  res = await raw('PATCH', '/proxies/later', JSON.stringify({ enabled: true, name: 'renamed' }));
  const started = (await res.json()) as { name: string; listen: string; enabled: boolean };
  assert.equal(started.name, 'later');
  assert.match(started.listen, /^127\.0\.0\.1:[1-9]\d*$/);
  assert.equal((await raw('GET', '/proxies/renamed')).status, 404);
  res = await raw('POST', '/proxies', JSON.stringify({ name: 'bad', listen: 'nope', upstream: 'x:1' }));
  assert.equal(res.status, 500);
  assert.equal(await res.text(), '{"error":"listen tcp: address nope: missing port in address","status":500}\n');
  assert.equal((await raw('GET', '/proxies/bad')).status, 404);
  assert.equal((await raw('DELETE', '/proxies/later')).status, 204);
});

test('a listen address in use is a 500 with the OS error and nothing is added', async () => {
  const a = await client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: 'x:1' });
  const res = await raw('POST', '/proxies', JSON.stringify({ name: 'b', listen: a.listen, upstream: 'x:1' }));
  assert.equal(res.status, 500);
  assert.equal((await res.json()).error, `listen tcp ${a.listen}: bind: address already in use`);
  assert.deepEqual(Object.keys(await client.getAll()), ['a']);
  await a.remove();
});

test('unknown paths are 404 text, wrong methods are 405 with an empty body', async () => {
  for (const path of ['/nope', '/proxies/', '/proxies/x/toxics/']) {
    const res = await raw('GET', path);
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), '404 page not found\n');
  }
  for (const [method, path] of [['PUT', '/proxies'], ['GET', '/reset'], ['DELETE', '/version'], ['GET', '/populate']]) {
    const res = await raw(method, path);
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('content-type'), null);
    assert.equal(res.headers.get('content-length'), '0', 'Go sets Content-Length: 0 on an empty answer');
    assert.equal(await res.text(), '');
  }
});

test('an unclean path is redirected to the clean one with 301, as gorilla/mux does, before routing', async () => {
  // Raw request targets: fetch would clean them itself.
  const get = (target: string, headers: Record<string, string> = {}): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: target, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      }).on('error', reject);
    });
  for (const [target, location] of [['//proxies', '/proxies'], ['/proxies/./x', '/proxies/x'], ['/proxies/a/../b/toxics/', '/proxies/b/toxics/'], ['//version?x=1', '/version?x=1']]) {
    const res = await get(target, { 'User-Agent': 'Mozilla/5.0' });
    assert.equal(res.statusCode, 301, target);
    assert.equal(res.headers.location, location, target);
    assert.equal(res.headers['content-length'], '0');
    assert.equal(res.headers['x-toxiproxy-request-id'], undefined, 'no middleware ran');
  }
  assert.equal((await get('/proxies')).statusCode, 200);
});

test('browsers are refused with 403 on routes; 404 and 405 come before the middleware', async () => {
  const browser = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' };
  let res = await raw('GET', '/proxies', undefined, browser);
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
  assert.equal(await res.text(), 'User agent not allowed\n');
  // gorilla/mux runs middleware (request id, browser check) only on a matched route and method.
  res = await raw('GET', '/nope', undefined, browser);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('x-toxiproxy-request-id'), null);
  await res.text();
  res = await raw('PUT', '/proxies', undefined, browser);
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('x-toxiproxy-request-id'), null);
  await res.text();
});

test('a bad config body is only logged, like -config: the server starts without it', async () => {
  const logged: ApiLogEntry[] = [];
  const s = await startToxiproxyServer({ port: 0, config: '[{"name":"x"}]', log: (e) => logged.push(e) });
  try {
    assert.deepEqual(logged, [{ method: 'CONFIG', path: '/populate', status: 400, durationMs: 0, error: 'missing required field: upstream at proxy 1' }]);
    assert.equal(await (await fetch(`${s.url}/proxies`)).text(), '{}');
  } finally {
    await s.close();
  }
});

test('GET /version answers the 2.7+ format', async () => {
  const res = await raw('GET', '/version');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json;charset=utf-8');
  assert.equal(await res.text(), '{"version": "2.12.0"}\n');
  assert.equal(await client.getVersion(), '{"version": "2.12.0"}\n');
});

test('toxics are created with defaults, listed, updated by merging and deleted', async () => {
  const p = await client.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: 'x:1' });
  const t = await p.addToxic(<ICreateToxicBody<Latency>>{ type: 'latency', attributes: { latency: 100 } });
  assert.equal(t.name, 'latency_downstream');
  assert.equal(t.stream, 'downstream');
  assert.equal(t.toxicity, 1);
  assert.deepEqual(t.attributes, { latency: 100, jitter: 0 });

  let res = await raw('POST', '/proxies/tox/toxics', JSON.stringify({ type: 'bandwidth', stream: 'UPSTREAM', attributes: { rate: 100, extra: 1 } }));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '{"attributes":{"rate":100},"name":"bandwidth_UPSTREAM","type":"bandwidth","stream":"UPSTREAM","toxicity":1}');

  res = await raw('GET', '/proxies/tox/toxics');
  const list = (await res.json()) as Array<{ name: string }>;
  assert.deepEqual(list.map((x) => x.name), ['bandwidth_UPSTREAM', 'latency_downstream']);

  const updated = await t.update(<never>{ attributes: { jitter: 10 }, toxicity: 0.5 });
  assert.deepEqual(updated.attributes, { latency: 100, jitter: 10 });
  assert.equal(updated.toxicity, 0.5);

  res = await raw('PATCH', '/proxies/tox/toxics/latency_downstream', JSON.stringify({ attributes: { latency: 5 } }));
  assert.equal(await res.text(), '{"attributes":{"latency":5,"jitter":10},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":0.5}');

  await assert.rejects(p.addToxic(<ICreateToxicBody<Latency>>{ type: 'latency', attributes: { latency: 1 } }), /status code 409/);
  res = await raw('POST', '/proxies/tox/toxics', JSON.stringify({ type: 'down' }));
  assert.equal(await res.text(), '{"error":"invalid toxic type","status":400}\n');
  res = await raw('POST', '/proxies/tox/toxics', JSON.stringify({ type: 'latency', stream: 'sideways' }));
  assert.equal(await res.text(), '{"error":"stream was invalid, can be either upstream or downstream","status":400}\n');
  res = await raw('POST', '/proxies/tox/toxics', JSON.stringify({ type: 'bandwidth', name: 'bw2', attributes: { rate: '1' } }));
  assert.equal(
    (await res.json()).error,
    'bad request body: json: cannot unmarshal string into Go struct field BandwidthToxic.attributes.rate of type int64',
  );
  res = await raw('POST', '/proxies/tox/toxics', JSON.stringify({ type: 'slicer', name: 's0', attributes: {} }));
  assert.equal(res.status, 400);

  res = await raw('GET', '/proxies/tox/toxics/nope');
  assert.equal(await res.text(), '{"error":"toxic not found","status":404}\n');
  await updated.remove();
  res = await raw('DELETE', '/proxies/tox/toxics/latency_downstream');
  assert.equal(res.status, 404);
  res = await raw('GET', '/proxies/tox');
  const body = (await res.json()) as { toxics: Array<{ name: string }> };
  assert.deepEqual(body.toxics.map((x) => x.name), ['bandwidth_UPSTREAM']);
  await p.remove();
});

test('toxic names are unique across streams and checked before attributes; toxicity is not range-checked; updates ignore name, type, stream', async () => {
  await client.createProxy({ name: 'tf', listen: '127.0.0.1:0', upstream: 'x:1' });
  let res = await raw('POST', '/proxies/tf/toxics', JSON.stringify({ name: 'same', type: 'noop', stream: 'upstream', toxicity: 2.5 }));
  assert.equal(await res.text(), '{"attributes":{},"name":"same","type":"noop","stream":"upstream","toxicity":2.5}');
  res = await raw('POST', '/proxies/tf/toxics', JSON.stringify({ name: 'same', type: 'bandwidth', stream: 'downstream', attributes: { rate: 'x' } }));
  assert.equal(res.status, 409);
  assert.equal(await res.text(), '{"error":"toxic already exists","status":409}\n');
  res = await raw('POST', '/proxies/tf/toxics', JSON.stringify({ name: 'neg', type: 'noop', toxicity: -1 }));
  assert.equal(((await res.json()) as { toxicity: number }).toxicity, -1);
  res = await raw('PATCH', '/proxies/tf/toxics/same', JSON.stringify({ name: 'other', type: 'latency', stream: 'downstream', toxicity: 0.5 }));
  assert.equal(await res.text(), '{"attributes":{},"name":"same","type":"noop","stream":"upstream","toxicity":0.5}');
  assert.equal((await raw('DELETE', '/proxies/tf')).status, 204);
});

test('reset removes toxics and re-enables proxies', async () => {
  const p = await client.createProxy({ name: 'r', listen: '127.0.0.1:0', upstream: 'x:1' });
  await p.addToxic(<ICreateToxicBody<Latency>>{ type: 'latency', attributes: { latency: 1 } });
  await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
  const res = await raw('POST', '/reset');
  assert.equal(res.status, 204);
  assert.equal(await res.text(), '');
  const after = (await (await raw('GET', '/proxies/r')).json()) as { enabled: boolean; listen: string; toxics: unknown[] };
  assert.equal(after.enabled, true);
  assert.equal(after.listen, p.listen);
  assert.deepEqual(after.toxics, []);
  await p.remove();
});

test('populate creates, keeps and replaces proxies', async () => {
  const created = await client.populate([{ name: 'p1', listen: '127.0.0.1:0', upstream: 'x:1' }]);
  const listen = created.p1.listen;
  await raw('POST', '/proxies/p1/toxics', JSON.stringify({ type: 'noop' }));
  let res = await raw('POST', '/populate', JSON.stringify([{ name: 'p1', listen, upstream: 'x:1', enabled: false }]));
  assert.equal(res.status, 201);
  let body = (await res.json()) as { proxies: Array<{ toxics: unknown[]; enabled?: boolean }> };
  assert.equal(body.proxies[0].toxics.length, 1, 'same listen and upstream keeps the proxy and its toxics');
  assert.equal(body.proxies[0].enabled, true, "a kept proxy ignores the entry's enabled");
  res = await raw('POST', '/populate', JSON.stringify([{ name: 'p1', listen: '127.0.0.1:0', upstream: 'x:1' }]));
  const moved = (await res.json()) as { proxies: Array<{ listen: string; toxics: unknown[] }> };
  assert.notEqual(moved.proxies[0].listen, listen, 'port 0 never equals the bound port: replaced on a new port');
  assert.deepEqual(moved.proxies[0].toxics, []);
  res = await raw('POST', '/populate', JSON.stringify([{ name: 'p1', listen, upstream: 'x:1' }]));
  assert.equal(((await res.json()) as { proxies: Array<{ listen: string }> }).proxies[0].listen, listen);
  res = await raw('POST', '/populate', JSON.stringify([{ name: 'p1', listen, upstream: 'x:2' }]));
  body = (await res.json()) as { proxies: Array<{ toxics: unknown[] }> };
  assert.equal(body.proxies[0].toxics.length, 0, 'a changed upstream replaces the proxy');
  res = await raw('POST', '/populate', JSON.stringify([{ name: 'ok', upstream: 'x:1' }, { upstream: 'x:1' }]));
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('content-type'), 'application/json');
  // json.Marshal output written as is: no trailing newline, unlike the http.Error bodies.
  assert.equal(await res.text(), '{"error":"missing required field: name at proxy 2","status":400,"proxies":null}');
  res = await raw('POST', '/populate', JSON.stringify([
    { name: 'p2', listen: '127.0.0.1:0', upstream: 'x:1' },
    { name: 'p3', listen, upstream: 'x:1' },
  ]));
  assert.equal(res.status, 500);
  const err = (await res.json()) as { error: string; proxies: Array<{ name: string }> };
  assert.equal(err.error, `listen tcp ${listen}: bind: address already in use`);
  assert.deepEqual(err.proxies.map((p) => p.name), ['p2']);
  assert.equal((await raw('GET', '/proxies/p3')).status, 404, 'entries after the failing one are not applied');
  res = await raw('POST', '/populate', JSON.stringify([{ name: 'x' }]));
  assert.equal(await res.text(), '{"error":"missing required field: upstream at proxy 1","status":400,"proxies":null}');
  res = await raw('POST', '/populate', '[]');
  assert.equal(await res.text(), '{"proxies":null}');
  for (const name of ['p1', 'p2']) assert.equal((await raw('DELETE', `/proxies/${name}`)).status, 204);
});

test('decode errors name the Go types the real server decodes into', async () => {
  const error = async (method: string, path: string, body: string): Promise<string> =>
    ((await (await raw(method, path, body)).json()) as { error: string }).error;
  // /populate decodes into []struct{ Proxy; Enabled *bool }: an anonymous struct, so fields have no struct name.
  const populateItem = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';
  assert.equal(await error('POST', '/populate', '{}'), `bad request body: json: cannot unmarshal object into Go value of type []${populateItem}`);
  assert.equal(await error('POST', '/populate', '[5]'), `bad request body: json: cannot unmarshal number into Go value of type ${populateItem}`);
  assert.equal(
    await error('POST', '/populate', '[{"name":5,"upstream":"x:1"}]'),
    'bad request body: json: cannot unmarshal number into Go struct field .name of type string',
  );
  await client.createProxy({ name: 'dec', listen: '127.0.0.1:0', upstream: 'x:1' });
  // A toxic body is first decoded with a placeholder noop toxic under "attributes", before any other check.
  assert.equal(
    await error('POST', '/proxies/dec/toxics', '{"type":"latency","stream":"sideways","attributes":5}'),
    'bad request body: json: cannot unmarshal number into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic',
  );
  // Integer attributes are parsed from the literal as Go's strconv.ParseInt(s, 10, 64) does, and
  // float32 ones as ParseFloat(s, 32); errors quote the literal as written.
  for (const literal of ['1e3', '1.0', '1.50', '9223372036854775808']) {
    assert.equal(
      await error('POST', '/proxies/dec/toxics', `{"type":"latency","attributes":{"latency":${literal}}}`),
      `bad request body: json: cannot unmarshal number ${literal} into Go struct field LatencyToxic.attributes.latency of type int64`,
    );
  }
  assert.equal(
    await error('POST', '/proxies/dec/toxics', '{"type":"latency","toxicity":1e39}'),
    'bad request body: json: cannot unmarshal number 1e39 into Go struct field ToxicWrapper.toxicity of type float32',
  );
  const big = await raw('POST', '/proxies/dec/toxics', '{"type":"latency","name":"big","toxicity":3.4028235e38,"attributes":{"latency":-9223372036854775808}}');
  assert.equal(big.status, 200);
  assert.match(await big.text(), /"toxicity":3\.4028235e\+38\}$/);
  assert.equal((await raw('DELETE', '/proxies/dec/toxics/big')).status, 204);
  await raw('POST', '/proxies/dec/toxics', JSON.stringify({ type: 'latency', name: 'l' }));
  assert.equal(
    await error('PATCH', '/proxies/dec/toxics/l', '{"attributes":{"jitter":2e0}}'),
    'bad request body: json: cannot unmarshal number 2e0 into Go struct field LatencyToxic.attributes.jitter of type int64',
  );
  // An update decodes into an anonymous struct{ Attributes; Toxicity }, in document order.
  assert.equal(
    await error('PATCH', '/proxies/dec/toxics/l', '{"toxicity":"x"}'),
    'bad request body: json: cannot unmarshal string into Go struct field .toxicity of type float32',
  );
  assert.equal(
    await error('PATCH', '/proxies/dec/toxics/l', '{"attributes":5,"toxicity":"x"}'),
    'bad request body: json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic',
  );
  assert.equal((await raw('DELETE', '/proxies/dec')).status, 204);
});

test('a populate replacement that cannot bind leaves the old proxy in place, stopped, with its toxics', async () => {
  const blocker = await client.createProxy({ name: 'blocker', listen: '127.0.0.1:0', upstream: 'x:1' });
  const { old } = await client.populate([{ name: 'old', listen: '127.0.0.1:0', upstream: 'x:1' }]);
  await raw('POST', '/proxies/old/toxics', JSON.stringify({ type: 'noop' }));
  const res = await raw('POST', '/populate', JSON.stringify([{ name: 'old', listen: blocker.listen, upstream: 'x:1' }]));
  assert.equal(res.status, 500);
  assert.equal(await res.text(), `{"error":"listen tcp ${blocker.listen}: bind: address already in use","status":500,"proxies":null}`);
  const now = (await (await raw('GET', '/proxies/old')).json()) as { listen: string; enabled: boolean; toxics: Array<{ name: string }> };
  assert.equal(now.enabled, false);
  assert.equal(now.listen, old.listen);
  assert.deepEqual(now.toxics.map((t) => t.name), ['noop_downstream']);
  for (const name of ['old', 'blocker']) assert.equal((await raw('DELETE', `/proxies/${name}`)).status, 204);
});

test('updating listen to port 0 restarts on a new port; a failed rebind leaves the proxy disabled', async () => {
  const a = await client.createProxy({ name: 'mv', listen: '127.0.0.1:0', upstream: 'x:1' });
  const b = await client.createProxy({ name: 'other', listen: '127.0.0.1:0', upstream: 'x:1' });
  let res = await raw('PATCH', '/proxies/mv', JSON.stringify({ listen: '127.0.0.1:0' }));
  assert.equal(res.status, 200);
  const moved = (await res.json()) as { listen: string; enabled: boolean };
  assert.notEqual(moved.listen, a.listen);
  assert.equal(moved.enabled, true);
  res = await raw('PATCH', '/proxies/mv', JSON.stringify({ listen: b.listen }));
  assert.equal(res.status, 500);
  assert.equal((await res.json()).error, `listen tcp ${b.listen}: bind: address already in use`);
  const now = (await (await raw('GET', '/proxies/mv')).json()) as { listen: string; enabled: boolean };
  assert.deepEqual(now, { ...now, listen: b.listen, enabled: false });
  res = await raw('POST', '/reset');
  assert.equal(res.status, 500, 'reset starts disabled proxies and stops at the first bind error');
  assert.equal(await res.text(), `{"error":"listen tcp ${b.listen}: bind: address already in use","status":500}\n`);
  res = await raw('PATCH', '/proxies/mv', JSON.stringify({ listen: 'nope' }));
  assert.equal((await res.json()).error, 'address nope: missing port in address');
  await (await client.get('mv')).remove();
  await b.remove();
});
