/**
 * Measures what the embedded Toxiproxy server costs on loopback TCP, in one run: the same traffic
 * directly and through one proxy with no toxics.
 *
 * - throughput: a 1 GiB stream client → server, MB/s (1 MB = 10^6 bytes), median of `--rounds`;
 * - added round-trip latency: 10,000 small request/response pairs (32 bytes each way), one at a
 *   time, p50 and p99 through the proxy minus the same percentile direct, in µs.
 *
 * Goal (issue 4): throughput through the proxy ≥ 60% of direct; added p50 ≤ 100 µs.
 *
 * Three processes, like a run (DESIGN.md "Network topology"): this one drives the client side, a
 * child runs the target server (sink and echo on one port), another child runs the embedded
 * Toxiproxy server, so the proxy does not share an event loop with either end.
 *
 * Run: `node --import tsx bench/proxy.ts [--rounds 5] [--gib 1] [--pairs 10000]`.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import os from 'node:os';

const GIB = 1024 ** 3;
/** Client write size for the throughput stream, in bytes (one buffer, written again and again). */
const WRITE_BYTES = 64 * 1024;
/** Request and response size for the latency test, in bytes. */
const PAIR_BYTES = 32;
/** Pairs sent before measuring, so that JIT and TCP are warm. */
const WARMUP_PAIRS = 1000;
/** Mode bytes the target reads first on each connection. */
const MODE_SINK = 0x54; // 'T': read an 8-byte length, then that many bytes, then answer one byte
const MODE_ECHO = 0x45; // 'E': echo everything

const {values: opts} = parseArgs({
  options: {
    role: {type: 'string', default: 'bench'},
    rounds: {type: 'string', default: '5'},
    gib: {type: 'string', default: '1'},
    pairs: {type: 'string', default: '10000'},
  },
});

