/**
 * A wire message that cannot be accepted: not JSON, not an object, or a field of the wrong type.
 * Inside a node it becomes an error reply (`malformed`) and the node keeps running.
 */
export class ProtocolError extends Error {
  readonly code = 'FAULTLINE_PROTOCOL_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
