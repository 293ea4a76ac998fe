/** The φ-accrual failure detector (Hayashibara et al., SRDS 2004), on synthetic heartbeat series. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ACCEPTABLE_PAUSE_MS, heartbeat, newWindow, phi, phiOf, stats, suspected} from '../../../nodes/hashring/phi.js';

test('φ is −log10(1/2) ≈ 0.30 exactly at the mean, and grows with the delay', () => {
  assert.ok(Math.abs(phiOf(100, 100, 10) - Math.log10(2)) < 1e-9);
  const series = [100, 110, 120, 130, 150].map((t) => phiOf(t, 100, 10));
  for (let i = 1; i < series.length; i++) assert.ok(series[i] > series[i - 1]);
  // one std late: P(later) ≈ 0.159 → φ ≈ 0.80 (normal CDF); three std: P ≈ 0.00135 → φ ≈ 2.87
  assert.ok(Math.abs(phiOf(110, 100, 10) - 0.8) < 0.03);
  assert.ok(Math.abs(phiOf(130, 100, 10) - 2.87) < 0.05);
});

test('regular heartbeats every 100 ms keep φ low; 2 s of silence pushes it over 8', () => {
  const w = newWindow(0, 100);
  for (let t = 100; t <= 5000; t += 100) heartbeat(w, t + ((t / 100) % 3) * 5); // jitter 0–10 ms
  const last = w.lastMs;
  assert.ok(Math.abs(stats(w).meanMs - 100) < 5);
  assert.ok(phi(w, last + 100) < 1);
  assert.ok(!suspected(w, last + 300, 8));
  assert.ok(suspected(w, last + 2000, 8));
  // the first time φ exceeds 8 lies between mean + pause and 2 s
  let t = last;
  while (!suspected(w, t, 8)) t += 10;
  assert.ok(t - last > 100 + ACCEPTABLE_PAUSE_MS && t - last < 2000, `suspected after ${t - last} ms`);
});

test('a jittery series is suspected later than a regular one with the same mean', () => {
  const regular = newWindow(0, 100);
  const jittery = newWindow(0, 100);
  let a = 0;
  let b = 0;
  for (let i = 0; i < 60; i++) {
    heartbeat(regular, (a += 100));
    heartbeat(jittery, (b += i % 2 === 0 ? 20 : 180));
  }
  const firstSuspicion = (w: typeof regular) => {
    let t = w.lastMs;
    while (!suspected(w, t, 8)) t += 5;
    return t - w.lastMs;
  };
  assert.ok(firstSuspicion(jittery) > firstSuspicion(regular));
});

test('a peer never heard from is suspected after a few expected intervals', () => {
  const w = newWindow(0, 100);
  assert.ok(!suspected(w, 200));
  assert.ok(suspected(w, 1000));
});

test('a heartbeat after suspicion brings φ back down', () => {
  const w = newWindow(0, 100);
  for (let t = 100; t <= 2000; t += 100) heartbeat(w, t);
  assert.ok(suspected(w, 4000));
  heartbeat(w, 4000);
  assert.ok(!suspected(w, 4050));
});
