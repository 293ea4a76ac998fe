import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { FaultlineCommand } from '../cli/base.js';
import { InputError } from '../errors/index.js';
import { startToxiproxyServer, TOXIPROXY_COMPAT_VERSION, type ApiLogEntry } from '../proxy/index.js';
import { seededRandom } from '../proxy/random.js';

/**
 * `faultline toxiproxy`: runs the embedded Toxiproxy-compatible server on its own, like
 * `toxiproxy-server` (reference `toxiproxy-api.md` §1), until SIGINT/SIGTERM (or stdin's end with
 * `--exit-with-stdin`).
 * Errors: an API address it cannot listen on (in use, not local, privileged port) is an
 * {@link InputError}, one line naming --host/--port, exit 2.
 */
export default class ToxiproxyCommand extends FaultlineCommand {
  static override summary = 'Run the embedded Toxiproxy-compatible server.';

  static override description = `Serves the Toxiproxy HTTP API (version 2.12 semantics) so any Toxiproxy client can create proxies and toxics. \
Logs one line per API call (method, path, status). Stops cleanly on SIGINT or SIGTERM, closing every proxy and connection.
With --exit-with-stdin it also stops when its standard input ends, so a parent holding the pipe takes it down when it dies.
An API address it cannot listen on (port in use, address not local) is one error line and exit 2.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 0',
    '<%= config.bin %> <%= command.id %> --host 0.0.0.0 --port 8474 --config proxies.json',
    '<%= config.bin %> <%= command.id %> --port 0 --proxy-metrics',
  ];

  static override flags = {
    host: Flags.string({ description: 'Host to listen on for the API.', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'Port for the API; 0 picks a free port.', default: 8474, min: 0, max: 65535 }),
    config: Flags.string({
      description: 'JSON file in the /populate body format (an array of {name, listen, upstream, enabled}), applied at start; an unreadable or bad file is logged and the server starts anyway, as toxiproxy-server does.',
    }),
    seed: Flags.integer({ description: 'Seed for toxic randomness (toxicity rolls, jitter). Default: the current time.' }),
    'exit-with-stdin': Flags.boolean({ description: 'Also stop when standard input ends.', default: false }),
    'proxy-metrics': Flags.boolean({
      description: 'Serve /metrics: Prometheus byte counters per proxy link (toxiproxy_proxy_received_bytes_total, toxiproxy_proxy_sent_bytes_total).',
      default: false,
    }),
    version: Flags.boolean({
      description: 'Print the Toxiproxy version whose behaviour is served, as toxiproxy-server -version does, and exit.',
      default: false,
    }),
  };

  public async run(): Promise<{ url: string; port: number }> {
    const { flags } = await this.parse(ToxiproxyCommand);
    if (flags.version) {
      // toxiproxy-server's exact line, so scripts that check the server's version work unchanged.
      this.log(`toxiproxy-server version ${TOXIPROXY_COMPAT_VERSION}`);
      return { url: '', port: 0 };
    }
    let config: string | undefined;
    if (flags.config !== undefined) {
      try {
        config = await readFile(flags.config, 'utf8');
      } catch (e) {
        // Like toxiproxy-server -config: an unreadable file is logged and the server still starts.
        this.warnLine(`Error reading config file ${flags.config}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const log = (e: ApiLogEntry): void => {
      // The server logs a bad --config body as method CONFIG; name the file, as toxiproxy-server does.
      if (e.method === 'CONFIG') {
        this.warnLine(`Failed to populate proxies from config file ${flags.config}: ${e.error}`);
        return;
      }
      this.log(`${new Date().toISOString()} ${e.method} ${e.path} ${e.status} ${e.durationMs.toFixed(1)}ms${e.error ? ` ${e.error}` : ''}`);
    };
    const server = await startToxiproxyServer({
      host: flags.host,
      port: flags.port,
      log,
      config,
      proxyMetrics: flags['proxy-metrics'],
      random: seededRandom(flags.seed ?? Date.now()),
    }).catch((e: unknown) => {
      throw new InputError(`--host/--port: cannot listen on ${flags.host}:${flags.port}: ${e instanceof Error ? e.message : String(e)}`);
    });
    this.log(`faultline toxiproxy API listening on ${server.url}`);

    await new Promise<void>((resolve) => {
      let stopped = false;
      const stop = (why: string): void => {
        if (stopped) return;
        stopped = true;
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        this.log(`stopping (${why})`);
        resolve();
      };
      const onInt = (): void => stop('SIGINT');
      const onTerm = (): void => stop('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      if (flags['exit-with-stdin']) {
        process.stdin.on('data', () => undefined);
        process.stdin.once('end', () => stop('stdin ended'));
        process.stdin.once('close', () => stop('stdin closed'));
        process.stdin.once('error', () => stop('stdin error'));
        process.stdin.resume();
      }
    });
    await server.close();
    process.stdin.pause();
    process.stdin.destroy();
    return { url: server.url, port: server.port };
  }
}
