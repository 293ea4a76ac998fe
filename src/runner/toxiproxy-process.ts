import {closeSync, openSync} from 'node:fs';
import {execa, type ResultPromise} from 'execa';
import getPort from 'get-port';
import {cliEntry} from '../cluster/paths.js';
import {GRACE_BEFORE_SIGKILL_MS, stopChild, track} from '../cluster/supervisor.js';
import {ClusterError} from '../errors/index.js';
import {sleep} from '../history/clock.js';

/** How long the embedded Toxiproxy server may take to answer /version after it starts, in ms. */
const TOXIPROXY_START_TIMEOUT_MS = 15_000;

/** The embedded Toxiproxy server running as a child process (`faultline toxiproxy`). */
export interface ToxiproxyProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `faultline toxiproxy` on 127.0.0.1 and a free port as a child process, so that proxy
 * traffic does not compete with the harness's event loop (DESIGN.md "Network topology"). Its log
 * goes to `logFile`; it exits with the harness (it holds our stdin pipe).
 * @throws ClusterError when it does not answer within 15 s.
 */
export async function startToxiproxy(logFile: string): Promise<ToxiproxyProcess> {
  const port = await getPort({host: '127.0.0.1'});
  const fd = openSync(logFile, 'a');
  const child = track(
    execa(process.execPath, [cliEntry(), 'toxiproxy', '--host', '127.0.0.1', '--port', String(port), '--exit-with-stdin'], {
      stdio: ['pipe', fd, fd],
      // Own process group: a Ctrl-C in the terminal reaches only the harness, which then stops
      // children in order. They still die with the harness: they exit when their stdin closes.
      detached: true,
      reject: false,
      forceKillAfterDelay: GRACE_BEFORE_SIGKILL_MS,
    } as unknown as {stdin: 'pipe'}) as ResultPromise<{stdin: 'pipe'}>,
  );
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TOXIPROXY_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new ClusterError(`embedded Toxiproxy server exited with code ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/version`);
      if (res.ok) return {url, stop: () => stopChild(child)};
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await stopChild(child);
  throw new ClusterError(`embedded Toxiproxy server did not answer on ${url} within ${TOXIPROXY_START_TIMEOUT_MS} ms; see ${logFile}`);
}
