import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';
import { ProxyCollection, PopulateError, proxyJson, toxicJson } from './collection.js';
import { ApiError } from './errors.js';
import { goJson } from './json.js';
import { METRICS_CONTENT_TYPE, ProxyMetrics } from './metrics.js';
import { joinHostPort } from './proxy.js';
import { seededRandom, type ProxyRandom } from './random.js';

/**
 * The embedded Toxiproxy-compatible HTTP API server.
 *
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §2 (HTTP layer: 403 for browsers, 404/405
 * rules, error bodies as `text/plain`), §4 (endpoints and statuses). 404 and 405 are answered by
 * gorilla/mux before its middleware (request id, browser check), which runs only on a match
 * (gorilla/mux issue #416). Requests are handled one at a
 * time, in arrival order, so API calls never interleave.
 */

/** The version reported by `GET /version` (the Toxiproxy release whose behaviour is copied). */
export const TOXIPROXY_COMPAT_VERSION = '2.12.0';

/**
 * HTTP server limits of the real server (`api.go` Listen/Routes, reference §2): the whole request
 * must arrive within 15 s (Go `ReadTimeout`), an idle keep-alive connection is closed after 60 s
 * (`IdleTimeout`), and a handler that has not answered 25 s after its request arrived gets a 503
 * with an empty body (`http.TimeoutHandler(25 s, "")`). Go's 30 s `WriteTimeout` has no Node
 * counterpart and is not copied (answers here are a few hundred bytes).
 */
export const API_READ_TIMEOUT_MS = 15_000;
export const API_IDLE_TIMEOUT_MS = 60_000;
export const API_HANDLER_TIMEOUT_MS = 25_000;

/** One handled API call, for logging. */
export interface ApiLogEntry {
  method: string;
  path: string;
  status: number;
  /** Handling time in ms. */
  durationMs: number;
  /** The error text for 4xx/5xx answers. */
  error?: string;
}

/** Options of {@link startToxiproxyServer}. */
export interface ToxiproxyServerOptions {
  /** API listen host. @default '127.0.0.1' (the real server's default is `localhost`) */
  host?: string;
  /** API port; 0 picks a free one. @default 8474 */
  port?: number;
  /** Called once per API call after the response was written. */
  log?: (entry: ApiLogEntry) => void;
  /** Randomness for toxicity rolls, jitter and slicer cuts. @default seededRandom(Date.now()) */
  random?: ProxyRandom;
  /** A `/populate` body applied before the API listens (the real server's `-config`). */
  config?: string;
  /** Serve `/metrics` with the proxy byte counters (the real server's `-proxy-metrics`, §4.10). @default false */
  proxyMetrics?: boolean;
}

/** A running embedded server. */
export interface ToxiproxyServer {
  /** Base URL of the API, e.g. `http://127.0.0.1:8474` (no trailing slash). */
  url: string;
  /** The bound API port. */
  port: number;
  /** Stops the HTTP server, every proxy listener and every open socket; resolves when all are closed. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: string;
  contentType?: string;
  nosniff?: boolean;
  /** Answered by the router itself (301, 404, 405): gorilla/mux runs no middleware, so no request id. */
  unrouted?: boolean;
  /** `Location` of a redirect. */
  location?: string;
}

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

const json = (status: number, body: string): Reply => ({ status, body, contentType: JSON_TYPE });
const empty = (status: number): Reply => ({ status });
/** `json.Marshal` of Go's `ApiError`: HTML-safe escaping, as every Go JSON body. */
const apiErrorJson = (e: ApiError): string => `{"error":${goJson(e.message)},"status":${e.status}}`;
/** `http.Error`: the JSON plus a newline, as text/plain (reference §2). */
const errorReply = (e: ApiError): Reply => ({
  status: e.status,
  body: `${apiErrorJson(e)}\n`,
  contentType: TEXT_TYPE,
  nosniff: true,
});

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';
/** A 20-character request id in xid's alphabet (`X-Toxiproxy-Request-Id`). */
function requestId(): string {
  const b = randomBytes(20);
  let s = '';
  for (let i = 0; i < 20; i++) s += BASE32HEX[b[i] & 31];
  return s;
}

