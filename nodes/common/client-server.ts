/**
 * Client and admin server of a built-in node: NDJSON requests in, replies out, on 127.0.0.1.
 *
 * A line that does not parse gets `error malformed` (definite, with the id if one could be found),
 * an over-long line gets `error too_long`; the connection stays open and the node keeps running.
 */
import net from 'node:net';
import {
  LineDecoder,
  ProtocolError,
  encodeLine,
  parseClientRequest,
  requestIdOf,
  type ClientReply,
  type ClientRequest,
} from '../../src/protocol/index.js';
import {listen} from './transport.js';

/** Sends a reply to the client connection a request came from; a no-op once it has closed. */
export type ReplyFn = (reply: ClientReply) => void;

/** Called once per well-formed request. */
export type RequestHandler = (request: ClientRequest, reply: ReplyFn) => void;

/**
 * Starts the client server on 127.0.0.1:`port`. Resolves once listening. `parse` reads one request
 * line (default: the register protocol's `parseClientRequest`; the hash ring adds set requests).
 * @throws ProtocolError from `parse` is answered `malformed`, never thrown out.
 */
export async function serveClients<Req = ClientRequest, Rep = ClientReply>(
  port: number,
  handle: (request: Req, reply: (r: Rep) => void) => void,
  parse: (line: string) => Req = parseClientRequest as unknown as (line: string) => Req,
): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const write = (r: unknown): void => {
      if (!socket.destroyed && socket.writable) socket.write(encodeLine(r));
    };
    const reply = write as (r: Rep) => void;
    const decoder = new LineDecoder(
      (line) => {
        let request: Req;
        try {
          request = parse(line);
        } catch (err) {
          const text = err instanceof ProtocolError ? err.message : String(err);
          write({type: 'error', id: requestIdOf(line), code: 'malformed', definite: true, text});
          return;
        }
        handle(request, reply);
      },
      () => write({type: 'error', id: null, code: 'too_long', definite: true, text: 'request line too long'}),
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
  });
  return listen(server, port);
}
