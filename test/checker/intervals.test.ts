import assert from 'node:assert/strict';
import {test} from 'node:test';
import {checkHistory} from '../../src/checker/index.js';
import {history} from './helpers.js';

test('an operation invoked at the instant another returns is concurrent with it (closed intervals)', () => {
  // The read is invoked at t=1 when the write returns at t=1: either order is allowed, so a
  // read of nil is legal (the read may linearize first, at t=1).
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', read: null, call: 1, ret: 2},
  ]);
  assert.equal(checkHistory(events).valid, true);
});

test('an operation invoked just after another returns must see its effect', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', read: null, call: 1.000000001, ret: 2},
  ]);
  assert.equal(checkHistory(events).valid, false);
});

test('event order in the input does not matter when times say the same', () => {
  const events = history([
    {process: 0, f: 'write', value: 1, call: 0, ret: 1},
    {process: 1, f: 'read', read: null, call: 1, ret: 2},
  ]);
  // Put the read's invoke before the write's completion in the array: same verdict.
  const reordered = [events[0], events[2], events[1], events[3]];
  assert.equal(checkHistory(reordered).valid, true);
});