type Handler = (params: string[], body: string) => Promise<Reply> | Reply;
interface Route {
  pattern: string[];
  /** Handlers by HTTP method; `'*'` answers any method. */
  methods: Record<string, Handler>;
}

function buildRoutes(proxies: ProxyCollection, metrics: ProxyMetrics | undefined): Route[] {
  const listProxies = (): Reply =>
    json(200, `{${proxies.list().map((p) => `${goJson(p.name)}:${proxyJson(p)}`).join(',')}}`);
  const updateProxy: Handler = async ([name], body) => json(200, proxyJson(await proxies.update(name, body)));
  const updateToxic: Handler = ([p, t], body) => json(200, toxicJson(proxies.updateToxic(p, t, body)));
  const metricsRoute: Route[] = metrics
    ? [{ pattern: ['metrics'], methods: { '*': () => ({ status: 200, body: metrics.render(), contentType: METRICS_CONTENT_TYPE }) } }]
    : [];
  return [
    ...metricsRoute,
    { pattern: ['reset'], methods: { POST: async () => (await proxies.reset(), empty(204)) } },
    {
      pattern: ['version'],
      methods: {
        GET: () => ({
          status: 200,
          body: `{"version": "${TOXIPROXY_COMPAT_VERSION}"}\n`,
          contentType: 'application/json;charset=utf-8',
        }),
      },
    },
    {
      pattern: ['populate'],
      methods: {
        POST: async (_p, body) => {
          try {
            const done = await proxies.populate(body);
            return json(201, `{"proxies":${done.length === 0 ? 'null' : `[${done.map(proxyJson).join(',')}]`}}`);
          } catch (e) {
            if (!(e instanceof PopulateError)) throw e;
            const list = e.applied === null || e.applied.length === 0 ? 'null' : `[${e.applied.map(proxyJson).join(',')}]`;
            // Written with json.Marshal, not http.Error: application/json and no trailing newline (§4.9).
            return json(e.status, `${apiErrorJson(e).slice(0, -1)},"proxies":${list}}`);
          }
        },
      },
    },
    {
      pattern: ['proxies'],
      methods: { GET: listProxies, POST: async (_p, body) => json(201, proxyJson(await proxies.create(body))) },
    },
    {
      pattern: ['proxies', '*'],
      methods: {
        GET: ([name]) => json(200, proxyJson(proxies.get(name))),
        POST: updateProxy,
        PATCH: updateProxy,
        DELETE: async ([name]) => (await proxies.remove(name), empty(204)),
      },
    },
    {
      pattern: ['proxies', '*', 'toxics'],
      methods: {
        GET: ([name]) => json(200, `[${proxies.get(name).toxicList().map(toxicJson).join(',')}]`),
        POST: ([name], body) => json(200, toxicJson(proxies.addToxic(name, body))),
      },
    },
    {
      pattern: ['proxies', '*', 'toxics', '*'],
      methods: {
        GET: ([p, t]) => {
          const toxic = proxies.get(p).findToxic(t);
          if (!toxic) throw new ApiError(404, 'toxic not found');
          return json(200, toxicJson(toxic));
        },
        POST: updateToxic,
        PATCH: updateToxic,
        DELETE: ([p, t]) => (proxies.removeToxic(p, t), empty(204)),
      },
    },
  ];
}

/** Matches a decoded path against the routes: the route and its `*` segments, or null. */
function match(routes: Route[], path: string): { route: Route; params: string[] } | null {
  if (!path.startsWith('/')) return null;
  const segs = path.slice(1).split('/');
  for (const route of routes) {
    if (route.pattern.length !== segs.length) continue;
    const params: string[] = [];
    let ok = true;
    route.pattern.forEach((p, i) => {
      if (p === '*') {
        if (segs[i] === '') ok = false;
        params.push(segs[i]);
      } else if (p !== segs[i]) ok = false;
    });
    if (ok) return { route, params };
  }
  return null;
}

/**
 * gorilla/mux's `cleanPath`: Go's `path.Clean` (one slash at a time, no `.` or `..` segments), with
 * a trailing slash kept.
 */
function cleanPath(p: string): string {
  if (p === '') return '/';
  if (p[0] !== '/') p = `/${p}`;
  let np = posix.normalize(p);
  if (np.length > 1 && np.endsWith('/')) np = np.slice(0, -1);
  if (p.endsWith('/') && np !== '/') np += '/';
  return np;
}

