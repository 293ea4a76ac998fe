/**
 * Durable append-only record file: one JSON value per line, written with `fs.writeSync` and made
 * durable with `fs.fsyncSync`. Replayed in order at start. A torn last line (the node was killed
 * with SIGKILL in the middle of a write) is detected and cut off, so the file stays appendable.
 *
 * Callers batch: `append` as often as they like during one event-loop turn, then `sync` once
 * before any message that depends on the records leaves the process.
 */
import fs from 'node:fs';
import path from 'node:path';

/** What `RecordFile.open` found on disk. */
export interface Replay<T> {
  records: T[];
  /** Bytes cut from the end of the file because the last line was incomplete or not JSON. */
  tornBytes: number;
}

/** An open record file. Not safe for concurrent writers; one node process owns its data dir. */
export class RecordFile<T> {
  private dirty = false;

  private constructor(
    private fd: number,
    /** Absolute path of the file, for log lines. */
    readonly filePath: string,
  ) {}

  /**
   * Opens (creating the directory and file if needed) and replays `fileName` inside `dir`.
   * `validate` turns each parsed line into a record; a line it rejects (throws) in the middle of the
   * file is an error, at the end it is treated as torn.
   * @throws Error if a line other than the last one is corrupt.
   */
  static open<T>(dir: string, fileName: string, validate: (value: unknown) => T): {file: RecordFile<T>; replay: Replay<T>} {
    fs.mkdirSync(dir, {recursive: true});
    const filePath = path.resolve(dir, fileName);
    const fd = fs.openSync(filePath, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o644);
    const text = fs.readFileSync(fd).toString('utf8');
    const records: T[] = [];
    const lines = text.split('\n');
    // Every element but the last ended with a newline; the last is '' or an unterminated (torn) tail.
    const complete = lines.length - 1;
    let goodBytes = 0;
    for (let i = 0; i < complete; i++) {
      try {
        records.push(validate(JSON.parse(lines[i])));
      } catch (err) {
        if (i === complete - 1 && lines[complete] === '') break; // torn last line
        throw new Error(`${filePath}: corrupt record on line ${i + 1}: ${(err as Error).message}`);
      }
      goodBytes += Buffer.byteLength(lines[i]) + 1;
    }
    const totalBytes = Buffer.byteLength(text);
    if (goodBytes < totalBytes) {
      fs.ftruncateSync(fd, goodBytes);
      fs.fsyncSync(fd);
    }
    return {file: new RecordFile<T>(fd, filePath), replay: {records, tornBytes: totalBytes - goodBytes}};
  }

  /** Appends records (buffered by the OS until `sync`). */
  append(records: readonly T[]): void {
    if (records.length === 0) return;
    let chunk = '';
    for (const r of records) chunk += JSON.stringify(r) + '\n';
    fs.writeSync(this.fd, chunk);
    this.dirty = true;
  }

  /** fsyncs everything appended since the last sync; a no-op when nothing was appended. */
  sync(): void {
    if (!this.dirty) return;
    fs.fsyncSync(this.fd);
    this.dirty = false;
  }

  /**
   * Replaces the whole file with `records` (log compaction): writes them to `<file>.tmp`, fsyncs it,
   * renames it over the file and fsyncs the directory, so that a crash at any point leaves either
   * the old file or the new one. Used after a snapshot (nodes/paxos).
   */
  rewrite(records: readonly T[]): void {
    const tmp = this.filePath + '.tmp';
    let chunk = '';
    for (const r of records) chunk += JSON.stringify(r) + '\n';
    const tfd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
    try {
      fs.writeSync(tfd, chunk);
      fs.fsyncSync(tfd);
    } finally {
      fs.closeSync(tfd);
    }
    fs.renameSync(tmp, this.filePath);
    const dfd = fs.openSync(path.dirname(this.filePath), fs.constants.O_RDONLY);
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.filePath, fs.constants.O_RDWR | fs.constants.O_APPEND, 0o644);
    this.dirty = false;
  }

  /** Syncs and closes the file. */
  close(): void {
    this.sync();
    fs.closeSync(this.fd);
  }
}
