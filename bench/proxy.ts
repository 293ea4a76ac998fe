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
 * Layouts (`--layout split|shared|both`, default split; the goal is judged on split):
 * - split, like a run (DESIGN.md "Network topology"): this process is the client, a child the target
 *   server (sink and echo on one port), another child the embedded server — three busy processes;
 * - shared: client and target share this process, so on 2 cores the proxy has one to itself. Direct
 *   is measured the same way, and that is what changes the ratio: one event loop driving both ends
 *   made direct ~6x slower (187 vs 1187 MB/s on 2026-11-30); the proxied path barely moved (153 vs 174).
 *
 * The embedded server is started exactly as a run starts it: `startToxiproxy` (src/runner), i.e. the
 * compiled CLI `bin/run.js toxiproxy` under plain node — so `npm run bench:proxy` builds first.
 *
 * Reference rows (same traffic, not faultline): `ref: Node pipe`, a bare `socket.pipe` proxy alone in
 * a child; `ref: socat` (C, 64 KiB buffer; left out when socat is not on PATH). CPU columns (Linux
 * /proc) give each process's share of one core during the stream, and the proxy's CPU seconds per
 * GB — the least noisy figure on a shared machine; `faults/GB` is the relaying process's minor page
 * faults per GB streamed, `peak MB` its peak resident set (Linux `VmHWM`) after all rounds.
 *
 * Measured 2026-11-30 23:05–23:12, 2-core VM (load 1–2), 1 GiB × 5 rounds, medians, three runs in a
 * row; the middle one in full:
 *
 *                     split MB/s   of direct   proxy CPU s/GB   faults/GB   added p50 / p99 µs
 *   direct                  2097        100%                -           -                  -
 *   faultline proxy         1086       51.8%             0.57        3948       +45 / +58
 *   ref: Node pipe           774       36.9%             1.15        9377       +46 / +32
 *   ref: socat               930       44.4%             0.91          64       +51 / +42
 *
 * The other two: faultline proxy 44.7% and 44.6% of direct (998, 1114 MB/s against 2233, 2499;
 * 0.64, 0.56 s/GB), socat 37.3% and 35.9%; the proxy's peak RSS 146–150 MB. Direct alone moved
 * between 1261 and 2730 MB/s from round to round of one run. Earlier the same day, before
 * src/proxy/reader.ts, the proxy reached 17–22% at 2.7–3.3 s/GB with ~130,000 page faults per GiB
 * (that module's doc says why).
 *
 * What limits the ratio now: when proxied, the bench's two Node endpoints spend ~0.45–0.55 CPU-s/GB
 * each and the proxy ~0.6, so proxied bytes cost ~1.5 CPU-s/GB of the machine's 2 cores: at most
 * ~1.3 GB/s, i.e. 53–63% of a 2.1–2.5 GB/s direct path. The machine is 82–88% busy during a proxied
 * stream, the proxy itself 67–71% of a core: it is not the bottleneck. Neither a 4 MiB read buffer
 * nor a 4 MiB link high-water mark did better.
 *
 * Run: `npm run bench:proxy -- [--layout split] [--rounds 5] [--gib 1] [--pairs 10000]` (builds, then
 * `node --import tsx bench/proxy.ts`).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import {once} from 'node:events';
import {readFileSync, rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import os, {tmpdir} from 'node:os';
import path from 'node:path';
import type {ToxiproxyProcess} from '../src/runner/toxiproxy-process.js';

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
/** socat's copy buffer, in bytes: the 64 KiB Node reads at most per `read` (its default is 8 KiB). */
const SOCAT_BUFFER_BYTES = 64 * 1024;
/** How long a child may take to exit after its stdin closed or SIGTERM, in ms, before SIGKILL. */
const CHILD_EXIT_GRACE_MS = 5000;

const {values: opts} = parseArgs({
  options: {
    role: {type: 'string', default: 'bench'},
    upstream: {type: 'string', default: '0'},
    layout: {type: 'string', default: 'split'},
    rounds: {type: 'string', default: '5'},
    gib: {type: 'string', default: '1'},
    pairs: {type: 'string', default: '10000'},
  },
});

/** Starts the target server (sink and echo on one port) on a free port. */
async function startTarget(): Promise<{port: number; close(): void}> {
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
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {port: (server.address() as net.AddressInfo).port, close: () => server.close()};
}

/** Child role: the target server. Prints `{"port":N}` once listening; exits when stdin ends. */
async function runTarget(): Promise<void> {
  const {port} = await startTarget();
  printAndWait({port}, () => process.exit(0));
}

/** Child role, reference: a bare pipe proxy alone in its process. Prints `{"port":N}`. */
async function runPipeProxy(): Promise<void> {
  printAndWait({port: await startPipeProxy(Number(opts.upstream))}, () => process.exit(0));
}

/** The least a Node proxy can do — `socket.pipe` both ways, nothing else — forwarding to `upstream`; returns its port. */
async function startPipeProxy(upstream: number): Promise<number> {
  const server = net.createServer({noDelay: true}, (client) => {
    const target = net.connect({host: '127.0.0.1', port: upstream, noDelay: true});
    for (const s of [client, target]) s.on('error', () => undefined);
    client.pipe(target).on('close', () => client.destroy());
    target.pipe(client).on('close', () => target.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Prints one JSON line for the parent, then calls `onEnd` when the parent closes our stdin. */
function printAndWait(info: object, onEnd: () => void): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stdin.on('end', onEnd);
  process.stdin.resume();
}

/** Starts this file in another role and returns its first JSON line. */
async function startChild<T>(role: string, ...args: string[]): Promise<{child: ChildProcess; info: T}> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--role', role, ...args], {stdio: ['pipe', 'pipe', 'inherit']});
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return {child, info: JSON.parse(out.split('\n')[0]) as T};
}

/** Ends a child (stdin closed, SIGTERM for one that does not read it) and waits for its exit; SIGKILL after a grace. */
async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = once(c, 'exit');
  if (c.stdin) c.stdin.end();
  else c.kill('SIGTERM');
  const timer = setTimeout(() => c.kill('SIGKILL'), CHILD_EXIT_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** A free TCP port on 127.0.0.1 (for socat, which cannot report the one it bound). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * Reference: socat (C, `read`/`write` with a 64 KiB buffer) forwarding to `upstream`, one forked
 * process per connection; null when socat is not on PATH.
 */
async function startSocat(upstream: number): Promise<{child: ChildProcess; port: number} | null> {
  const port = await freePort();
  const child = spawn('socat', ['-b', String(SOCAT_BUFFER_BYTES), `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,nodelay`, `TCP:127.0.0.1:${upstream},nodelay`], {stdio: ['ignore', 'ignore', 'inherit']});
  const spawned = await Promise.race([once(child, 'spawn').then(() => true), once(child, 'error').then(() => false)]);
  if (!spawned) return null;
  for (let i = 0; i < 100; i++) {
    try {
      (await connect(port)).destroy();
      return {child, port};
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await stopChild(child);
  return null;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({host: '127.0.0.1', port}, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Clock ticks per second in `/proc` CPU times (Linux USER_HZ, 100 on every common architecture). */
const USER_HZ = 100;

/** Busy and total CPU time of the whole machine so far, in ms (Linux `/proc/stat`); null elsewhere. */
function machineCpuMs(): {busy: number; total: number} | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return {busy: ((total - fields[3] - fields[4]) * 1000) / USER_HZ, total: (total * 1000) / USER_HZ}; // idle and iowait are not busy
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) of process `pid`, its reaped children and its live descendants so far, in
 * ms (Linux `/proc`); null when unreadable. Descendants count so that socat's per-connection fork is included.
 */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number); // f[0] is field 3 (state)
    let ms = ((f[11] + f[12] + f[13] + f[14]) * 1000) / USER_HZ; // utime stime cutime cstime
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean)) ms += processCpuMs(Number(child)) ?? 0;
    return ms;
  } catch {
    return null;
  }
}

/** Minor page faults of process `pid`, its reaped children and its live descendants so far (Linux `/proc`); null when unreadable. */
function processMinorFaults(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    let faults = f[7] + f[8]; // minflt cminflt
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean)) faults += processMinorFaults(Number(child)) ?? 0;
    return faults;
  } catch {
    return null;
  }
}

