import { Toxiproxy } from 'toxiproxy-node-client';
import { ProxyError } from './errors.js';
import { API_TIMEOUT_MS, installErrorTextTransport, ToxiproxyApiError } from './http.js';

/**
 * faultline's Toxiproxy client: a thin wrapper over toxiproxy-node-client 4.1 that works against the
 * embedded server and a real Toxiproxy ≥ 2.1 by URL. Every failure becomes a {@link ProxyError}
 * naming the call, the API URL, the HTTP status and the server's own `error` text (kept by the
 * transport in `http.ts`, since the package itself discards it).
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §2 (error bodies), §4 (endpoints);
 * `toxiproxy-node-client.md` §2 (the client's calls and errors).
 */

/** A toxic to add. Attributes are integers in the type's units (ms, KB/s with KB = 1000 bytes, bytes, µs for slicer delay). */
export interface ToxicSpec {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  /** Probability in [0, 1] that a connection gets the toxic. */
  toxicity: number;
  attributes: Record<string, number>;
}

/** A toxic as the server reports it. */
export interface ToxicInfo extends ToxicSpec {}

/** A proxy as the server reports it. */
export interface ProxyInfo {
  name: string;
  /** `host:port` the proxy listens on (the bound address once enabled). */
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicInfo[];
}

/** What went wrong, in words: `HTTP 409: proxy already exists`, or the network error. */
function describeFailure(e: unknown): { status: number | undefined; serverMessage: string | undefined; detail: string; unreachable: string | undefined } {
  if (e instanceof ToxiproxyApiError) {
    if (e.status !== undefined) {
      const text = e.serverMessage ? e.serverMessage : 'no error text';
      return { status: e.status, serverMessage: e.serverMessage, detail: `HTTP ${e.status}: ${text}`, unreachable: undefined };
    }
    return { status: undefined, serverMessage: undefined, detail: `unreachable: ${e.message}`, unreachable: e.message };
  }
  // The package's own errors: a body that is not JSON (SyntaxError), or anything unexpected.
  const message = e instanceof Error ? e.message : String(e);
  const name = e instanceof Error ? e.name : '';
  const detail = name === 'SyntaxError' ? `the answer is not Toxiproxy JSON (${message})` : message;
  return { status: undefined, serverMessage: undefined, detail, unreachable: undefined };
}

/** Talks to one Toxiproxy API (embedded or real). */
export class ProxyControl {
  private readonly client: Toxiproxy;

  /**
   * @param url base URL of the API, e.g. `http://127.0.0.1:8474` (a trailing slash is removed).
   * @param timeoutMs how long one call may take, in ms, before it fails as unreachable (default 10 s).
   */
  constructor(readonly url: string, timeoutMs = API_TIMEOUT_MS) {
    this.url = url.replace(/\/+$/, '');
    this.client = new Toxiproxy(this.url);
    installErrorTextTransport(this.client, timeoutMs);
  }

  private async call<T>(what: string, method: string, path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const apiUrl = `${this.url}${path}`;
      const { status, serverMessage, detail, unreachable } = describeFailure(e);
      throw new ProxyError(`Toxiproxy: ${what} failed: ${method} ${apiUrl} → ${detail}`, apiUrl, status, serverMessage, unreachable);
    }
  }

  /**
   * Creates an enabled proxy.
   * @param listen `host:port`; port 0 picks a free port, reported in the result's `listen`.
   * @throws ProxyError (409 when the name exists, 500 when `listen` cannot be bound).
   */
  async createProxy(name: string, listen: string, upstream: string): Promise<ProxyInfo> {
    return this.call(`create proxy "${name}"`, 'POST', '/proxies', async () => {
      const p = await this.client.createProxy({ name, listen, upstream, enabled: true });
      return { name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled, toxics: [] };
    });
  }

  /**
   * Enables or disables a proxy. Disabled = listener closed and open connections closed; toxics kept.
   * @throws ProxyError (404 unknown proxy, 500 when re-binding the port fails).
   */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const path = `/proxies/${name}`;
    await this.call(`${enabled ? 'enable' : 'disable'} proxy "${name}"`, 'POST', path, () =>
      this.client.getApi().post(`${this.url}${path}`, { enabled }),
    );
  }

  /**
   * Adds a toxic to a proxy; it applies to open connections at once.
   * @throws ProxyError (404 unknown proxy, 409 duplicate toxic name, 400 bad type/stream/attributes).
   */
  async addToxic(proxyName: string, toxic: ToxicSpec): Promise<ToxicInfo> {
    const path = `/proxies/${proxyName}/toxics`;
    return this.call(`add ${toxic.type} toxic "${toxic.name}" to proxy "${proxyName}"`, 'POST', path, async () => {
      const res = await this.client.getApi().post<ToxicInfo>(`${this.url}${path}`, toxic);
      return res.data;
    });
  }

  /**
   * Removes a toxic (removing a `timeout` toxic closes the proxy's open connections).
   * @throws ProxyError (404 unknown proxy or toxic).
   */
  async removeToxic(proxyName: string, toxicName: string): Promise<void> {
    const path = `/proxies/${proxyName}/toxics/${toxicName}`;
    await this.call(`remove toxic "${toxicName}" from proxy "${proxyName}"`, 'DELETE', path, () =>
      this.client.getApi().delete(`${this.url}${path}`),
    );
  }

  /**
   * Re-enables every proxy and removes every toxic (`POST /reset`).
   * @throws ProxyError (500 when a disabled proxy's port cannot be re-bound).
   */
  async reset(): Promise<void> {
    await this.call('reset', 'POST', '/reset', () => this.client.reset());
  }

  /** All proxies with their toxics, sorted by name. @throws ProxyError */
  async list(): Promise<ProxyInfo[]> {
    return this.call('list proxies', 'GET', '/proxies', async () => {
      const res = await this.client.getApi().get<Record<string, ProxyInfo>>(`${this.url}/proxies`);
      return Object.values(res.data ?? {})
        .map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled, toxics: p.toxics ?? [] }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  /** Deletes a proxy and closes its connections. @throws ProxyError (404 unknown proxy). */
  async deleteProxy(name: string): Promise<void> {
    const path = `/proxies/${name}`;
    await this.call(`delete proxy "${name}"`, 'DELETE', path, () => this.client.getApi().delete(`${this.url}${path}`));
  }

  /**
   * The server's version string (e.g. `2.12.0`), accepting the three historical formats
   * (reference §4.7: JSON since 2.7.0, broken JSON in 2.6.0, bare text before).
   * @throws ProxyError
   */
  async version(): Promise<string> {
    const text = await this.call('get version', 'GET', '/version', () => this.client.getVersion());
    const m = /"version"\s*:\s*"([^"]*)"/.exec(String(text));
    return m ? m[1] : String(text).trim();
  }
}
