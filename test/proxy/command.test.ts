import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import net from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// `faultline toxiproxy` run from source through bin/dev.js.
const devBin = fileURLToPath(new URL('../../bin/dev.js', import.meta.url));

async function startCommand(extra: string[] = []): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', devBin, 'toxiproxy', '--port', '0', ...extra], { stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) return { child, url: m[1], output: () => out };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`command did not start: ${out}`);
}

test('faultline toxiproxy serves the API, logs each call and stops on SIGTERM', async () => {
  const { child, url, output } = await startCommand();
  const res = await fetch(`${url}/proxies/none`);
  assert.equal(res.status, 404);
  await res.text();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
  assert.match(output(), /GET \/proxies\/none 404/);
});

test('faultline toxiproxy on a port already in use says so in one line and exits 2', async () => {
  const holder = net.createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const port = (holder.address() as net.AddressInfo).port;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', devBin, 'toxiproxy', '--port', String(port)], { stdio: 'pipe' });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.resume();
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.equal(err.trim().split('\n').length, 1, err);
    assert.match(err, new RegExp(`--host/--port: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
  } finally {
    holder.close();
  }
});

test('faultline toxiproxy --exit-with-stdin stops when its stdin ends', async () => {
  const { child, url } = await startCommand(['--exit-with-stdin']);
  const res = await fetch(`${url}/version`);
  assert.equal(res.status, 200);
  await res.text();
  const exited = once(child, 'exit');
  child.stdin.end();
  const [code] = await exited;
  assert.equal(code, 0);
});

test('faultline toxiproxy --config applies a /populate file before listening; an unreadable or bad one is logged, naming the file, and the server starts', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'faultline-toxiproxy-'));
  try {
    const file = path.join(dir, 'proxies.json');
    await writeFile(file, JSON.stringify([{ name: 'cfg', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }]));
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify([{ name: 'nope', listen: '127.0.0.1:0' }]));
    for (const [config, check] of [
      [file, async (url: string) => assert.equal(((await (await fetch(`${url}/proxies/cfg`)).json()) as { enabled: boolean }).enabled, true)],
      [path.join(dir, 'missing.json'), async (url: string, out: string) => {
        assert.match(out, /Error reading config file/);
        assert.equal(await (await fetch(`${url}/proxies`)).text(), '{}');
      }],
      [path.join(dir, 'bad.json'), async (url: string, out: string) => {
        assert.match(out, new RegExp(`Failed to populate proxies from config file ${path.join(dir, 'bad.json')}: missing required field: upstream at proxy 1`));
        assert.equal(await (await fetch(`${url}/proxies`)).text(), '{}');
      }],
    ] as const) {
      const { child, url, output } = await startCommand(['--config', config]);
      try {
        await check(url, output());
      } finally {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('faultline toxiproxy --version prints the served Toxiproxy version like toxiproxy-server -version', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', devBin, 'toxiproxy', '--version'], { stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.equal(out, 'toxiproxy-server version 2.12.0\n');
});

test('faultline toxiproxy --proxy-metrics serves /metrics', async () => {
  const { child, url } = await startCommand(['--proxy-metrics']);
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  await res.text();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
});
