/**
 * Command line shared by the built-in nodes (docs/protocol.md, "Command line"):
 *
 * ```
 * --id n1 --client-port 40001 --peer-port 40002 --peers n2=127.0.0.1:41000,n3=127.0.0.1:41001
 * --data-dir /path/dir [--bugs stale-read] [--tick-ms 20]
 * ```
 */
import {parseArgs} from 'node:util';

/** Where this node dials to reach one other node (for faultline: the proxy of link self→peer). */
export interface PeerAddress {
  id: string;
  host: string;
  port: number;
}

/** Parsed command line of a built-in node. */
export interface NodeArgs {
  id: string;
  clientPort: number;
  peerPort: number;
  /** Other nodes, in the order given. Invariant: no entry has `id` equal to this node's id. */
  peers: PeerAddress[];
  dataDir: string;
  /** Seeded bugs switched on with `--bugs a,b`; empty by default. */
  bugs: Set<string>;
  /** Milliseconds per logical tick. @default 20 */
  tickMs: number;
}

/** A bad command line. The node prints `message` on one line to stderr and exits with status 2. */
export class ArgsError extends Error {
  readonly code = 'FAULTLINE_NODE_ARGS';
  constructor(message: string) {
    super(message);
    this.name = 'ArgsError';
  }
}

/** Default tick length in milliseconds. 20 ms × 15..30 election ticks gives 300–600 ms timeouts. */
export const DEFAULT_TICK_MS = 20;

function port(name: string, text: string | undefined): number {
  if (text === undefined) throw new ArgsError(`--${name} is required`);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ArgsError(`--${name}: expected a TCP port 1..65535, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Parses a node command line with `node:util` parseArgs.
 * @param argv arguments after the script name (`process.argv.slice(2)`).
 * @param knownBugs names accepted by `--bugs`.
 * @throws ArgsError naming the bad flag.
 */
export function parseNodeArgs(argv: string[], knownBugs: readonly string[]): NodeArgs {
  let values: Record<string, string | undefined>;
  try {
    ({values} = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        id: {type: 'string'},
        'client-port': {type: 'string'},
        'peer-port': {type: 'string'},
        peers: {type: 'string'},
        'data-dir': {type: 'string'},
        bugs: {type: 'string'},
        'tick-ms': {type: 'string'},
      },
    }) as {values: Record<string, string | undefined>});
  } catch (err) {
    throw new ArgsError((err as Error).message);
  }
  const id = values.id;
  if (id === undefined || !/^[A-Za-z0-9_.-]+$/.test(id)) throw new ArgsError('--id is required: letters, digits, _ . -');
  const clientPort = port('client-port', values['client-port']);
  const peerPort = port('peer-port', values['peer-port']);
  const dataDir = values['data-dir'];
  if (dataDir === undefined || dataDir === '') throw new ArgsError('--data-dir is required');
  const peers: PeerAddress[] = [];
  for (const part of (values.peers ?? '').split(',').filter((p) => p !== '')) {
    const m = /^([A-Za-z0-9_.-]+)=([^:]+):(\d+)$/.exec(part);
    if (m === null) throw new ArgsError(`--peers: expected id=host:port, got ${JSON.stringify(part)}`);
    if (m[1] === id) throw new ArgsError(`--peers: lists this node's own id ${id}`);
    if (peers.some((p) => p.id === m[1])) throw new ArgsError(`--peers: ${m[1]} given twice`);
    peers.push({id: m[1], host: m[2], port: port('peers', m[3])});
  }
  const bugs = new Set((values.bugs ?? '').split(',').filter((b) => b !== ''));
  for (const b of bugs) {
    if (!knownBugs.includes(b)) throw new ArgsError(`--bugs: unknown bug ${JSON.stringify(b)}; known: ${knownBugs.join(', ') || 'none'}`);
  }
  let tickMs = DEFAULT_TICK_MS;
  if (values['tick-ms'] !== undefined) {
    tickMs = Number(values['tick-ms']);
    if (!Number.isInteger(tickMs) || tickMs < 1 || tickMs > 10_000) throw new ArgsError(`--tick-ms: expected an integer 1..10000, got ${JSON.stringify(values['tick-ms'])}`);
  }
  return {id, clientPort, peerPort, peers, dataDir, bugs, tickMs};
}
