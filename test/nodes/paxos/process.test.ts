/**
 * Three real Multi-Paxos node processes on 127.0.0.1, wired directly to each other's peer ports
 * (no proxies): a leader is elected, a write, a read and a cas go through its client port, a bad
 * line gets `malformed`, a follower gives a leader hint, and after SIGKILL of the leader the others
 * take over with a higher ballot and keep the data; the killed node restores its acceptor state
 * from disk. Every process is killed in a finally (and in `after`).
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import getPort from 'get-port';
import {LineDecoder, encodeLine, parseClientReply, type ClientReply} from '../../../src/protocol/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NODE_TS = path.join(ROOT, 'nodes/paxos/node.ts');
/** How long to wait for a leader, in ms. Takeovers take 300–600 ms; process start with tsx ~1 s. */
const READY_TIMEOUT_MS = 15_000;
const GRACE_BEFORE_SIGKILL_MS = 2_000;

interface Proc {
  id: string;
  args: string[];
  clientPort: number;
  child: ChildProcess;
  output: string[];
}

const procs: Proc[] = [];
const dirs: string[] = [];

function start(id: string, args: string[], clientPort: number): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_TS, ...args], {cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe']});
  const p: Proc = {id, args, clientPort, child, output: []};
  child.stdout!.on('data', (b: Buffer) => p.output.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => p.output.push(b.toString()));
  procs.push(p);
  return p;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
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

after(async () => {
  await killAll();
  for (const d of dirs) fs.rmSync(d, {recursive: true, force: true});
});

/** One connection to a client port that sends lines and returns replies in order. */
async function connect(port: number): Promise<{ask: (line: string) => Promise<ClientReply>; close: () => void}> {
  const socket = net.connect({host: '127.0.0.1', port});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const waiters: ((r: ClientReply) => void)[] = [];
  const decoder = new LineDecoder((line) => waiters.shift()?.(parseClientReply(line)));
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

async function ask(port: number, message: object): Promise<ClientReply | null> {
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

async function waitForLeader(nodes: Proc[]): Promise<Proc> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    for (const p of nodes) {
      const r = await ask(p.clientPort, {type: 'status', id: 1});
      if (r?.type === 'status_ok' && r.role === 'leader') return p;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no leader within ${READY_TIMEOUT_MS} ms\n${nodes.map((p) => p.output.join('')).join('\n')}`);
}

test('three real Paxos nodes elect a leader, serve a write and a read, and survive kill -9 of the leader', {timeout: 60_000}, async () => {
  const ids = ['n1', 'n2', 'n3'];
  const ports = new Map<string, {client: number; peer: number}>();
  for (const id of ids) ports.set(id, {client: await getPort({host: '127.0.0.1'}), peer: await getPort({host: '127.0.0.1'})});
  const nodes = ids.map((id) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `faultline-paxos-${id}-`));
    dirs.push(dir);
    const peers = ids.filter((x) => x !== id).map((x) => `${x}=127.0.0.1:${ports.get(x)!.peer}`).join(',');
    const args = ['--id', id, '--client-port', String(ports.get(id)!.client), '--peer-port', String(ports.get(id)!.peer), '--peers', peers, '--data-dir', dir];
    return start(id, args, ports.get(id)!.client);
  });

  try {
    const leader = await waitForLeader(nodes);
    const c = await connect(leader.clientPort);
    try {
      assert.deepEqual(await c.ask(encodeLine({type: 'write', id: 10, key: 'k', value: 42, client: 't', seq: 1})), {type: 'write_ok', id: 10});
      assert.deepEqual(await c.ask(encodeLine({type: 'read', id: 11, key: 'k'})), {type: 'read_ok', id: 11, value: 42});
      const bad = await c.ask('{"type":"write","id":12,"key":"k"}');
      assert.equal(bad.type === 'error' && bad.code, 'malformed');
      assert.equal(bad.type === 'error' && bad.id, 12);
      assert.deepEqual(await c.ask(encodeLine({type: 'cas', id: 13, key: 'k', from: 42, to: 43})), {type: 'cas_ok', id: 13});
    } finally {
      c.close();
    }
    const follower = nodes.find((p) => p !== leader)!;
    const nl = await ask(follower.clientPort, {type: 'read', id: 20, key: 'k'});
    assert.equal(nl?.type === 'error' && nl.code, 'not_leader');
    assert.equal(nl?.type === 'error' && nl.leader, leader.id);

    // SIGKILL the leader; the other two take over with a higher ballot, and phase 1 recovers the value.
    leader.child.kill('SIGKILL');
    await exited(leader.child);
    const rest = nodes.filter((p) => p !== leader);
    const next = await waitForLeader(rest);
    assert.notEqual(next.id, leader.id);
    const r = await ask(next.clientPort, {type: 'read', id: 30, key: 'k'});
    assert.deepEqual(r, {type: 'read_ok', id: 30, value: 43});

    // The killed node restarts with the same arguments and restores its acceptor state from disk.
    const again = start(leader.id, leader.args, leader.clientPort);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!again.output.join('').includes(`${leader.id} restored promised=`) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    assert.match(again.output.join(''), new RegExp(`${leader.id} restored promised=\\d+\\.n\\d accepted=\\d+ slots snapshot=\\d+ from disk`));
    const logs = nodes.map((p) => p.output.join('')).join('');
    assert.match(logs, /n\d became leader with ballot \d+\.n\d/);

    // Closing stdin ends a node (the harness holds the pipe).
    again.child.stdin!.end();
    await exited(again.child);
    assert.equal(again.child.exitCode, 0);
  } finally {
    await killAll();
  }
});

test('a bad command line prints one line on stderr and exits with status 2', async () => {
  const p = start('bad', ['--id', 'n1', '--client-port', 'nope'], 0);
  await exited(p.child);
  assert.equal(p.child.exitCode, 2);
  const text = p.output.join('');
  assert.equal(text.trim().split('\n').length, 1);
  assert.match(text, /client-port/);
});
