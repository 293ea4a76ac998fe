import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {checkHistory, checkHistoryAsync} from '../../src/checker/index.js';
import type {HistoryEvent} from '../../src/history/types.js';

/** A valid history: `n` sequential writes then reads on each of `keys` keys. */
function history(keys: number, n: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let t = 0;
  for (let k = 1; k <= keys; k++) {
    for (let v = 1; v <= n; v++) {
      events.push({index: events.length, process: 0, type: 'invoke', f: 'write', key: `k${k}`, value: v, time: t++});
      events.push({index: events.length, process: 0, type: 'ok', f: 'write', key: `k${k}`, value: v, time: t++});
      events.push({index: events.length, process: 1, type: 'invoke', f: 'read', key: `k${k}`, value: null, time: t++});
      events.push({index: events.length, process: 1, type: 'ok', f: 'read', key: `k${k}`, value: v, time: t++});
    }
  }
  return events;
}

describe('checking without blocking the event loop', () => {
  test('the async check gives the same verdict as the synchronous one', async () => {
    const events = history(4, 200);
    const sync = checkHistory(events);
    const async_ = await checkHistoryAsync(events);
    assert.equal(async_.valid, true);
    assert.deepEqual(
      async_.keys.map((k) => [k.key, k.valid, k.operationCount]),
      sync.keys.map((k) => [k.key, k.valid, k.operationCount]),
    );
  });

  test('an aborted check leaves the keys it did not settle unknown, saying it was interrupted', async () => {
    const stop = new AbortController();
    stop.abort();
    const result = await checkHistoryAsync(history(3, 50), {signal: stop.signal});
    assert.equal(result.valid, 'unknown');
    const unknown = result.keys.filter((k) => k.valid === 'unknown');
    assert.ok(unknown.length >= 2, `${unknown.length} keys unknown`);
    for (const k of unknown) assert.equal(k.reason, `interrupted before key ${k.key} was settled`);
  });

  test('timers run while the async check searches', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await checkHistoryAsync(history(8, 400));
    clearInterval(timer);
    assert.ok(ticks > 0);
  });
});
