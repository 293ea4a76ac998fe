/**
 * Three real hash-ring node processes on 127.0.0.1, wired directly to each other's peer ports (no
 * proxies), N=3 W=2 R=2: every node reports role replica, writes, adds and reads go through any
 * node, cas is refused, an acknowledged add survives SIGKILL of a node, and the others suspect it.
 * Every process is killed in `after`.
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
import {LineDecoder, encodeLine, parseAnyClientReply, type AnyClientReply} from '../../../src/protocol/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NODE_TS = path.join(ROOT, 'nodes/hashring/node.ts');
/** How long to wait for every node to answer status, in ms (tsx start-up is about 1 s). */
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

after(async () => {
  await Promise.all(
    procs.map(async ({child}) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_BEFORE_SIGKILL_MS);
      await exited(child);
      clearTimeout(timer);
    }),
  );
  for (const d of dirs) fs.rmSync(d, {recursive: true, force: true});
});

/** Sends one request on a fresh connection; null on no answer within 3 s. */
async function ask(port: number, message: object): Promise<AnyClientReply | null> {
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

async function waitFor(what: string, procsToShow: Proc[], check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${READY_TIMEOUT_MS} ms\n${procsToShow.map((p) => p.output.join('')).join('\n')}`);
}

test('three real hash-ring nodes serve quorum writes, adds and reads, and keep an acknowledged add across kill -9', {timeout: 60_000}, async () => {
  const ids = ['n1', 'n2', 'n3'];
  const ports = new Map<string, {client: number; peer: number}>();
  for (const id of ids) ports.set(id, {client: await getPort({host: '127.0.0.1'}), peer: await getPort({host: '127.0.0.1'})});
  const nodes = ids.map((id) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `faultline-hashring-${id}-`));
    dirs.push(dir);
    const peers = ids.filter((x) => x !== id).map((x) => `${x}=127.0.0.1:${ports.get(x)!.peer}`).join(',');
    const args = ['--id', id, '--client-port', String(ports.get(id)!.client), '--peer-port', String(ports.get(id)!.peer), '--peers', peers, '--data-dir', dir];
    args.push('--n', '3', '--w', '2', '--r', '2', '--vnodes', '64', '--phi-threshold', '8');
    return start(id, args, ports.get(id)!.client);
  });

  await waitFor('not every node answered status', nodes, async () => {
    const rs = await Promise.all(nodes.map((p) => ask(p.clientPort, {type: 'status', id: 1})));
    return rs.every((r) => r?.type === 'status_ok' && r.role === 'replica');
  });
  const [p1, p2, p3] = nodes;
  // peers need a moment to connect; retry the first write until it is acknowledged
  await waitFor('the first write was never acknowledged', nodes, async () => (await ask(p1.clientPort, {type: 'write', id: 2, key: 'k', value: 42}))?.type === 'write_ok');
  assert.deepEqual(await ask(p2.clientPort, {type: 'read', id: 3, key: 'k'}), {type: 'read_ok', id: 3, value: 42});
  assert.deepEqual(await ask(p3.clientPort, {type: 'add', id: 4, key: 's', element: 1}), {type: 'add_ok', id: 4});
  assert.deepEqual(await ask(p1.clientPort, {type: 'add', id: 5, key: 's', element: 2}), {type: 'add_ok', id: 5});
  assert.deepEqual(await ask(p2.clientPort, {type: 'read_set', id: 6, key: 's'}), {type: 'read_set_ok', id: 6, elements: [1, 2]});
  const cas = await ask(p1.clientPort, {type: 'cas', id: 7, key: 'k', from: 42, to: 43});
  assert.equal(cas?.type === 'error' && cas.code, 'unavailable');
  assert.equal(cas?.type === 'error' && cas.definite, true);
  const bad = await ask(p1.clientPort, {type: 'add', id: 8, key: 's'});
  assert.equal(bad?.type === 'error' && bad.code, 'malformed');

  // kill -9 n3; the other two still reach W=2 and R=2, and suspect n3
  p3.child.kill('SIGKILL');
  await exited(p3.child);
  assert.deepEqual(await ask(p1.clientPort, {type: 'add', id: 9, key: 's', element: 3}), {type: 'add_ok', id: 9});
  await waitFor('n1 never suspected n3', [p1], async () => p1.output.join('').includes('n1 suspects n3'));

  // restart n3 from its data dir: it still has what it acknowledged, and gets the rest back
  const again = start('n3', p3.args, p3.clientPort);
  await waitFor('restarted n3 did not answer', [again], async () => (await ask(again.clientPort, {type: 'status', id: 10}))?.type === 'status_ok');
  assert.match(again.output.join(''), /n3 restored \d+ keys/);
  await waitFor('n3 never caught up on element 3', [p1, p2, again], async () => {
    const r = await ask(again.clientPort, {type: 'read_set', id: 11, key: 's'});
    return r?.type === 'read_set_ok' && r.elements.join(',') === '1,2,3';
  });
});

test('a bad command line exits with status 2 and one line on stderr', {timeout: 20_000}, async () => {
  const p = start('bad', ['--id', 'n1', '--client-port', '1', '--peer-port', '2', '--peers', 'n2=127.0.0.1:9,n3=127.0.0.1:10', '--data-dir', os.tmpdir(), '--w', '9'], 0);
  await exited(p.child);
  assert.equal(p.child.exitCode, 2);
  assert.match(p.output.join(''), /^hashring node: --w/);
});
