import http from 'node:http';

/**
 * A POST to etcd's v3 JSON gateway (grpc-gateway in front of the gRPC API, served on the client
 * port: `/v3/kv/range`, `/v3/kv/put`, `/v3/kv/txn`, `/v3/maintenance/status`). Keys and values
 * are base64 in the JSON; 64-bit integers are decimal strings; fields at their zero value
 * (`succeeded: false`, an empty `kvs`) are left out.
 */

/** What came of one gateway request. `sent` says whether the request may have reached etcd. */
export type GatewayResult =
  | {type: 'reply'; status: number; body: Record<string, unknown>}
  | {type: 'no-reply'; sent: boolean; reason: string};

/**
 * POSTs `body` as JSON to `http://host:port/path` on a new connection (no keep-alive: a request is
 * then "not sent" exactly when its connection was never established, so a refused connection is a
 * definite failure and anything later is not).
 * @param timeoutMs give up after this many ms (the connection is destroyed).
 * @returns the HTTP status and the parsed JSON body, or why there was no reply. Never rejects.
 */
export function gatewayPost(host: string, port: number, path: string, body: unknown, timeoutMs: number): Promise<GatewayResult> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const done = (result: GatewayResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = http.request({host, port, path, method: 'POST', agent: false, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(payload)}});
    const timer = setTimeout(() => {
      done({type: 'no-reply', sent: connected, reason: `no reply within ${timeoutMs} ms`});
      req.destroy();
    }, timeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (e) => done({type: 'no-reply', sent: connected, reason: e.message}));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => done({type: 'no-reply', sent: true, reason: e.message}));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed = JSON.parse(text) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
          done({type: 'reply', status: res.statusCode ?? 0, body: parsed as Record<string, unknown>});
        } catch {
          done({type: 'no-reply', sent: true, reason: `HTTP ${res.statusCode}: unreadable body ${JSON.stringify(text.slice(0, 80))}`});
        }
      });
    });
    req.end(payload);
  });
}

/** Base64 of a UTF-8 string, as the gateway wants keys and values. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A UTF-8 string from the gateway's base64. */
export function unb64(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}
