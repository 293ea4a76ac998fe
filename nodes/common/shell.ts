/**
 * The effectful shell shared by the built-in nodes (nodes/raft, nodes/paxos): parses the command
 * line, opens durable storage, and wires a pure core to TCP, disk and a tick timer
 * (docs/protocol.md is the contract; STYLE.md "pure cores, effectful shells").
 *
 * Each input is stepped immediately; its effects are queued and flushed once per event-loop turn
 * in the order every core requires: persist records are written at once and fsynced in the flush,
 * BEFORE any queued peer message or client reply leaves. One fsync per turn batches many writes.
 * A core may also ask for the record file to be rewritten (log compaction after a snapshot).
 */
import type net from 'node:net';
import type {ClientReply, ClientRequest, Role} from '../../src/protocol/index.js';
import {ArgsError, parseNodeArgs, type NodeArgs} from './args.js';
import {serveClients, type ReplyFn} from './client-server.js';
import type {KvCommand} from './kv.js';
import type {Reply} from './replies.js';
import type {RecordFile} from './storage.js';
import {PeerLinks, listenPeers} from './transport.js';

/** The inputs every core takes (each core's own `Input` type is this union). */
export type ShellInput<M> =
  | {type: 'tick'}
  | {type: 'message'; message: M}
  | {type: 'propose'; requestId: number; command: KvCommand};

/** The effects the shell carries out, in this order: persist (+ fsync), compact, send, replies. */
export interface ShellEffects<R, M> {
  persist: R[];
  /** If set, the whole record file is replaced by these records (atomically) before anything is sent. */
  compact?: R[] | null;
  send: {to: string; message: M}[];
  replies: Reply[];
  log: string[];
}

/** What `status_ok` reports. */
export interface NodeStatus {
  role: Role;
  term: number;
  leader: string | null;
  commitIndex: number;
}

/** One built-in system, as the shell needs to see it. */
export interface NodeProgram<S, R, M> {
  /** Name used in error lines: `raft node: …`. */
  system: string;
  /** Seeded bugs `--bugs` accepts. */
  bugs: readonly string[];
  /** Opens `args.dataDir`, prints restore lines with `say`, and returns the initial state and its record file. */
  open(args: NodeArgs, seed: number, say: (line: string) => void): {state: S; file: RecordFile<R>};
  step(state: S, input: ShellInput<M>): ShellEffects<R, M>;
  status(state: S): NodeStatus;
  /** @throws ProtocolError for a line that is not a peer message; such lines are dropped. */
  parseMessage(line: string): M;
}

/** Writes one log line, prefixed with the wall-clock time (docs/protocol.md "Lifetime"). */
function say(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** FNV-1a over the node id, mixed with the clock so that restarts draw different timeouts. */
export function seedFor(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h ^ Date.now()) | 0;
}

/**
 * Runs a node process until stdin ends, SIGTERM or SIGINT (then exits 0). A bad command line exits
 * 2 with one line on stderr; a port that cannot be bound exits 1.
 */
export async function runNode<S, R, M>(program: NodeProgram<S, R, M>): Promise<void> {
  let args: NodeArgs;
  try {
    args = parseNodeArgs(process.argv.slice(2), program.bugs);
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`${program.system} node: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const {id} = args;
  const {state, file} = program.open(args, seedFor(id), say);

  const links = new PeerLinks(args.peers, (line) => say(`${id} ${line}`));
  const waiting = new Map<number, {id: number; reply: ReplyFn}>();
  let nextRequestId = 1;
  let sendQueue: {to: string; message: M}[] = [];
  let replyQueue: Reply[] = [];
  let flushScheduled = false;

  const flush = (): void => {
    flushScheduled = false;
    file.sync(); // durable before anything below leaves
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

  const run = (input: ShellInput<M>): void => {
    const effects = program.step(state, input);
    for (const line of effects.log) say(line);
    file.append(effects.persist);
    if (effects.compact) {
      file.sync();
      file.rewrite(effects.compact);
    }
    if (effects.send.length > 0) sendQueue.push(...effects.send);
    if (effects.replies.length > 0) replyQueue.push(...effects.replies);
    if (!flushScheduled && (sendQueue.length > 0 || replyQueue.length > 0 || effects.persist.length > 0)) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  // The node's clock (docs/protocol.md "clock"): the core counts ticks, so a rate scales the tick
  // interval, and with it every election and heartbeat timeout; the offset is kept and reported.
  let clock = {rate: 1, offsetMs: 0};
  let ticks = 0;
  let timer: NodeJS.Timeout | null = null;
  const startTicking = (): void => {
    if (timer) clearInterval(timer);
    timer = setInterval(() => {
      ticks++;
      run({type: 'tick'});
    }, args.tickMs / clock.rate);
  };

  const handle = (request: ClientRequest, reply: ReplyFn): void => {
    if (request.type === 'status') {
      reply({type: 'status_ok', id: request.id, node: id, ...program.status(state), ticks});
      return;
    }
    if (request.type === 'clock') {
      if (request.rate !== clock.rate || request.offsetMs !== clock.offsetMs) say(`${id} clock set to rate ${request.rate}, offset ${request.offsetMs} ms`);
      clock = {rate: request.rate, offsetMs: request.offsetMs};
      startTicking();
      reply({type: 'clock_ok', id: request.id, ...clock});
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
        let message: M;
        try {
          message = program.parseMessage(line);
        } catch {
          return; // a bad peer line is dropped; the protocols tolerate lost messages
        }
        run({type: 'message', message});
      }),
      await serveClients(args.clientPort, handle),
    ];
  } catch (err) {
    process.stderr.write(`${program.system} node ${id}: cannot listen: ${(err as Error).message}\n`);
    process.exit(1);
  }

  startTicking();

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    say(`${id} shutting down (${why})`);
    if (timer) clearInterval(timer);
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
