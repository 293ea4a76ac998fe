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

/** Starts the client server on 127.0.0.1:`port`. Resolves once listening. */
export async function serveClients(port: number, handle: RequestHandler): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const reply: ReplyFn = (r) => {
      if (!socket.destroyed && socket.writable) socket.write(encodeLine(r));
    };
    const decoder = new LineDecoder(
      (line) => {
        let request: ClientRequest;
        try {
          request = parseClientRequest(line);
        } catch (err) {
          const text = err instanceof ProtocolError ? err.message : String(err);
          reply({type: 'error', id: requestIdOf(line), code: 'malformed', definite: true, text});
          return;
        }
        handle(request, reply);
      },
      () => reply({type: 'error', id: null, code: 'too_long', definite: true, text: 'request line too long'}),
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
  });
  return listen(server, port);
}
