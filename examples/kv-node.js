#!/usr/bin/env node
// kv-node.js: a deliberately naive primary-backup key-value node, written to faultline's node
// contract (docs/protocol.md) in plain JavaScript with node: modules only. Read it as an example.
//
//   node examples/kv-node.js --id n1 --client-port 7001 --peer-port 7101 \
//     --peers n2=127.0.0.1:7102,n3=127.0.0.1:7103 --data-dir /tmp/n1
//
// How it works. Every node sends a heartbeat to every peer each 100 ms. A node that has heard no
// peer with a lower id for 1 s considers itself the primary ("leader") and serves read, write and
// cas from its memory, copying each change to the others without waiting. Any other node forwards
// a client's request to the primary over its peer link and relays the answer, so a client can
// talk to any node. With no faults every operation runs, one at a time, on n1: linearizable.
//
// The flaw, on purpose: "I cannot hear a lower id" is taken to mean "it is down". Cut n1 off from
// its peers while its clients stay attached and n1 and n2 both act as primary (split brain): each
// accepts writes the other never sees, reads diverge, and faultline reports the history as not
// linearizable. When the partition heals n2 defers to n1 again and n2's writes are lost.
//
// State is in memory only: --data-dir is created but unused, and a restarted node starts empty.
import net from 'node:net';
import {mkdirSync} from 'node:fs';

const HEARTBEAT_MS = 100, SILENCE_MS = 1000, FORWARD_TIMEOUT_MS = 1000, MAX_LINE = 1 << 20;

// --- Command line: a bad one is one line on stderr and exit 2. ---
function usage(problem) {
  process.stderr.write(`kv-node: ${problem} (usage: --id ID --client-port P --peer-port P --peers id=host:port,... --data-dir DIR)\n`);
  process.exit(2);
}
const opts = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (!['--id', '--client-port', '--peer-port', '--peers', '--data-dir'].includes(flag) || value === undefined) usage(`bad argument ${flag}`);
  opts[flag.slice(2)] = value;
}
const me = opts.id;
if (!/^[A-Za-z0-9_.-]+$/.test(me ?? '')) usage('--id: expected letters, digits, _ . -');
const port = (name) => (/^\d+$/.test(opts[name] ?? '') && Number(opts[name]) < 65536 ? Number(opts[name]) : usage(`--${name}: expected a port`));
const [clientPort, peerPort] = [port('client-port'), port('peer-port')];
const peers = new Map(); // id → {host, port, socket (our dialed connection or null), heardAt}
for (const entry of (opts.peers ?? '').split(',').filter(Boolean)) {
  const m = /^([A-Za-z0-9_.-]+)=(.+):(\d+)$/.exec(entry) ?? usage(`--peers: bad entry ${entry}`);
  peers.set(m[1], {host: m[2], port: Number(m[3]), socket: null, heardAt: -Infinity});
}
if (opts['data-dir']) mkdirSync(opts['data-dir'], {recursive: true});

const log = (text) => process.stdout.write(`${new Date().toISOString()} ${me} ${text}\n`);
const byId = (a, b) => a.localeCompare(b, 'en', {numeric: true}); // n2 before n10

// --- State. ---
const store = new Map(); // key → integer
const sessions = new Map(); // client → {seq, reply}: a retried write or cas is not applied twice
const forwarded = new Map(); // forward id → {id, reply, timer}: requests waiting for the primary
let primary = null; // the node we believe serves requests; null until we have listened for a while
let term = 0; // raised by each node that makes itself primary; gossiped in heartbeats
let nextForward = 1;
const startedAt = Date.now();

// --- Peer links: send only on connections we dialed, read only from accepted ones. ---
function send(id, msg) {
  const socket = peers.get(id).socket;
  if (!socket || socket.writableLength > MAX_LINE) return false; // dropped; heartbeats and clients retry
  socket.write(`${JSON.stringify({...msg, from: me, to: id})}\n`);
  return true;
}
function dial(id, backoff = 50) {
  const peer = peers.get(id);
  const socket = net.connect({host: peer.host, port: peer.port});
  socket.setTimeout(1000, () => socket.destroy()); // connect timeout
  socket.on('connect', () => {
    peer.socket = socket;
    socket.setTimeout(0);
    backoff = 50;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (peer.socket === socket) peer.socket = null;
    setTimeout(() => dial(id, Math.min(backoff * 2, 500)), backoff);
  });
}
function onPeerMessage(msg) {
  const peer = peers.get(msg?.from);
  if (!peer) return;
  peer.heardAt = Date.now();
  if (msg.type === 'heartbeat' && Number.isSafeInteger(msg.term)) term = Math.max(term, msg.term);
  if (msg.type === 'put') store.set(msg.key, msg.value); // a change the primary made
  if (msg.type === 'forward') {
    const reply = primary === me ? execute(msg.request) : {type: 'error', code: 'unavailable', definite: true, text: `${me} is not primary`};
    send(msg.from, {type: 'forward_reply', fid: msg.fid, reply});
  }
  if (msg.type === 'forward_reply' && forwarded.has(msg.fid)) {
    const {id, reply, timer} = forwarded.get(msg.fid);
    forwarded.delete(msg.fid);
    clearTimeout(timer);
    reply({...msg.reply, id});
  }
}

