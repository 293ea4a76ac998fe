import {MAX_LINE_BYTES} from './messages.js';

/**
 * Splits a byte stream into NDJSON lines. Feed it chunks as they arrive; it calls `onLine` for each
 * complete line (without the newline, empty lines skipped) and `onOverflow` once for each line longer
 * than `maxLineBytes`, whose bytes are discarded up to the next newline.
 */
export class LineDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void = () => {},
    private readonly maxLineBytes: number = MAX_LINE_BYTES,
  ) {}

  /** Accepts the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, nl));
      this.finishLine();
      start = nl + 1;
    }
  }

  private append(piece: Buffer): void {
    if (piece.length === 0 || this.discarding) return;
    if (this.size + piece.length > this.maxLineBytes) {
      this.parts = [];
      this.size = 0;
      this.discarding = true;
      this.onOverflow();
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private finishLine(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    if (this.size === 0) return;
    const line = this.parts.length === 1 ? this.parts[0].toString('utf8') : Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.size = 0;
    this.onLine(line);
  }
}

/** Encodes one message as an NDJSON line (JSON plus a newline). */
export function encodeLine(message: unknown): string {
  return JSON.stringify(message) + '\n';
}
