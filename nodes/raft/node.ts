/**
 * Shell of the built-in Raft key-value node: wires the pure core (core.ts) to TCP, disk and a
 * tick timer. Command line and wire protocol: docs/protocol.md.
 *
 * Each input is stepped immediately; its effects are queued and flushed once per event-loop turn
 * in the order the core requires: persist records are written at once and fsynced in the flush,
 * BEFORE any queued peer message or client reply leaves. One fsync per turn batches many writes.
 */
import type net from 'node:net';
import type {ClientReply, ClientRequest} from '../../src/protocol/index.js';
import {ArgsError, parseNodeArgs} from '../common/args.js';
import {serveClients, type ReplyFn} from '../common/client-server.js';
import {PeerLinks, listenPeers} from '../common/transport.js';
import {DEFAULT_RAFT_CONFIG, newRaftState, statusOf, step, type Input, type Outbound, type Reply} from './core.js';
import {parseRaftMessage} from './messages.js';
import {openRaftStorage} from './storage.js';

/** Seeded bugs this node understands (`--bugs`). */
export const RAFT_BUGS = ['stale-read'] as const;

function say(line: string): void {
  process.stdout.write(line + '\n');
}

function seedFor(id: string): number {
  let h = 0x811c9dc5; // FNV-1a over the id, mixed with the clock so restarts differ
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h ^ Date.now()) | 0;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseNodeArgs(process.argv.slice(2), RAFT_BUGS);
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`raft node: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const {id} = args;
  const storage = openRaftStorage(args.dataDir);
  const {file, hard} = storage;
  if (storage.tornBytes > 0) say(`${id} discarded a torn last record (${storage.tornBytes} bytes)`);
  if (storage.records > 0) {
    say(`${id} restored term=${hard.term} votedFor=${hard.votedFor ?? 'none'} lastIndex=${hard.log.length} from disk`);
  }
  const config = {...DEFAULT_RAFT_CONFIG, id, peers: args.peers.map((p) => p.id), staleRead: args.bugs.has('stale-read')};
  const state = newRaftState(config, seedFor(id), hard);
  say(`${id} started as follower at term ${state.currentTerm} (tick ${args.tickMs} ms, bugs: ${[...args.bugs].join(',') || 'none'})`);

  const links = new PeerLinks(args.peers, (line) => say(`${id} ${line}`));
  const waiting = new Map<number, {id: number; reply: ReplyFn}>();
  let nextRequestId = 1;
  let sendQueue: Outbound[] = [];
  let replyQueue: Reply[] = [];
  let flushScheduled = false;

  const flush = (): void => {
    flushScheduled = false;
    file.sync(); // durable before anything below leaves (Raft Figure 2)
    const sends = sendQueue;
    const replies = replyQueue;
    sendQueue = [];
    replyQueue = [];
    for (const o of sends) links.send(o.to, o.message);
    for (const r of replies) {
      const w = waiting.get(r.requestId);
      if (w === undefined) continue;
      waiting.delete(r.requestId);
      w.reply({...r.body, id: w.id} as ClientReply);
    }
  };

  const run = (input: Input): void => {
    const {effects} = step(state, input);
    for (const line of effects.log) say(line);
    file.append(effects.persist);
    if (effects.send.length > 0) sendQueue.push(...effects.send);
    if (effects.replies.length > 0) replyQueue.push(...effects.replies);
    if (!flushScheduled && (sendQueue.length > 0 || replyQueue.length > 0 || effects.persist.length > 0)) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const handle = (request: ClientRequest, reply: ReplyFn): void => {
    if (request.type === 'status') {
      reply({type: 'status_ok', id: request.id, node: id, ...statusOf(state)});
      return;
    }
    const requestId = nextRequestId++;
    waiting.set(requestId, {id: request.id, reply});
    const {id: _wireId, ...command} = request;
    run({type: 'propose', requestId, command});
  };

  let servers: net.Server[] = [];
  try {
    servers = [
      await listenPeers(args.peerPort, (line) => {
        let message;
        try {
          message = parseRaftMessage(line);
        } catch {
          return; // a bad peer line is dropped; Raft tolerates lost messages
        }
        run({type: 'message', message});
      }),
      await serveClients(args.clientPort, handle),
    ];
  } catch (err) {
    process.stderr.write(`raft node ${id}: cannot listen: ${(err as Error).message}\n`);
    process.exit(1);
  }

  const timer = setInterval(() => run({type: 'tick'}), args.tickMs);

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
  // The harness holds our stdin; when it goes away, so do we.
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

await main();
