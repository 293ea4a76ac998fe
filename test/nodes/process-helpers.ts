/**
 * Shared helpers for the tests that spawn real node processes (`test/nodes/<system>/process.test.ts`)
 * and for bench/ring.ts: start `nodes/<system>/node.ts` under tsx (or its compiled
 * `dist/nodes/<system>/node.js`) and collect its output, wire a three-node cluster on free
 * 127.0.0.1 ports with fresh data dirs, talk NDJSON to a client port, poll until a condition holds,
 * and kill every spawned process. All durations are in milliseconds.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import getPort from 'get-port';
import {LineDecoder, encodeLine, parseAnyClientReply, parseClientReply, type AnyClientReply, type ClientReply} from '../../src/protocol/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** How long to wait for a node to be ready (a leader elected, a status answered, a log line), in ms. Process start with tsx takes about 1 s. */
export const READY_TIMEOUT_MS = 15_000;
/** How long a process has to exit after SIGTERM before it gets SIGKILL, in ms. */
export const GRACE_BEFORE_SIGKILL_MS = 2_000;

/** One spawned node process: its id, command-line arguments (to restart it), client port, and stdout+stderr chunks in arrival order. */
export interface Proc {
  id: string;
  args: string[];
  clientPort: number;
  child: ChildProcess;
  output: string[];
}

/** The processes and data dirs of one test file; `cleanup` must be registered with `after`. */
export interface NodeProcesses {
  /**
   * Spawns `node --import tsx nodes/<system>/node.ts ...args` (or `node dist/nodes/<system>/node.js ...args`
   * when `compiled`) from the repo root with all three stdio piped, and records it for `killAll`.
   */
  start(id: string, args: string[], clientPort: number): Proc;
  /**
   * Starts one node per id, each with a free client port and peer port on 127.0.0.1 and a fresh
   * data dir under the OS temp dir (removed by `cleanup`), peered with all the others; `extraArgs`
   * are appended to every node's command line.
   */
  startCluster(ids: string[], extraArgs?: string[]): Promise<Proc[]>;
  /** Sends SIGTERM to every process still running, SIGKILL after GRACE_BEFORE_SIGKILL_MS, and waits until all have exited. */
  killAll(): Promise<void>;
  /** `killAll`, then removes the data dirs made by `startCluster`. Pass it to `after`. */
  cleanup(): Promise<void>;
}

/**
 * Process bookkeeping for the nodes of one system. `compiled: true` runs the build output
 * (`npm run build` first), which starts faster and runs as faultline runs it; the default runs the
 * TypeScript source under tsx.
 */
export function nodeProcesses(system: 'raft' | 'paxos' | 'hashring', {compiled = false}: {compiled?: boolean} = {}): NodeProcesses {
  const entry = compiled ? [path.join(ROOT, 'dist', 'nodes', system, 'node.js')] : ['--import', 'tsx', path.join(ROOT, 'nodes', system, 'node.ts')];
  const procs: Proc[] = [];
  const dirs: string[] = [];

  function start(id: string, args: string[], clientPort: number): Proc {
    const child = spawn(process.execPath, [...entry, ...args], {cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe']});
    const p: Proc = {id, args, clientPort, child, output: []};
    child.stdout!.on('data', (b: Buffer) => p.output.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => p.output.push(b.toString()));
    procs.push(p);
    return p;
  }

  async function startCluster(ids: string[], extraArgs: string[] = []): Promise<Proc[]> {
    const ports = new Map<string, {client: number; peer: number}>();
    for (const id of ids) ports.set(id, {client: await getPort({host: '127.0.0.1'}), peer: await getPort({host: '127.0.0.1'})});
    return ids.map((id) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `faultline-${system}-${id}-`));
      dirs.push(dir);
      const peers = ids.filter((x) => x !== id).map((x) => `${x}=127.0.0.1:${ports.get(x)!.peer}`).join(',');
      const args = ['--id', id, '--client-port', String(ports.get(id)!.client), '--peer-port', String(ports.get(id)!.peer), '--peers', peers, '--data-dir', dir];
      args.push(...extraArgs);
      return start(id, args, ports.get(id)!.client);
    });
  }

  async function killAll(): Promise<void> {
    await Promise.all(
      procs.map(async ({child}) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_BEFORE_SIGKILL_MS);
        await exited(child);
        clearTimeout(timer);
      }),
    );
  }

  async function cleanup(): Promise<void> {
    await killAll();
    for (const d of dirs) fs.rmSync(d, {recursive: true, force: true});
  }

  return {start, startCluster, killAll, cleanup};
}

/** Resolves once the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * One connection to a client port that sends lines and returns replies in order (no timeout), each
 * read by `parse` (the register protocol's `parseClientReply` unless given; throws what it throws).
 */
export async function connect<T = ClientReply>(
  port: number,
  parse: (line: string) => T = parseClientReply as (line: string) => T,
): Promise<{ask: (line: string) => Promise<T>; close: () => void}> {
  const socket = net.connect({host: '127.0.0.1', port});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const waiters: ((r: T) => void)[] = [];
  const decoder = new LineDecoder((line) => waiters.shift()?.(parse(line)));
  socket.on('data', (b: Buffer) => decoder.push(b));
  socket.on('error', () => {});
  return {
    ask: (line) =>
      new Promise((resolve) => {
        waiters.push(resolve);
        socket.write(line.endsWith('\n') ? line : line + '\n');
      }),
    close: () => socket.destroy(),
  };
}

/** Sends one register request on a fresh `connect`ion; null if it cannot connect or gets no answer within 2000 ms. */
export async function ask(port: number, message: object): Promise<ClientReply | null> {
  try {
    const c = await connect(port);
    try {
      return await Promise.race([c.ask(encodeLine(message)), new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    } finally {
      c.close();
    }
  } catch {
    return null;
  }
}

/** Sends one request (register or set) on a fresh connection; null on a socket error or no answer within 3000 ms. */
export async function askAny(port: number, message: object): Promise<AnyClientReply | null> {
  return new Promise((resolve) => {
    const socket = net.connect({host: '127.0.0.1', port});
    const timer = setTimeout(() => done(null), 3000);
    const done = (r: AnyClientReply | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const decoder = new LineDecoder((line) => done(parseAnyClientReply(line)));
    socket.on('connect', () => socket.write(encodeLine(message)));
    socket.on('data', (b: Buffer) => decoder.push(b));
    socket.on('error', () => done(null));
  });
}

/**
 * Runs `check` every 100 ms (after it settles) until it returns true; after READY_TIMEOUT_MS throws
 * `<what> within 15000 ms` followed by the output of `procsToShow`.
 */
export async function waitFor(what: string, procsToShow: Proc[], check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${READY_TIMEOUT_MS} ms\n${procsToShow.map((p) => p.output.join('')).join('\n')}`);
}

/** Asks each node for its status in turn, every 100 ms, and returns the first that says it is leader; throws after READY_TIMEOUT_MS. */
export async function waitForLeader(nodes: Proc[]): Promise<Proc> {
  let leader: Proc | undefined;
  await waitFor('no leader', nodes, async () => {
    for (const p of nodes) {
      const r = await ask(p.clientPort, {type: 'status', id: 1});
      if (r?.type === 'status_ok' && r.role === 'leader') {
        leader = p;
        return true;
      }
    }
    return false;
  });
  return leader!;
}

/** Polls every 50 ms until the process has printed `text`, or READY_TIMEOUT_MS has passed; never throws (assert on the output afterwards). */
export async function waitForOutput(p: Proc, text: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!p.output.join('').includes(text) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
}