/** Peak resident set size of process `pid` so far, in MB (10^6 bytes; Linux `VmHWM`); null when unreadable. */
function processPeakRssMb(pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? (Number(kb[1]) * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

/** Processes whose CPU time a throughput measurement reports; `target` is null when it runs in this process. */
interface Meters {
  target: number | null;
  proxy: number | null;
}

/**
 * One throughput measurement: MB/s, and the CPU time spent meanwhile as a share of the wall time
 * (1 = one core busy throughout; null if unknown): the whole machine (all cores, 0–1), this process
 * (the client, and the target in the shared layout), the target child and the proxy; and the
 * proxy's minor page faults per GB streamed.
 */
interface Throughput {
  mbPerSec: number;
  machine: number | null;
  client: number;
  target: number | null;
  proxy: number | null;
  proxyFaultsPerGb: number | null;
}

/** Streams `bytes` to the sink on `port`; MB/s (10^6 bytes) from first write to the sink's answer. */
async function throughput(port: number, bytes: number, meters: Meters): Promise<Throughput> {
  const s = await connect(port);
  const header = Buffer.alloc(9);
  header[0] = MODE_SINK;
  header.writeBigUInt64BE(BigInt(bytes), 1);
  const block = Buffer.alloc(WRITE_BYTES, 0x61);
  const done = once(s, 'data');
  const cpu = (): [ReturnType<typeof machineCpuMs>, number, number | null, number | null] => {
    const own = process.cpuUsage();
    const read = (pid: number | null): number | null => (pid === null ? null : processCpuMs(pid));
    return [machineCpuMs(), (own.user + own.system) / 1000, read(meters.target), read(meters.proxy)];
  };
  const faults = (): number | null => (meters.proxy === null ? null : processMinorFaults(meters.proxy));
  const faultsBefore = faults();
  const before = cpu();
  const start = performance.now();
  s.write(header);
  let sent = 0;
  while (sent < bytes) {
    const n = Math.min(WRITE_BYTES, bytes - sent);
    sent += n;
    if (!s.write(n === WRITE_BYTES ? block : block.subarray(0, n))) await once(s, 'drain');
  }
  await done;
  const ms = performance.now() - start;
  const after = cpu();
  const faultsAfter = faults();
  s.destroy();
  const share = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : (b - a) / ms);
  const [m0, m1] = [before[0], after[0]];
  return {
    mbPerSec: bytes / 1e3 / ms,
    machine: m0 && m1 ? (m1.busy - m0.busy) / (m1.total - m0.total) : null,
    client: (after[1] - before[1]) / ms,
    target: share(before[2], after[2]),
    proxy: share(before[3], after[3]),
    proxyFaultsPerGb: faultsBefore === null || faultsAfter === null ? null : (faultsAfter - faultsBefore) / (bytes / 1e9),
  };
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
  return rtts.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Where the processes run:
 * - `split`: like a run (DESIGN.md "Network topology"): this process is the client, a child the
 *   target server, another child the proxy — three busy processes on the machine's cores;
 * - `shared`: the client and the target server share this process, so a proxy has a core to itself
 *   on a 2-core machine; direct is measured the same way (client and target on one event loop).
 */
type Layout = 'split' | 'shared';

/** A way from the client to the target: direct, the proxy under test, or a reference proxy. */
interface Path {
  label: string;
  port: number;
  /** The process relaying the bytes (null for direct). */
  proxyPid: number | null;
}

/**
 * Measured figures of one path in one layout: every throughput round, sorted round-trip times in µs,
 * and the relaying process's peak RSS in MB after all of them (null for direct).
 */
interface PathResult {
  path: Path;
  runs: Throughput[];
  rtt: number[];
  peakRssMb: number | null;
}

/** Starts the processes of a layout, measures every path (throughput rounds alternate paths), stops them. */
async function measureLayout(layout: Layout, rounds: number, bytes: number, pairs: number): Promise<PathResult[]> {
  const children: ChildProcess[] = [];
  let closeTarget = (): void => undefined;
  let proxyServer: ToxiproxyProcess | null = null;
  const serverLog = path.join(tmpdir(), `faultline-bench-proxy-${process.pid}.log`);
  try {
    let target: {port: number; pid: number | null};
    if (layout === 'split') {
      const child = await startChild<{port: number}>('target');
      children.push(child.child);
      target = {port: child.info.port, pid: child.child.pid ?? null};
    } else {
      const inProcess = await startTarget();
      closeTarget = inProcess.close;
      target = {port: inProcess.port, pid: null};
    }
    // Started exactly as a run starts it: the compiled CLI (`bin/run.js toxiproxy`), plain node.
    const [{startToxiproxy}, {ProxyControl}] = await Promise.all([import('../src/runner/toxiproxy-process.js'), import('../src/proxy/index.js')]);
    proxyServer = await startToxiproxy(serverLog);
    const proxy = await new ProxyControl(proxyServer.url).createProxy('bench', '127.0.0.1:0', `127.0.0.1:${target.port}`);
    const paths: Path[] = [
      {label: 'direct', port: target.port, proxyPid: null},
      {label: 'faultline proxy', port: Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)), proxyPid: proxyServer.pid ?? null},
    ];
    const pipe = await startChild<{port: number}>('pipe-proxy', '--upstream', String(target.port));
    children.push(pipe.child);
    paths.push({label: 'ref: Node pipe', port: pipe.info.port, proxyPid: pipe.child.pid ?? null});
    const socat = await startSocat(target.port);
    if (socat) {
      children.push(socat.child);
      paths.push({label: 'ref: socat', port: socat.port, proxyPid: socat.child.pid ?? null});
    }

    const runs: Throughput[][] = paths.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < paths.length; i++) runs[i].push(await throughput(paths[i].port, bytes, {target: target.pid, proxy: paths[i].proxyPid}));
      console.log(`  round ${r + 1}: ${paths.map((p, i) => `${p.label} ${runs[i][r].mbPerSec.toFixed(0)}`).join(', ')} MB/s`);
    }
    const results: PathResult[] = [];
    for (let i = 0; i < paths.length; i++) {
      const rtt = await roundTrips(paths[i].port, pairs);
      const pid = paths[i].proxyPid;
      results.push({path: paths[i], runs: runs[i], rtt, peakRssMb: pid === null ? null : processPeakRssMb(pid)});
    }
    return results;
  } finally {
    closeTarget();
    await proxyServer?.stop();
    rmSync(serverLog, {force: true});
    for (const c of children) await stopChild(c);
  }
}

