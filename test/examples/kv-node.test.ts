/**
 * examples/kv-node.js, the README's "Test your own system" node: three real processes wired
 * directly to each other's peer ports (no proxies). n1 becomes primary (role leader); a write
 * and a read go through n1 and through n2 (which forwards to n1); a bad line gets `malformed`;
 * every reply parses with faultline's own client parser; a node exits 0 when its stdin ends.
 * Every process is killed in a finally, whatever happens.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import getPort from 'get-port';
import {LineDecoder, parseClientReply, type ClientReply} from '../../src/protocol/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE_JS = path.join(ROOT, 'examples/kv-node.js');
/** The node listens 1 s before claiming primacy; allow for a slow machine. */
const READY_TIMEOUT_MS = 10_000;

/** One connection to a client port; `ask` sends a request and resolves with the reply of that id. */
async function connect(port: number): Promise<{ask: (request: object | string, id?: number) => Promise<ClientReply>; close: () => void}> {
  const socket = net.connect({host: '127.0.0.1', port});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const waiting = new Map<number | null, (reply: ClientReply) => void>();
  const decoder = new LineDecoder((line) => {
    const reply = parseClientReply(line); // throws if the node's reply breaks the protocol
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  socket.on('data', (b: Buffer) => decoder.push(b));
  return {
    ask: (request, id) =>
      new Promise((resolve) => {
        const key = typeof request === 'string' ? (id ?? null) : (request as {id: number}).id;
        waiting.set(key, resolve);
        socket.write(`${typeof request === 'string' ? request : JSON.stringify(request)}\n`);
      }),
    close: () => socket.destroy(),
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('examples/kv-node.js: n1 leads, n2 forwards to it, bad lines get malformed, stdin end stops a node', {timeout: 30_000}, async () => {
  const ids = ['n1', 'n2', 'n3'];
  const ports = new Map<string, {client: number; peer: number}>();
  for (const id of ids) ports.set(id, {client: await getPort(), peer: await getPort()});
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-kv-node-'));
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const conns: Array<{close: () => void}> = [];
  try {
    for (const id of ids) {
      const peers = ids
        .filter((other) => other !== id)
        .map((other) => `${other}=127.0.0.1:${ports.get(other)!.peer}`)
        .join(',');
      const args = ['--id', id, '--client-port', String(ports.get(id)!.client), '--peer-port', String(ports.get(id)!.peer), '--peers', peers, '--data-dir', path.join(dataRoot, id)];
      const child = spawn(process.execPath, [NODE_JS, ...args], {cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe']});
      child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
      child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
      children.push(child);
    }

    // Wait for n1 to report itself leader (after its 1 s of listening).
    let n1: Awaited<ReturnType<typeof connect>> | null = null;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      try {
        n1 ??= await connect(ports.get('n1')!.client);
        const status = await n1.ask({type: 'status', id: 1});
        if (status.type === 'status_ok' && status.role === 'leader') break;
      } catch {
        n1 = null; // not listening yet
      }
      assert.ok(Date.now() < deadline, `n1 did not become leader within ${READY_TIMEOUT_MS} ms:\n${output.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    conns.push(n1);
    const n2 = await connect(ports.get('n2')!.client);
    conns.push(n2);
    // n2 may need a heartbeat or two to settle on n1 as primary.
    for (let i = 0; ; i++) {
      const status = await n2.ask({type: 'status', id: 100 + i});
      if (status.type === 'status_ok' && status.leader === 'n1') {
        assert.equal(status.role, 'follower');
        break;
      }
      assert.ok(Date.now() < deadline, `n2 does not follow n1: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // Through n1 (the primary) and through n2 (forwarded to n1): one register, one history.
    assert.deepEqual(await n1.ask({type: 'read', id: 2, key: 'k1'}), {type: 'read_ok', id: 2, value: null});
    assert.deepEqual(await n1.ask({type: 'write', id: 3, key: 'k1', value: 5, client: 'c1', seq: 1}), {type: 'write_ok', id: 3});
    assert.deepEqual(await n2.ask({type: 'read', id: 4, key: 'k1'}), {type: 'read_ok', id: 4, value: 5});
    assert.deepEqual(await n2.ask({type: 'cas', id: 5, key: 'k1', from: 5, to: 6, client: 'c2', seq: 1}), {type: 'cas_ok', id: 5});
    assert.deepEqual(await n1.ask({type: 'read', id: 6, key: 'k1'}), {type: 'read_ok', id: 6, value: 6});
    const mismatch = await n2.ask({type: 'cas', id: 7, key: 'k1', from: 5, to: 7});
    assert.equal(mismatch.type === 'error' && mismatch.code, 'cas_mismatch');
    assert.equal(mismatch.type === 'error' && mismatch.definite, true);
    // A retried write (same client and seq) is not applied again.
    assert.deepEqual(await n2.ask({type: 'write', id: 8, key: 'k1', value: 5, client: 'c1', seq: 1}), {type: 'write_ok', id: 8});
    assert.deepEqual(await n1.ask({type: 'read', id: 9, key: 'k1'}), {type: 'read_ok', id: 9, value: 6});

    // Bad input: an error reply, and the connection keeps working.
    const notJson = await n2.ask('this is not json', undefined);
    assert.equal(notJson.type === 'error' && notJson.code, 'malformed');
    const badField = await n1.ask({type: 'write', id: 10, key: 'k1', value: 'five'});
    assert.deepEqual(badField.type === 'error' && [badField.code, badField.definite, badField.id], ['malformed', true, 10]);
    assert.deepEqual(await n1.ask({type: 'read', id: 11, key: 'k1'}), {type: 'read_ok', id: 11, value: 6});

    // Log lines start with an ISO 8601 timestamp (the report shows them around a violation).
    assert.match(output.join(''), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z n1 became leader/m);

    // A node exits 0 when its stdin ends (the harness died).
    const n3 = children[2];
    n3.stdin!.end();
    assert.equal(await exited(n3), 0);
  } finally {
    for (const c of conns) c.close();
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited(child);
        clearTimeout(timer);
      }),
    );
    fs.rmSync(dataRoot, {recursive: true, force: true});
  }
});
