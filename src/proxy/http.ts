import { HttpClient } from 'toxiproxy-node-client/dist/HttpClient.js';
import { ToxiproxyError } from 'toxiproxy-node-client';

/**
 * The HTTP transport faultline hands to toxiproxy-node-client so that failed calls keep the
 * server's `error` text.
 *
 * Why this shape (reference `toxiproxy-node-client.md` §2): the package's `HttpClient.doFetch`
 * throws `ToxiproxyError("Request failed with status code <n>")` on any non-2xx answer without
 * reading the body, and `ToxiproxyError` carries nothing else (name, message, stack), so the text
 * is gone before any caller sees the error; re-issuing the request to read it is not an option
 * (POST/DELETE are not idempotent). `Toxiproxy.api` is a public field typed `HttpClient`, so
 * faultline installs an instance of the package's own `HttpClient` whose one private step,
 * `doFetch`, is shadowed by {@link fetchKeepingErrorText}. Everything else stays the package's:
 * URLs, request encoding, JSON decoding, `Proxy`/`Toxic` objects and the `ToxiproxyError` type.
 * The package is pinned to 4.1.0 exactly; {@link installErrorTextTransport} throws if that private
 * step is ever renamed, so an upgrade fails loudly in test/proxy instead of losing the texts.
 */

/** At most this many characters of a non-JSON error body are kept (a stray HTML page stays one line). */
const MAX_ERROR_TEXT_CHARS = 200;

/**
 * A failed Toxiproxy API call: the package's error plus what the server said.
 * `status` is undefined when no HTTP answer arrived (then `message` names the network error).
 */
export class ToxiproxyApiError extends ToxiproxyError {
  constructor(
    name: string,
    message: string,
    readonly status: number | undefined,
    /** The server's `error` field (Toxiproxy's error body), else the body's first line; '' for an empty body. */
    readonly serverMessage: string | undefined,
  ) {
    super(name, message);
  }
}

/**
 * The error text of a Toxiproxy error body: `{"error":"proxy already exists","status":409}` gives
 * `proxy already exists`; any other body gives its first line, trimmed and capped.
 */
export function errorTextOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error;
    }
  } catch {
    // not JSON: fall through to the text itself
  }
  const line = body.trim().split('\n')[0] ?? '';
  return line.length > MAX_ERROR_TEXT_CHARS ? `${line.slice(0, MAX_ERROR_TEXT_CHARS)}…` : line;
}

/**
 * A network error's most useful words: undici's `fetch failed` plus its cause (`connect ECONNREFUSED
 * 127.0.0.1:9`). undici's `bad port` (a port on the Fetch standard's blocked list, e.g. 6665–6669,
 * 6000) gets told as such, since nothing was even tried.
 */
function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  // One line: OpenSSL's messages (an https:// URL to a plain-HTTP server) end with a newline.
  const causeText = (cause instanceof Error ? cause.message : cause !== undefined ? String(cause) : '').replace(/\s+/g, ' ').trim();
  if (causeText === 'bad port') return `${e.message} (bad port: Node's fetch refuses this port, which the Fetch standard blocks; use another)`;
  // OpenSSL's "…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…" to a plain-HTTP port.
  if (/SSL routines.*wrong version number/.test(causeText)) return `${e.message} (TLS handshake failed: the server answers plain HTTP; use http://)`;
  return causeText && !e.message.includes(causeText) ? `${e.message} (${causeText})` : e.message;
}

/** How long one API call may take by default, headers and body, in ms; a slower server counts as unreachable. */
export const API_TIMEOUT_MS = 10_000;

/**
 * `HttpClient.doFetch` of toxiproxy-node-client 4.1.0 with one change: a non-2xx answer's body is
 * read and kept on the thrown {@link ToxiproxyApiError}. The message stays the package's
 * (`Request failed with status code 409`).
 * @throws ToxiproxyApiError
 */
async function fetchKeepingErrorText(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  let res: Response;
  // A server that accepts but never answers (frozen, SIGSTOP) must not hang the caller.
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    res = await fetch(url, { ...init, signal: timeout });
  } catch (e) {
    const message = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeNetworkError(e);
    throw new ToxiproxyApiError(e instanceof Error ? e.name : 'Error', message, undefined, undefined);
  }
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    throw new ToxiproxyApiError('Error', `Request failed with status code ${res.status}`, res.status, errorTextOf(body));
  }
  return res;
}

/**
 * Gives a toxiproxy-node-client `Toxiproxy` (or anything holding an `api: HttpClient`) the
 * error-keeping transport. Call it right after construction, before any `Proxy` object is made
 * (those copy the `api` reference).
 * @param timeoutMs how long one call may take, in ms (then it fails as unreachable: `no answer within … ms`).
 * @throws Error when the package's `HttpClient` no longer has the `doFetch` step (an unpinned upgrade).
 */
export function installErrorTextTransport(target: { api: HttpClient }, timeoutMs = API_TIMEOUT_MS): void {
  if (typeof (HttpClient.prototype as unknown as { doFetch?: unknown }).doFetch !== 'function') {
    throw new Error('toxiproxy-node-client changed: HttpClient.doFetch is gone; faultline needs 4.1.0 (see src/proxy/http.ts)');
  }
  const api = new HttpClient();
  Object.defineProperty(api, 'doFetch', { value: (url: string, init: RequestInit) => fetchKeepingErrorText(url, init, timeoutMs) });
  target.api = api;
}
