/**
 * Shell of the built-in Multi-Paxos key-value node: the pure core (core.ts) run by the shared shell
 * (nodes/common/shell.ts: TCP, disk, tick timer; acceptor records fsynced before any promise,
 * accepted reply or client reply leaves). Command line and wire protocol: docs/protocol.md.
 */
import {runNode} from '../common/shell.js';
import {formatBallot} from './ballot.js';
import {DEFAULT_PAXOS_CONFIG, newPaxosState, statusOf, step, type DurableRecord, type PaxosState} from './core.js';
import {parsePaxosMessage, type PaxosMessage} from './messages.js';
import {openPaxosStorage} from './storage.js';

/** Seeded bugs this node understands (`--bugs`). */
export const PAXOS_BUGS = ['acceptor-forgets', 'no-promise-check', 'no-dedup'] as const;

await runNode<PaxosState, DurableRecord, PaxosMessage>({
  system: 'paxos',
  bugs: PAXOS_BUGS,
  open(args, seed, say) {
    const {id} = args;
    const storage = openPaxosStorage(args.dataDir);
    const {file, acceptor} = storage;
    if (storage.tornBytes > 0) say(`${id} discarded a torn last record (${storage.tornBytes} bytes)`);
    if (storage.records > 0) {
      say(`${id} restored promised=${formatBallot(acceptor.promised)} accepted=${acceptor.accepted.size} slots snapshot=${acceptor.snapshot.through} from disk`);
    }
    const config = {
      ...DEFAULT_PAXOS_CONFIG,
      id,
      peers: args.peers.map((p) => p.id),
      acceptorForgets: args.bugs.has('acceptor-forgets'),
      noPromiseCheck: args.bugs.has('no-promise-check'),
      noDedup: args.bugs.has('no-dedup'),
    };
    const state = newPaxosState(config, seed, acceptor);
    say(`${id} started as follower, promised ballot ${formatBallot(state.promised)} (tick ${args.tickMs} ms, bugs: ${[...args.bugs].join(',') || 'none'})`);
    return {state, file};
  },
  step: (state, input) => step(state, input).effects,
  status: statusOf,
  parseMessage: parsePaxosMessage,
});
