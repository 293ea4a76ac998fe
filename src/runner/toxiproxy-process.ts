import {closeSync, openSync} from 'node:fs';
import {execa, type ResultPromise} from 'execa';
import {freePort} from '../cluster/ports.js';
import {cliEntry} from '../cluster/paths.js';
import {GRACE_BEFORE_SIGKILL_MS, stopChild, track} from '../cluster/supervisor.js';
import {ClusterError, InputError} from '../errors/index.js';
import {sleep} from '../history/clock.js';
import {ProxyControl} from '../proxy/index.js';

/** How long the embedded Toxiproxy server may take to answer /version after it starts, in ms. */
const TOXIPROXY_START_TIMEOUT_MS = 15_000;

/** The embedded Toxiproxy server running as a child process (`faultline toxiproxy`). */
export interface ToxiproxyProcess {
  url: string;
  /** The server's process id (for CPU accounting in bench/proxy.ts); undefined if the spawn failed. */
  pid: number | undefined;
  /** How the server ended if it exited before `stop()` (e.g. `SIGKILL`, `code 1`), else null. */
  exitedEarly(): string | null;
  /** Settles when the server exits, however and whenever (also after `stop()`), with how it ended (`SIGKILL`, `code 1`). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `faultline toxiproxy` on 127.0.0.1 and a free port as a child process, so that proxy
 * traffic does not compete with the harness's event loop (DESIGN.md "Network topology"). Its log
 * goes to `logFile`; it exits with the harness (it holds our stdin pipe).
 * @throws ClusterError when it does not answer within 15 s.
 */
export async function startToxiproxy(logFile: string): Promise<ToxiproxyProcess> {
  const port = await freePort();
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
  const howEnded = () => (child.signalCode !== null ? child.signalCode : child.exitCode !== null ? `code ${child.exitCode}` : null);
  const exited = new Promise<string>((resolve) => child.once('exit', () => resolve(howEnded() ?? 'exited')));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TOXIPROXY_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ended = howEnded();
    if (ended !== null) throw new ClusterError(`embedded Toxiproxy server exited (${ended}) before it answered; see ${logFile}`);
    try {
      const res = await fetch(`${url}/version`);
      if (res.ok) {
        return {
          url,
          pid: child.pid,
          exitedEarly: howEnded,
          exited,
          stop: () => stopChild(child),
        };
      }
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await stopChild(child);
  throw new ClusterError(`embedded Toxiproxy server did not answer on ${url} within ${TOXIPROXY_START_TIMEOUT_MS} ms; see ${logFile}`);
}

/**
 * Checks, before anything starts, that `url` is a Toxiproxy API the run can use: an http(s) URL
 * whose `GET /version` and `GET /proxies` answer like Toxiproxy's (reference `toxiproxy-api.md` §4).
 * @param source where the URL came from, for the message (`--toxiproxy-url`, `plans/x.yaml: proxy.url`).
 * @returns the server's version string, e.g. `2.12.0`.
 * @throws InputError (exit 2) with one line naming the URL, what failed and what to try.
 */
export async function checkExternalToxiproxy(url: string, source: string): Promise<string> {
  const fix = `check ${source}, or leave it out to use the embedded server`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`${source} ${JSON.stringify(url)} is not a URL (e.g. http://127.0.0.1:8474)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(`${source} ${JSON.stringify(url)} is not an http(s) URL (e.g. http://127.0.0.1:8474)`);
  }
  const control = new ProxyControl(url);
  try {
    const version = await control.version();
    await control.list();
    return version;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^Toxiproxy: /, '');
    throw new InputError(`no usable Toxiproxy server at ${control.url}: ${reason}; ${fix}`);
  }
}
