/**
 * Shell of the built-in hash-ring key-value node: wires the pure core (core.ts) to TCP, disk, a
 * tick timer and the wall clock. Command line and wire protocol: docs/protocol.md ("Hash ring").
 *
 * Each input is stamped with `Date.now()` and stepped at once; its effects are queued and flushed
 * once per event-loop turn: records are appended at once and fsynced in the flush BEFORE any queued
 * peer message or client reply leaves, so an ack always means "durable here".
 *
 * Not the shared `runNode` (nodes/common/shell.ts) because this node also serves the set workload
 * (`add`, `read_set`) and takes extra flags; it reuses args, transport and storage from nodes/common.
 */
import type net from 'node:net';
import {parseAnyClientRequest, type AnyClientReply, type AnyClientRequest} from '../../src/protocol/index.js';
import {ArgsError, type NodeArgs} from '../common/args.js';
import {parseRingArgs} from './args.js';
import {serveClients} from '../common/client-server.js';
import {PeerLinks, listenPeers} from '../common/transport.js';
import {DEFAULT_RING_CONFIG, newRingState, replicasOf, statusOf, step, type Input, type RingConfig} from './core.js';
import {parseRingMessage, type RingMessage} from './messages.js';
import {openRingStorage} from './storage.js';

function say(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function main(): Promise<void> {
  let args: NodeArgs;
  let config: RingConfig;
  try {
    const parsed = parseRingArgs(process.argv.slice(2));
    args = parsed.args;
    const {extra} = parsed;
    config = {
      ...DEFAULT_RING_CONFIG,
      id: args.id,
      peers: args.peers.map((p) => p.id),
      tickMs: args.tickMs,
      n: extra['--n'] ?? DEFAULT_RING_CONFIG.n,
      w: extra['--w'] ?? DEFAULT_RING_CONFIG.w,
      r: extra['--r'] ?? DEFAULT_RING_CONFIG.r,
      vnodes: extra['--vnodes'] ?? DEFAULT_RING_CONFIG.vnodes,
      phiThreshold: extra['--phi-threshold'] ?? DEFAULT_RING_CONFIG.phiThreshold,
      noHandoff: args.bugs.has('no-handoff'),
      staleWins: args.bugs.has('stale-wins'),
    };
    if (config.n > config.peers.length + 1) throw new ArgsError(`--n ${config.n} exceeds the ${config.peers.length + 1} nodes of the ring`);
    if (config.w > config.n || config.r > config.n) throw new ArgsError(`--w and --r must not exceed --n (N=${config.n} W=${config.w} R=${config.r})`);
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`hashring node: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const {id} = args;
  const storage = openRingStorage(args.dataDir);
  const {file} = storage;
  if (storage.tornBytes > 0) say(`${id} discarded a torn last record (${storage.tornBytes} bytes)`);
  if (storage.records > 0) say(`${id} restored ${storage.store.size} keys and ${storage.hints.length} hints from disk`);
  /** The node's clock: wall time plus the offset an admin `clock` request set (docs/protocol.md). */
  let clockOffsetMs = 0;
  const now = (): number => Date.now() + clockOffsetMs;
  const state = newRingState(config, now(), {store: storage.store, hints: storage.hints});
  say(
    `${id} started as replica (N=${config.n} W=${config.w} R=${config.r} V=${config.vnodes} phi>${config.phiThreshold}, tick ${args.tickMs} ms, bugs: ${[...args.bugs].join(',') || 'none'})`,
  );

  const links = new PeerLinks(args.peers, (line) => say(`${id} ${line}`));
  const waiting = new Map<number, {id: number; reply: (r: AnyClientReply) => void}>();
  let nextRequestId = 1;
  let sendQueue: RingMessage[] = [];
  let replyQueue: {requestId: number; body: object}[] = [];
  let flushScheduled = false;

  const flush = (): void => {
    flushScheduled = false;
    file.sync(); // durable before anything below leaves
    const sends = sendQueue;
    const replies = replyQueue;
    sendQueue = [];
    replyQueue = [];
    for (const m of sends) links.send(m.to, m);
    for (const r of replies) {
      const w = waiting.get(r.requestId);
      if (w === undefined) continue;
      waiting.delete(r.requestId);
      w.reply({...r.body, id: w.id} as AnyClientReply);
    }
  };

  const run = (input: Input): void => {
    const fx = step(state, input);
    for (const line of fx.log) say(line);
    file.append(fx.persist);
    if (fx.compact) {
      file.sync();
      file.rewrite(fx.compact);
      say(`${id} compacted ${file.filePath} to ${fx.compact.length} records`);
    }
    sendQueue.push(...fx.send);
    replyQueue.push(...fx.replies);
    if (!flushScheduled && (sendQueue.length > 0 || replyQueue.length > 0 || fx.persist.length > 0)) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const handle = (request: AnyClientRequest, reply: (r: AnyClientReply) => void): void => {
    if (request.type === 'clock') {
      // The node reads time through now(): the offset shifts its HLC and failure detector. Its
      // timers are not rescaled, so the rate is reported back as 1.
      clockOffsetMs = request.offsetMs;
      say(`${id} clock offset set to ${clockOffsetMs} ms`);
      reply({type: 'clock_ok', id: request.id, rate: 1, offsetMs: clockOffsetMs} as AnyClientReply);
      return;
    }
    if (request.type === 'status') {
      reply({type: 'status_ok', id: request.id, node: id, role: 'replica', term: 0, leader: null, ...statusOf(state)} as AnyClientReply);
      return;
    }
    if (request.type === 'replicas') {
      reply({type: 'replicas_ok', id: request.id, keys: replicasOf(state), members: [...state.ring.nodes]});
      return;
    }
    const requestId = nextRequestId++;
    waiting.set(requestId, {id: request.id, reply});
    const nowMs = now();
    switch (request.type) {
      case 'read':
      case 'read_set':
        run({type: 'request', nowMs, requestId, command: {type: request.type, key: request.key}});
        return;
      case 'write':
        run({type: 'request', nowMs, requestId, command: {type: 'write', key: request.key, value: request.value}});
        return;
      case 'cas':
        run({type: 'request', nowMs, requestId, command: {type: 'cas', key: request.key, from: request.from, to: request.to}});
        return;
      case 'add':
        run({type: 'request', nowMs, requestId, command: {type: 'add', key: request.key, element: request.element}});
        return;
      case 'join':
      case 'leave':
        run({type: 'membership', nowMs, requestId, action: request.type});
        return;
    }
  };

  let servers: net.Server[] = [];
  try {
    servers = [
      await listenPeers(args.peerPort, (line) => {
        let message: RingMessage;
        try {
          message = parseRingMessage(line);
        } catch {
          return; // a bad peer line is dropped; every protocol here tolerates lost messages
        }
        run({type: 'message', nowMs: now(), message});
      }),
      await serveClients<AnyClientRequest, AnyClientReply>(args.clientPort, handle, parseAnyClientRequest),
    ];
  } catch (err) {
    process.stderr.write(`hashring node ${id}: cannot listen: ${(err as Error).message}\n`);
    process.exit(1);
  }

  const timer = setInterval(() => run({type: 'tick', nowMs: now()}), args.tickMs);

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    say(`${id} shutting down (${why})`);
    clearInterval(timer);
    links.close();
    for (const s of servers) s.close();
    try {
      file.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

await main();