/** The median of one throughput field over a path's rounds; null if any round lacks it. */
function medianOf(r: PathResult, field: keyof Throughput): number | null {
  const xs = r.runs.map((t) => t[field]);
  return xs.every((x) => x !== null) ? median(xs as number[]) : null;
}

/** Prints one layout's tables: throughput and CPU per path, then RTT percentiles, relative to direct. */
function printTables(layout: Layout, results: PathResult[]): void {
  const direct = results[0];
  const directMb = medianOf(direct, 'mbPerSec')!;
  const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(0)}%`);
  const row = (cells: string[]): string => cells[0].padEnd(17) + cells.slice(1).map((c) => c.padStart(11)).join('');
  console.log(`layout ${layout}: throughput (medians; CPU = share of one core busy during the stream, machine = of all cores)`);
  console.log(row(['', 'MB/s', 'of direct', 'machine', layout === 'split' ? 'client' : 'client+tgt', 'target', 'proxy', 'proxy s/GB', 'faults/GB', 'peak MB']));
  for (const r of results) {
    const mb = medianOf(r, 'mbPerSec')!;
    const proxyCpu = medianOf(r, 'proxy');
    const cpuPerGb = r.runs.every((t) => t.proxy !== null) ? median(r.runs.map((t) => t.proxy! / (t.mbPerSec / 1000))) : null;
    const faultsPerGb = medianOf(r, 'proxyFaultsPerGb');
    console.log(
      row([
        r.path.label,
        mb.toFixed(0),
        `${((100 * mb) / directMb).toFixed(1)}%`,
        pct(medianOf(r, 'machine')),
        pct(medianOf(r, 'client')),
        pct(medianOf(r, 'target')),
        pct(proxyCpu),
        cpuPerGb === null ? '-' : cpuPerGb.toFixed(2),
        faultsPerGb === null ? '-' : faultsPerGb.toFixed(0),
        r.peakRssMb === null ? '-' : r.peakRssMb.toFixed(0),
      ]),
    );
  }
  console.log(`layout ${layout}: round-trip time, µs`);
  console.log(row(['', 'p50', 'added', 'p99', 'added']));
  for (const r of results) {
    const cells = [r.path.label];
    for (const q of [50, 99]) {
      const v = percentile(r.rtt, q);
      const d = v - percentile(direct.rtt, q);
      cells.push(v.toFixed(1), r === direct ? '' : `${d >= 0 ? '+' : ''}${d.toFixed(1)}`);
    }
    console.log(row(cells));
  }
}

/** Prints the goal verdicts of one layout (the faultline proxy against direct). */
function printGoals(layout: Layout, results: PathResult[]): void {
  const [direct, proxy] = results;
  const ratio = medianOf(proxy, 'mbPerSec')! / medianOf(direct, 'mbPerSec')!;
  const addedP50 = percentile(proxy.rtt, 50) - percentile(direct.rtt, 50);
  console.log(`goal (${layout}): throughput ≥ 60% of direct: ${(100 * ratio).toFixed(1)}% ${ratio >= 0.6 ? 'MET' : 'NOT MET'}`);
  console.log(`goal (${layout}): added p50 ≤ 100 µs: ${addedP50.toFixed(1)} µs ${addedP50 <= 100 ? 'MET' : 'NOT MET'}`);
}

async function bench(): Promise<void> {
  const rounds = Number(opts.rounds);
  const bytes = Math.round(Number(opts.gib) * GIB);
  const pairs = Number(opts.pairs);
  const layouts: Layout[] = opts.layout === 'both' ? ['split', 'shared'] : [opts.layout as Layout];
  const load = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  // The figures depend on spare cores. Say what the machine had.
  console.log(`machine: ${os.cpus().length} CPUs, load average ${load()} (1/5/15 min), Node ${process.version}`);
  console.log(`throughput: ${opts.gib} GiB stream in ${WRITE_BYTES / 1024} KiB writes, ${rounds} rounds, paths alternating; latency: ${pairs} pairs of ${PAIR_BYTES} bytes after ${WARMUP_PAIRS} warm-up pairs`);
  const all: Array<[Layout, PathResult[]]> = [];
  for (const layout of layouts) {
    console.log(`layout ${layout}:`);
    all.push([layout, await measureLayout(layout, rounds, bytes, pairs)]);
  }
  for (const [layout, results] of all) {
    console.log('');
    printTables(layout, results);
  }
  console.log('');
  console.log(`machine after: load average ${load()}`);
  for (const [layout, results] of all) printGoals(layout, results);
}

if (opts.role === 'target') await runTarget();
else if (opts.role === 'pipe-proxy') await runPipeProxy();
else await bench();
