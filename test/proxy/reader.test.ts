import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_READ_BYTES, MIN_READ_BYTES, SocketReader } from '../../src/proxy/reader.js';

// The reader is driven here as Node drives an `onread` socket: `buffer()` for the buffer of the
// next read, then `callback(nread, thatBuffer)` once the kernel filled `nread` bytes of it.

/** Simulates one read of `nread` bytes of value `fill` into the buffer the reader hands out. */
function read(reader: SocketReader, nread: number | 'full', fill = 0): Buffer {
  const buf = reader.onread.buffer();
  const n = nread === 'full' ? buf.length : nread;
  buf.fill(fill, 0, n);
  reader.onread.callback(n, buf);
  return buf;
}

test('read buffers double after each read that filled one, from 64 KiB up to 1 MiB', () => {
  const reader = new SocketReader();
  reader.setSink((_chunk, release) => release());
  const sizes = [];
  for (let i = 0; i < 7; i++) sizes.push(read(reader, 'full').length);
  assert.deepEqual(sizes, [MIN_READ_BYTES, 2 * MIN_READ_BYTES, 4 * MIN_READ_BYTES, 8 * MIN_READ_BYTES, MAX_READ_BYTES, MAX_READ_BYTES, MAX_READ_BYTES]);
  assert.equal(MAX_READ_BYTES, 16 * MIN_READ_BYTES);
});

test('a read that does not fill its buffer keeps the size', () => {
  const reader = new SocketReader();
  reader.setSink((_chunk, release) => release());
  assert.deepEqual([read(reader, 100).length, read(reader, MIN_READ_BYTES - 1).length, read(reader, 5).length], [MIN_READ_BYTES, MIN_READ_BYTES, MIN_READ_BYTES]);
});

test('a buffer is read into again only after its chunk was released, and releasing twice gives it back once', () => {
  const reader = new SocketReader();
  const pending: Array<() => void> = [];
  const chunks: Buffer[] = [];
  reader.setSink((chunk, release) => {
    chunks.push(chunk);
    pending.push(release);
  });
  const half = MIN_READ_BYTES / 2;
  const first = read(reader, half, 1);
  const second = read(reader, half, 2);
  assert.notEqual(second, first, 'the first buffer is still held');
  assert.equal(chunks[0].buffer, first.buffer, 'a large chunk is a view of its read buffer, not a copy');
  assert.deepEqual([chunks[0].length, chunks[0].every((b) => b === 1)], [half, true], 'the held chunk is intact');
  pending[0]();
  pending[0]();
  const third = reader.onread.buffer();
  assert.equal(third, first, 'released, so reused');
  assert.notEqual(reader.onread.buffer(), first, 'given back once, handed out once');
});

test('a chunk under a quarter of its buffer is a copy, and the buffer is free for the next read at once', () => {
  const reader = new SocketReader();
  const chunks: Buffer[] = [];
  reader.setSink((chunk) => chunks.push(chunk)); // never released
  const first = read(reader, MIN_READ_BYTES / 4 - 1, 3);
  assert.notEqual(chunks[0].buffer, first.buffer);
  assert.equal(reader.onread.buffer(), first, 'the read buffer was given back');
  first.fill(0);
  assert.deepEqual([chunks[0].length, chunks[0].every((b) => b === 3)], [MIN_READ_BYTES / 4 - 1, true]);
});

test('chunks read before a sink is set are copied and replayed to it in order', () => {
  const reader = new SocketReader();
  read(reader, 3, 7);
  read(reader, 2, 9);
  const seen: number[][] = [];
  reader.setSink((chunk, release) => {
    seen.push([...chunk]);
    release();
  });
  read(reader, 1, 4);
  assert.deepEqual(seen, [[7, 7, 7], [9, 9], [4]]);
});
