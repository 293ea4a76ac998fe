/**
 * Shell of the built-in Raft key-value node: the pure core (core.ts) run by the shared shell
 * (nodes/common/shell.ts: TCP, disk, tick timer; fsync before anything leaves). Command line and
 * wire protocol: docs/protocol.md.
 */
import {runNode} from '../common/shell.js';
import {DEFAULT_RAFT_CONFIG, newRaftState, statusOf, step, type DurableRecord, type RaftState} from './core.js';
import {parseRaftMessage, type RaftMessage} from './messages.js';
import {openRaftStorage} from './storage.js';

/** Seeded bugs this node understands (`--bugs`). */
export const RAFT_BUGS = ['stale-read'] as const;

await runNode<RaftState, DurableRecord, RaftMessage>({
  system: 'raft',
  bugs: RAFT_BUGS,
  open(args, seed, say) {
    const {id} = args;
    const storage = openRaftStorage(args.dataDir);
    const {file, hard} = storage;
    if (storage.tornBytes > 0) say(`${id} discarded a torn last record (${storage.tornBytes} bytes)`);
    if (storage.records > 0) {
      say(`${id} restored term=${hard.term} votedFor=${hard.votedFor ?? 'none'} lastIndex=${hard.log.length} from disk`);
    }
    const config = {...DEFAULT_RAFT_CONFIG, id, peers: args.peers.map((p) => p.id), staleRead: args.bugs.has('stale-read')};
    const state = newRaftState(config, seed, hard);
    say(`${id} started as follower at term ${state.currentTerm} (tick ${args.tickMs} ms, bugs: ${[...args.bugs].join(',') || 'none'})`);
    return {state, file};
  },
  step: (state, input) => step(state, input).effects,
  status: statusOf,
  parseMessage: parseRaftMessage,
});
