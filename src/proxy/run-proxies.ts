import { randomBytes } from 'node:crypto';
import type { ProxyControl, ProxyInfo, ToxicSpec } from './client.js';
import { ProxyError } from './errors.js';

/**
 * The proxies of one `faultline run`, on the embedded server or on a shared external one.
 *
 * On the embedded server (a server of its own) the run keeps its historical behaviour: plain names
 * (`n1-n2`, `client-n1`) and `POST /reset` to heal. On an external server, which other tools or
 * runs may share, the run touches only what it created: every proxy name carries the run's
 * prefix (`fl-3fa9c2-n1-n2`), the final heal re-enables its own proxies and removes their toxics
 * one by one instead of calling /reset, and {@link RunProxies.removeAll} deletes them at the end.
 *
 * Callers speak local names (`n1-n2`): the object implements the nemesis's `LinkProxies`, so the
 * prefix never leaks into the nemesis.
 */

/** Where the run's proxies live. */
export type ProxyScope =
  /** A server started for this run alone (`/reset` is fine, names are plain). */
  | { kind: 'own' }
  /** A server given by URL that others may use: prefixed names, no /reset, delete at the end. */
  | { kind: 'shared'; prefix: string };

/**
 * A fresh run prefix, `fl-` and 6 hex characters, e.g. `fl-3fa9c2-`. It comes from the OS's random
 * bytes, not the plan's seeded PRNG: it must differ between two runs with the same seed sharing a
 * server, and it influences nothing the seed should replay.
 */
export function newRunPrefix(): string {
  return `fl-${randomBytes(3).toString('hex')}-`;
}

/** The run's proxies, by local name. */
export class RunProxies {
  /** Full server-side names of the proxies this run created and has not deleted. */
  private readonly created = new Set<string>();

  constructor(
    readonly control: ProxyControl,
    readonly scope: ProxyScope,
  ) {}

  /** The proxy name on the server for a local name (`n1-n2` → `fl-3fa9c2-n1-n2` when shared). */
  serverName(local: string): string {
    return this.scope.kind === 'shared' ? `${this.scope.prefix}${local}` : local;
  }

  /**
   * Creates an enabled proxy and remembers it for {@link removeAll}.
   * @param listen `host:port`; port 0 picks a free one, reported in the result's `listen`.
   * @throws ProxyError (e.g. 409 when the name exists, with the server's text).
   */
  async create(local: string, listen: string, upstream: string): Promise<ProxyInfo> {
    const name = this.serverName(local);
    const info = await this.control.createProxy(name, listen, upstream);
    this.created.add(name);
    return info;
  }

  /** @throws ProxyError */
  async setEnabled(local: string, enabled: boolean): Promise<void> {
    await this.control.setEnabled(this.serverName(local), enabled);
  }

  /** @throws ProxyError */
  async addToxic(local: string, toxic: ToxicSpec): Promise<void> {
    await this.control.addToxic(this.serverName(local), toxic);
  }

  /** @throws ProxyError */
  async removeToxic(local: string, toxicName: string): Promise<void> {
    await this.control.removeToxic(this.serverName(local), toxicName);
  }

  /**
   * Heals every link at once: own server → `POST /reset`; shared server → for each proxy this run
   * created, enable it if disabled and remove each of its toxics (the effect of /reset, limited to
   * the run's proxies; Toxiproxy §4.8).
   * @throws ProxyError
   */
  async healAll(): Promise<void> {
    if (this.scope.kind === 'own') {
      await this.control.reset();
      return;
    }
    const mine = (await this.control.list()).filter((p) => this.created.has(p.name));
    await Promise.all(
      mine.map(async (p) => {
        if (!p.enabled) await this.control.setEnabled(p.name, true);
        for (const t of p.toxics) await this.control.removeToxic(p.name, t.name);
      }),
    );
  }

  /**
   * Deletes every proxy this run created (shared server only; the own server dies with the run).
   * Keeps going past failures.
   * @returns one line per proxy that could not be deleted ("could not delete a proxy of this run:
   *   …"), except that proxies left because the server did not answer at all share one line
   *   (empty when all went).
   */
  async removeAll(): Promise<string[]> {
    const scope = this.scope;
    if (scope.kind === 'own') return [];
    const failures: string[] = [];
    const unanswered: string[] = [];
    let cause = '';
    await Promise.all(
      [...this.created].map(async (name) => {
        try {
          await this.control.deleteProxy(name);
          this.created.delete(name);
        } catch (e) {
          // Already gone (someone else deleted it) is fine: the goal is that it does not exist.
          if ((e as { status?: number }).status === 404) this.created.delete(name);
          else if (e instanceof ProxyError && e.unreachable) {
            unanswered.push(name);
            cause = e.unreachable;
          } else failures.push(`could not delete a proxy of this run: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
    if (unanswered.length > 0) {
      const n = unanswered.length;
      failures.unshift(`could not delete this run's ${n === 1 ? 'proxy' : `${n} proxies`} (${scope.prefix}*) from ${this.control.url}, which did not answer: ${cause}`);
    }
    return failures;
  }
}