// The primary is the lowest id among this node and the peers heard from within SILENCE_MS.
function updatePrimary() {
  if (Date.now() - startedAt < SILENCE_MS) return; // listen before claiming anything
  const reachable = [me, ...[...peers.keys()].filter((id) => Date.now() - peers.get(id).heardAt < SILENCE_MS)];
  const next = reachable.sort(byId)[0];
  if (next === primary) return;
  if (next === me) log(`became leader at term ${++term} (no lower id heard for ${SILENCE_MS} ms)`);
  else log(`became follower at term ${term} (leader ${next})`);
  primary = next;
}
setInterval(() => {
  updatePrimary();
  for (const id of peers.keys()) send(id, {type: 'heartbeat', term});
}, HEARTBEAT_MS);

// --- The state machine, run on the primary only. Replies lack `id`; the caller adds it. ---
function execute(req) {
  const dedup = req.type !== 'read' && req.client !== undefined && req.seq !== undefined;
  if (dedup && sessions.get(req.client)?.seq >= req.seq) return sessions.get(req.client).reply;
  const current = store.get(req.key) ?? null;
  if (req.type === 'read') return {type: 'read_ok', value: current};
  let reply = {type: 'write_ok'};
  if (req.type === 'write') store.set(req.key, req.value);
  else if (current !== req.from) reply = {type: 'error', code: 'cas_mismatch', definite: true, text: `current value is ${current}`};
  else {
    store.set(req.key, req.to);
    reply = {type: 'cas_ok'};
  }
  if (reply.type !== 'error') for (const id of peers.keys()) send(id, {type: 'put', key: req.key, value: store.get(req.key)});
  if (dedup) sessions.set(req.client, {seq: req.seq, reply});
  return reply;
}

// --- Client port: NDJSON requests, one reply per request. ---
const FIELDS = {status: [], read: ['key'], write: ['key', 'value'], cas: ['key', 'from', 'to']};
function problemWith(req) {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return 'expected a JSON object';
  if (!Number.isSafeInteger(req.id)) return 'id: expected an integer';
  if (!Object.hasOwn(FIELDS, req.type)) return 'type: expected read, write, cas or status';
  for (const f of FIELDS[req.type]) {
    if (f === 'key' ? typeof req.key !== 'string' : !Number.isSafeInteger(req[f])) return `${f}: expected ${f === 'key' ? 'a string' : 'an integer'}`;
  }
  if (req.client !== undefined && typeof req.client !== 'string') return 'client: expected a string';
  if (req.seq !== undefined && !Number.isSafeInteger(req.seq)) return 'seq: expected an integer';
  return null;
}
function onClientLine(line, reply) {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return reply({type: 'error', id: null, code: 'malformed', definite: true, text: 'not valid JSON'});
  }
  const problem = problemWith(req);
  if (problem) return reply({type: 'error', id: Number.isSafeInteger(req?.id) ? req.id : null, code: 'malformed', definite: true, text: problem});
  const {id} = req;
  if (req.type === 'status') return reply({type: 'status_ok', id, node: me, role: primary === me ? 'leader' : 'follower', term, leader: primary});
  if (primary === me) return reply({...execute(req), id});
  const unavailable = (text) => reply({type: 'error', id, code: 'unavailable', definite: true, text});
  if (primary === null) return unavailable('no primary known yet');
  const fid = nextForward++;
  if (!send(primary, {type: 'forward', fid, request: req})) return unavailable(`not connected to ${primary}`); // certainly not sent
  const timer = setTimeout(() => {
    forwarded.delete(fid); // it may still be applied by the primary: indefinite
    reply({type: 'error', id, code: 'timeout', definite: false, text: `no answer from ${primary} within ${FORWARD_TIMEOUT_MS} ms`});
  }, FORWARD_TIMEOUT_MS);
  forwarded.set(fid, {id, reply, timer});
}

// Splits a socket's bytes into lines; a line over MAX_LINE is discarded up to its newline.
function readLines(socket, onLine, onTooLong) {
  let buffer = '', skipping = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    const lines = (buffer + chunk).split('\n');
    buffer = lines.pop();
    for (const line of lines) {
      if (skipping) skipping = false;
      else if (line.length > MAX_LINE) onTooLong();
      else if (line.trim() !== '') onLine(line);
    }
    if (buffer.length > MAX_LINE) {
      if (!skipping) onTooLong();
      buffer = '';
      skipping = true;
    }
  });
  socket.on('error', () => {});
}

const clientServer = net.createServer((socket) => {
  const reply = (msg) => socket.writable && socket.write(`${JSON.stringify(msg)}\n`);
  readLines(socket, (line) => onClientLine(line, reply), () => reply({type: 'error', id: null, code: 'too_long', definite: true, text: `line over ${MAX_LINE} bytes`}));
});
const peerServer = net.createServer((socket) =>
  readLines(socket, (line) => { try { onPeerMessage(JSON.parse(line)); } catch {} }, () => {}), // a bad peer line is dropped
);
for (const [server, p] of [[clientServer, clientPort], [peerServer, peerPort]]) {
  server.on('error', (e) => (process.stderr.write(`kv-node: cannot listen on 127.0.0.1:${p}: ${e.message}\n`), process.exit(1)));
  server.listen(p, '127.0.0.1');
}
for (const id of peers.keys()) dial(id);
log(`started: clients on 127.0.0.1:${clientPort}, peers on 127.0.0.1:${peerPort}, dialing ${[...peers.keys()].join(', ') || 'nobody'}`);

// --- Lifetime: exit 0 when stdin ends (the harness died) or on SIGTERM / SIGINT. ---
const stop = (why) => (log(`stopping (${why})`), process.exit(0));
process.stdin.on('end', () => stop('stdin ended')).on('error', () => stop('stdin failed')).resume();
process.on('SIGTERM', () => stop('SIGTERM')).on('SIGINT', () => stop('SIGINT'));
