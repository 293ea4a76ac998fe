/**
 * The reaper: a tiny process the harness starts beside its nodes. It reads `+PID` and `-PID`
 * lines on stdin (a node started / exited) and, when stdin ends — the harness exited, however it
 * died, SIGKILL included — sends SIGKILL to every PID still listed, then exits. Nodes that exit
 * when their own stdin closes (ours, and those docs/protocol.md describes) do not need it; those
 * that do not (etcd) would otherwise outlive a harness killed with SIGKILL.
 *
 * It ignores SIGINT and SIGTERM: a Ctrl-C in the terminal is the harness's to handle, which stops
 * the nodes in order and then closes this process's stdin.
 */
import {createInterface} from 'node:readline';

const pids = new Set<number>();
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
const lines = createInterface({input: process.stdin});
lines.on('line', (line) => {
  const pid = Number(line.slice(1));
  if (!Number.isSafeInteger(pid) || pid <= 0) return;
  if (line.startsWith('+')) pids.add(pid);
  else if (line.startsWith('-')) pids.delete(pid);
});
lines.on('close', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