function send(res: http.ServerResponse, id: string, r: Reply): void {
  if (!r.unrouted) res.setHeader('X-Toxiproxy-Request-Id', id);
  if (r.location !== undefined) res.setHeader('Location', r.location);
  if (r.nosniff) res.setHeader('X-Content-Type-Options', 'nosniff');
  if (r.contentType) res.setHeader('Content-Type', r.contentType);
  if (r.body !== undefined) res.setHeader('Content-Length', Buffer.byteLength(r.body));
  // Go's net/http sets Content-Length: 0 on an empty answer that may have a body (not 204, not HEAD).
  else if (r.status !== 204 && res.req.method !== 'HEAD') res.setHeader('Content-Length', 0);
  res.writeHead(r.status);
  res.end(r.body);
}

/**
 * Starts the embedded Toxiproxy-compatible server.
 * @returns the API URL and port, and `close()`.
 * @throws Error when the API port cannot be bound (e.g. `EADDRINUSE`). A bad `config` is only
 *   logged (as method `CONFIG`), like the real server.
 */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const metrics = options.proxyMetrics ? new ProxyMetrics() : undefined;
  const proxies = new ProxyCollection(options.random ?? seededRandom(Date.now()), metrics);
  if (options.config !== undefined) {
    // Like the real server's -config: a bad file is only logged, the server still starts (§1).
    await proxies.populate(options.config).catch((e: unknown) => {
      const status = e instanceof ApiError ? e.status : 500;
      options.log?.({ method: 'CONFIG', path: '/populate', status, durationMs: 0, error: e instanceof Error ? e.message : String(e) });
    });
  }
  const routes = buildRoutes(proxies, metrics);
  let queue: Promise<unknown> = Promise.resolve();

  const handle = async (req: http.IncomingMessage, body: string): Promise<Reply> => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    // gorilla/mux cleans the path first and redirects to the clean one (`//proxies` → /proxies).
    const clean = cleanPath(path);
    if (clean !== path) return { status: 301, location: encodeURI(clean) + (q < 0 ? '' : target.slice(q)), unrouted: true };
    const m = match(routes, path);
    if (!m) return { status: 404, body: '404 page not found\n', contentType: TEXT_TYPE, nosniff: true, unrouted: true };
    const handler = m.route.methods[req.method ?? ''] ?? m.route.methods['*'];
    if (!handler) return { status: 405, unrouted: true };
    // The browser check is middleware: it runs only on a matched route and method.
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      return { status: 403, body: 'User agent not allowed\n', contentType: TEXT_TYPE, nosniff: true };
    }
    try {
      return await handler(m.params, body);
    } catch (e) {
      if (e instanceof ApiError) return errorReply(e);
      return errorReply(new ApiError(500, e instanceof Error ? e.message : String(e)));
    }
  };

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const handled = queue.then(() => handle(req, body));
      queue = handled.catch(() => undefined);
      // Like Go's TimeoutHandler: the answer is a 503 after 25 s; the handler itself runs on.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<Reply>((resolve) => {
        timer = setTimeout(() => resolve(empty(503)), API_HANDLER_TIMEOUT_MS);
      });
      const run = Promise.race([handled, timedOut]).finally(() => clearTimeout(timer));
      void run.then(
        (reply) => {
          send(res, requestId(), reply);
          options.log?.({
            method: req.method ?? '',
            path: req.url ?? '',
            status: reply.status,
            durationMs: performance.now() - started,
            ...(reply.status >= 400 && reply.body ? { error: reply.body.trim() } : {}),
          });
        },
        () => res.destroy(),
      );
    });
  });
  server.keepAliveTimeout = API_IDLE_TIMEOUT_MS;
  server.requestTimeout = API_READ_TIMEOUT_MS;
  server.headersTimeout = API_READ_TIMEOUT_MS;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 8474 }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (e: unknown) => {
    await proxies.stopAll();
    throw e;
  });
  const addr = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${joinHostPort(addr.address, addr.port)}`,
    port: addr.port,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await queue;
        await proxies.stopAll();
        await closed;
      })();
      return closing;
    },
  };
}
