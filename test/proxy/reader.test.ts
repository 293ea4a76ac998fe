import { test } from 'node:test';
import assert from 'node:assert/strict';
import { READ_BUFFER_BYTES, ReadBuffers, SocketReader } from '../../src/proxy/reader.js';

// The reader is driven here as Node drives an `onread` socket: `buffer()` for the buffer of the
// next read, then `callback(nread, thatBuffer)` once the kernel filled `nread` bytes of it. Each
// test has its own ReadBuffers, so that no test sees another's pool.

/** Simulates one read of `nread` bytes of value `fill` into the buffer the reader hands out. */
function read(reader: SocketReader, nread: number | 'full', fill = 0): Buffer {
  const buf = reader.onread.buffer();
  const n = nread === 'full' ? buf.length : nread;
  buf.fill(fill, 0, n);
  reader.onread.callback(n, buf);
  return buf;
}

/** A reader whose chunks are kept, with their release functions. */
function keepingReader(buffers: ReadBuffers): { reader: SocketReader; chunks: Buffer[]; releases: Array<() => void> } {
  const reader = new SocketReader(buffers);
  const chunks: Buffer[] = [];
  const releases: Array<() => void> = [];
  reader.setSink((chunk, release) => {
    chunks.push(chunk);
    releases.push(release);
  });
  return { reader, chunks, releases };
}

test('sockets read into one shared buffer until a read fills it, then into buffers of their own until one does not', () => {
  const buffers = new ReadBuffers();
  const a = new SocketReader(buffers);
  const b = new SocketReader(buffers);
  for (const r of [a, b]) r.setSink((_chunk, release) => release());
  assert.equal(a.onread.buffer(), buffers.parking, 'a new socket reads into the shared buffer');
  assert.equal(b.onread.buffer(), buffers.parking);
  assert.equal(buffers.parking.length, READ_BUFFER_BYTES);
  const used = [read(a, 'full'), read(a, 'full'), read(a, 100), read(a, 'full')];
  assert.deepEqual(
    used.map((buf) => buf === buffers.parking),
    [true, false, false, true],
    'own buffers after a read that filled one, the shared one again after a read that did not',
  );
  assert.equal(used[1].length, READ_BUFFER_BYTES);
  assert.notEqual(a.onread.buffer(), buffers.parking, 'the last read filled its buffer');
  assert.equal(b.onread.buffer(), buffers.parking, 'b never filled one');
});

test('what a socket read into the shared buffer is copied out before another socket reads into it', () => {
  const buffers = new ReadBuffers();
  const a = keepingReader(buffers);
  const b = keepingReader(buffers);
  const large = READ_BUFFER_BYTES / 2;
  read(a.reader, large, 1);
  read(a.reader, 10, 2);
  read(b.reader, 'full', 3);
  // b's read overwrote the shared buffer: a's chunks must not have been views of it.
  assert.deepEqual(
    a.chunks.map((c) => [c.length, c[0], c.every((x) => x === c[0]), c.buffer === buffers.parking.buffer]),
    [
      [large, 1, true, false],
      [10, 2, true, false],
    ],
  );
  assert.deepEqual([b.chunks[0].length, b.chunks[0].every((x) => x === 3)], [READ_BUFFER_BYTES, true]);
});

test('a buffer of its own is read into again only after its chunk was released, and releasing twice gives it back once', () => {
  const buffers = new ReadBuffers();
  const { reader, chunks, releases } = keepingReader(buffers);
  read(reader, 'full', 1); // into the shared buffer: from now on, buffers of its own
  const first = read(reader, 'full', 2);
  const second = read(reader, 'full', 3);
  assert.notEqual(second, first, 'the first buffer is still held');
  assert.equal(chunks[1].buffer, first.buffer, 'a large chunk is a view of its read buffer, not a copy');
  assert.deepEqual([chunks[1].length, chunks[1].every((b) => b === 2)], [READ_BUFFER_BYTES, true], 'the held chunk is intact');
  releases[1]();
  releases[1]();
  assert.equal(buffers.take(), first, 'released, so reused');
  assert.notEqual(buffers.take(), first, 'given back once, handed out once');
});

test('a chunk under a quarter of its buffer is a copy, and the buffer is free for the next read at once', () => {
  const buffers = new ReadBuffers();
  const { reader, chunks } = keepingReader(buffers); // never released
  read(reader, 'full');
  const own = read(reader, READ_BUFFER_BYTES / 4 - 1, 3);
  assert.notEqual(own, buffers.parking);
  assert.notEqual(chunks[1].buffer, own.buffer);
  assert.equal(buffers.take(), own, 'the read buffer was given back');
  own.fill(0);
  assert.deepEqual([chunks[1].length, chunks[1].every((b) => b === 3)], [READ_BUFFER_BYTES / 4 - 1, true]);
});

test('the pool keeps at most its number of free buffers', () => {
  const buffers = new ReadBuffers(2);
  const taken = [buffers.take(), buffers.take(), buffers.take()];
  for (const b of taken) buffers.giveBack(b);
  assert.deepEqual([buffers.take(), buffers.take()], [taken[1], taken[0]]);
  assert.ok(!taken.includes(buffers.take()), 'the third was left to the GC');
});

test('chunks read before a sink is set are copied and replayed to it in order', () => {
  const reader = new SocketReader(new ReadBuffers());
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
