import net from 'node:net';
import {encodeLine, LineDecoder, parseAnyClientReply, type AnyClientReply, type AnyClientRequest} from '../protocol/index.js';

/** Why a request got no reply. `sent` says whether the request may have reached the node. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    /** false: the request certainly never left this process (a definite failure). */
    readonly sent: boolean,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

type Pending = {resolve: (r: AnyClientReply) => void; reject: (e: RequestFailed) => void; timer: NodeJS.Timeout};

/** A request without its id; the connection assigns ids. */
export type RequestBody = AnyClientRequest extends infer R ? (R extends {id: number} ? Omit<R, 'id'> : never) : never;

/**
 * One NDJSON connection to a node's client port (directly or through a client proxy), with
 * request ids matched to replies (docs/protocol.md). Replies that are not valid protocol
 * messages close the connection and fail pending requests as `sent`.
 */
export class NodeConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedReason: string | null = null;

  private constructor(private readonly socket: net.Socket) {
    const decoder = new LineDecoder(
      (line) => this.onLine(line),
      () => this.fail('reply line too long'),
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', (e) => this.fail(e.message));
    socket.on('close', () => this.fail('connection closed'));
  }

  /**
   * Connects to `host:port`.
   * @param timeoutMs give up connecting after this many ms.
   * @throws RequestFailed (sent: false) when the connection is refused or times out.
   */
  static connect(host: string, port: number, timeoutMs: number): Promise<NodeConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({host, port});
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RequestFailed(`connect to ${host}:${port} timed out after ${timeoutMs} ms`, false));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new NodeConnection(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RequestFailed(`connect to ${host}:${port}: ${e.message}`, false));
      });
    });
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  /**
   * Sends one request and waits for its reply.
   * @param timeoutMs wait at most this long for the reply.
   * @throws RequestFailed: `sent: false` when the connection was already closed, `sent: true` on a
   *   timeout or when the connection closed while the request was outstanding.
   */
  request(body: RequestBody, timeoutMs: number): Promise<AnyClientReply> {
    if (this.closedReason !== null) return Promise.reject(new RequestFailed(this.closedReason, false));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestFailed(`no reply within ${timeoutMs} ms`, true));
      }, timeoutMs);
      this.pending.set(id, {resolve, reject, timer});
      this.socket.write(encodeLine({...body, id}));
    });
  }

  /** Closes the connection; pending requests fail as `sent`. */
  close(): void {
    this.fail('connection closed by client');
    this.socket.destroy();
  }

  private onLine(line: string): void {
    let reply: AnyClientReply;
    try {
      reply = parseAnyClientReply(line);
    } catch (e) {
      this.fail(`bad reply from node: ${(e as Error).message}`);
      this.socket.destroy();
      return;
    }
    if (reply.id === null) return;
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  private fail(reason: string): void {
    if (this.closedReason === null) this.closedReason = reason;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new RequestFailed(reason, true));
    }
  }
}

/**
 * Sends one admin request (status, clock, replicas) over a short-lived connection.
 * @returns the reply.
 * @throws RequestFailed when the node cannot be reached or does not answer within `timeoutMs`.
 */
export async function adminRequest(host: string, port: number, body: RequestBody, timeoutMs: number): Promise<AnyClientReply> {
  const conn = await NodeConnection.connect(host, port, timeoutMs);
  try {
    return await conn.request(body, timeoutMs);
  } finally {
    conn.close();
  }
}

/**
 * Asks a node for its status over a short-lived connection.
 * @returns the reply, or null when the node did not answer within `timeoutMs`.
 */
export async function queryStatus(host: string, port: number, timeoutMs: number): Promise<AnyClientReply | null> {
  return adminRequest(host, port, {type: 'status'}, timeoutMs).catch(() => null);
}
