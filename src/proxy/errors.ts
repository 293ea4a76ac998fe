import { ExitCode, FaultlineError } from '../errors/index.js';

/**
 * An error the embedded server answers with `{"error":"<message>","status":<status>}`.
 * Toxiproxy 2.12 semantics: reference `toxiproxy-api.md` §2 (error table; exact strings).
 */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Error texts of the real server (`api.go` var block). */
export const API_ERRORS = {
  proxyNotFound: () => new ApiError(404, 'proxy not found'),
  proxyExists: () => new ApiError(409, 'proxy already exists'),
  missingName: () => new ApiError(400, 'missing required field: name'),
  missingUpstream: () => new ApiError(400, 'missing required field: upstream'),
  invalidStream: () => new ApiError(400, 'stream was invalid, can be either upstream or downstream'),
  invalidToxicType: () => new ApiError(400, 'invalid toxic type'),
  toxicExists: () => new ApiError(409, 'toxic already exists'),
  toxicNotFound: () => new ApiError(404, 'toxic not found'),
  badBody: (goMessage: string) => new ApiError(400, `bad request body: ${goMessage}`),
} as const;

/**
 * A Toxiproxy API call made by faultline failed (embedded server or a real one by URL).
 * Exit code 3 (environment failure). `status` is the HTTP status, or `undefined` when there was no
 * HTTP answer; `serverMessage` is the server's own `error` text (e.g. `proxy already exists`,
 * `listen tcp 127.0.0.1:8474: bind: address already in use`), also part of `message`;
 * `unreachable` is set, to the network error (e.g. `fetch failed (connect ECONNREFUSED
 * 127.0.0.1:8474)`), when the request got no answer at all, as opposed to one that was not Toxiproxy's.
 */
export class ProxyError extends FaultlineError {
  /** Stable error code for scripts and reports. */
  static readonly CODE = 'FAULTLINE_PROXY';
  constructor(
    message: string,
    readonly apiUrl: string,
    readonly status: number | undefined,
    readonly serverMessage?: string,
    readonly unreachable?: string,
  ) {
    super(message, ProxyError.CODE, ExitCode.inconclusive);
  }
}