/** Child role: the target server. Prints `{"port":N}` once listening. */
async function runTarget(): Promise<void> {
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.on('error', () => undefined);
    let mode = -1;
    let header: Buffer = Buffer.alloc(0);
    let expected = -1;
    let received = 0;
    s.on('data', (b: Buffer) => {
      if (mode === -1) {
        mode = b[0];
        b = b.subarray(1);
      }
      if (mode === MODE_ECHO) {
        if (b.length > 0) s.write(b);
        return;
      }
      if (expected < 0) {
        header = Buffer.concat([header, b]);
        if (header.length < 8) return;
        expected = Number(header.readBigUInt64BE(0));
        b = header.subarray(8);
      }
      received += b.length;
      if (received >= expected) s.write(Buffer.from('K'));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({port: (server.address() as net.AddressInfo).port})}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

/** Child role: the embedded Toxiproxy server on a free port. Prints `{"url":"…"}`. */
async function runProxyServer(): Promise<void> {
  const {startToxiproxyServer} = await import('../src/proxy/index.js');
  const server = await startToxiproxyServer({host: '127.0.0.1', port: 0});
  process.stdout.write(`${JSON.stringify({url: server.url})}\n`);
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
  process.stdin.resume();
}

/** Starts this file in another role and returns its first JSON line. */
async function startChild<T>(role: string): Promise<{child: ChildProcess; info: T}> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--role', role], {stdio: ['pipe', 'pipe', 'inherit']});
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return {child, info: JSON.parse(out.split('\n')[0]) as T};
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({host: '127.0.0.1', port}, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Streams `bytes` to the sink on `port`; returns MB/s (10^6 bytes) from first write to the sink's answer. */
async function throughput(port: number, bytes: number): Promise<number> {
  const s = await connect(port);
  const header = Buffer.alloc(9);
  header[0] = MODE_SINK;
  header.writeBigUInt64BE(BigInt(bytes), 1);
  const block = Buffer.alloc(WRITE_BYTES, 0x61);
  const done = once(s, 'data');
  const start = performance.now();
  s.write(header);
  let sent = 0;
  while (sent < bytes) {
    const n = Math.min(WRITE_BYTES, bytes - sent);
    sent += n;
    if (!s.write(n === WRITE_BYTES ? block : block.subarray(0, n))) await once(s, 'drain');
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  s.destroy();
  return bytes / 1e6 / seconds;
}

/** Round-trip times in µs of `pairs` sequential 32-byte request/response pairs through `port`. */
async function roundTrips(port: number, pairs: number): Promise<number[]> {
  const s = await connect(port);
  s.write(Buffer.from([MODE_ECHO]));
  const request = Buffer.alloc(PAIR_BYTES, 0x62);
  const rtts: number[] = [];
  let pending = 0;
  let wake: (() => void) | null = null;
  s.on('data', (b: Buffer) => {
    pending -= b.length;
    if (pending <= 0 && wake) {
      const w = wake;
      wake = null;
      w();
    }
  });
  for (let i = 0; i < WARMUP_PAIRS + pairs; i++) {
    const start = process.hrtime.bigint();
    pending = PAIR_BYTES;
    const answered = new Promise<void>((r) => (wake = r));
    s.write(request);
    await answered;
    if (i >= WARMUP_PAIRS) rtts.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  s.destroy();
  return rtts;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bench(): Promise<void> {
  const rounds = Number(opts.rounds);
  const bytes = Math.round(Number(opts.gib) * GIB);
  const pairs = Number(opts.pairs);
  const target = await startChild<{port: number}>('target');
  const proxyServer = await startChild<{url: string}>('proxy-server');
  try {
    const {ProxyControl} = await import('../src/proxy/index.js');
    const control = new ProxyControl(proxyServer.info.url);
    const proxy = await control.createProxy('bench', '127.0.0.1:0', `127.0.0.1:${target.info.port}`);
    const proxyPort = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
    const directPort = target.info.port;

    // The figures depend on spare cores: three busy processes share them. Say what the machine had.
    console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (1/5/15 min), Node ${process.version}`);
    console.log(`throughput: ${opts.gib} GiB stream, ${rounds} rounds (direct, then through the proxy, alternating)`);
    const direct: number[] = [];
    const proxied: number[] = [];
    for (let r = 0; r < rounds; r++) {
      direct.push(await throughput(directPort, bytes));
      proxied.push(await throughput(proxyPort, bytes));
      console.log(`  round ${r + 1}: direct ${direct[r].toFixed(0)} MB/s, proxy ${proxied[r].toFixed(0)} MB/s`);
    }
    const d = median(direct);
    const p = median(proxied);

    console.log(`latency: ${pairs} request/response pairs of ${PAIR_BYTES} bytes (after ${WARMUP_PAIRS} warm-up pairs)`);
    const directRtt = (await roundTrips(directPort, pairs)).sort((a, b) => a - b);
    const proxyRtt = (await roundTrips(proxyPort, pairs)).sort((a, b) => a - b);
    const row = (label: string, a: string, b: string, c: string): string => `${label.padEnd(18)}${a.padStart(10)}${b.padStart(10)}   ${c}`;
    console.log('');
    console.log(row('', 'direct', 'proxy', 'proxy/direct'));
    console.log(row('throughput MB/s', d.toFixed(0), p.toFixed(0), `${((100 * p) / d).toFixed(1)}%`));
    for (const q of [50, 99]) {
      const a = percentile(directRtt, q);
      const b = percentile(proxyRtt, q);
      console.log(row(`RTT p${q} µs`, a.toFixed(1), b.toFixed(1), `${(b / a).toFixed(2)}x (${b - a >= 0 ? '+' : ''}${(b - a).toFixed(1)} µs)`));
    }
    const addedP50 = percentile(proxyRtt, 50) - percentile(directRtt, 50);
    const ratio = p / d;
    console.log(`machine after: load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('');
    console.log(`goal: throughput ≥ 60% of direct: ${(100 * ratio).toFixed(1)}% ${ratio >= 0.6 ? 'MET' : 'NOT MET'}`);
    console.log(`goal: added p50 ≤ 100 µs: ${addedP50.toFixed(1)} µs ${addedP50 <= 100 ? 'MET' : 'NOT MET'}`);
    await control.deleteProxy('bench');
  } finally {
    for (const c of [target.child, proxyServer.child]) {
      c.stdin?.end();
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      if (c.exitCode === null) await once(c, 'exit');
      clearTimeout(timer);
    }
  }
}

if (opts.role === 'target') await runTarget();
else if (opts.role === 'proxy-server') await runProxyServer();
else await bench();
