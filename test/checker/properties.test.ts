/**
 * Property tests (fast-check): histories recorded from a real sequential execution of a register
 * are linearizable, and two kinds of corruption make them not.
 *
 * The execution: clients run operations one at a time, each with a random interval; every
 * operation that takes effect does so at one instant inside its interval (its linearization
 * point), applied in that order to one register. `info` operations took effect or not, at
 * random, and their client continues as a new process; `fail` ones did not take effect. Every
 * value written is fresh (a write or a successful cas to value v is the only source of v), so a
 * corruption can be made certainly illegal.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {type AnyModel, casRegister, checkHistory, type Operation, pairOperations} from '../../src/checker/index.js';
import type {HistoryEvent, OpFunction} from '../../src/history/types.js';
import {history} from './helpers.js';

interface PlannedOp {
  client: number;
  kind: 'read' | 'write' | 'cas';
  /** cas: which earlier fresh value to compare with (index into the values seen so far). */
  pick: number;
  waitNs: number;
  toPointNs: number;
  toReturnNs: number;
  outcome: 'ok' | 'info' | 'fail';
  /** For info operations: whether it took effect. */
  applied: boolean;
}

/** One recorded operation, after the execution. */
interface Recorded {
  process: number;
  f: OpFunction;
  invokeValue: unknown;
  callNs: number;
  pointNs: number;
  returnNs: number;
  type: 'ok' | 'info' | 'fail';
  /** ok reads: the value read. */
  read: number | null;
  /** The register's value just before this operation took effect (writes that took effect). */
  before: number | null;
  tookEffect: boolean;
}

const plannedOp = fc.record({
  client: fc.nat({max: 4}),
  kind: fc.constantFrom('read' as const, 'read' as const, 'write' as const, 'cas' as const),
  pick: fc.nat({max: 1000}),
  waitNs: fc.nat({max: 30}),
  toPointNs: fc.nat({max: 30}),
  toReturnNs: fc.nat({max: 30}),
  outcome: fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'ok' as const, 'info' as const, 'fail' as const),
  applied: fc.boolean(),
});

const plans = fc.array(plannedOp, {minLength: 1, maxLength: 24});

/** Runs the plan against one register and records what each client saw. */
function execute(plan: PlannedOp[]): Recorded[] {
  const freeAt = [0, 0, 0, 0, 0];
  const processOf = [0, 1, 2, 3, 4];
  let nextProcess = 5;
  const ops: Recorded[] = plan.map((p, i) => {
    const callNs = freeAt[p.client] + p.waitNs;
    const pointNs = callNs + p.toPointNs;
    const returnNs = pointNs + p.toReturnNs;
    freeAt[p.client] = returnNs + 1;
    const process = processOf[p.client];
    // A read never fails in faultline's clients; make a planned read failure an info.
    const type = p.kind === 'read' && p.outcome === 'fail' ? 'info' : p.outcome;
    if (type === 'info') processOf[p.client] = nextProcess++;
    const fresh = i + 1;
    const invokeValue = p.kind === 'read' ? null : p.kind === 'write' ? fresh : [p.pick, fresh];
    return {process, f: p.kind, invokeValue, callNs, pointNs, returnNs, type, read: null, before: null, tookEffect: type === 'ok' || (type === 'info' && p.applied)};
  });
  // Values written so far, in order, for the cas `pick`s.
  const written: number[] = [];
  let register: number | null = null;
  const order = ops.map((_, i) => i).sort((a, b) => ops[a].pointNs - ops[b].pointNs || a - b);
  for (const i of order) {
    const op = ops[i];
    const p = plan[i];
    if (op.f === 'cas') {
      // Compare with a value that was written before (so that some cas succeed), or a fresh miss.
      const from = written.length === 0 ? -1 : written[p.pick % written.length];
      op.invokeValue = [from, (op.invokeValue as number[])[1]];
    }
    if (!op.tookEffect) continue;
    op.before = register;
    if (op.f === 'read') op.read = register;
    else if (op.f === 'write') {
      register = op.invokeValue as number;
      written.push(register);
    } else {
      const [from, to] = op.invokeValue as [number, number];
      if (register === from) {
        register = to;
        written.push(to);
      } else if (op.type === 'ok') {
        // The comparison failed: faultline's clients report that as fail (it did not happen).
        op.type = 'fail';
      }
    }
  }
  return ops;
}

/** The history events of recorded operations, in time order (invokes first at equal times). */
function toEvents(ops: Recorded[]): HistoryEvent[] {
  const raw: Array<Omit<HistoryEvent, 'index'> & {order: number}> = [];
  for (const op of ops) {
    raw.push({process: op.process, type: 'invoke', f: op.f, key: 'k1', value: op.invokeValue, time: op.callNs, order: 0});
    const value = op.f === 'read' ? (op.type === 'ok' ? op.read : null) : op.invokeValue;
    raw.push({process: op.process, type: op.type, f: op.f, key: 'k1', value, time: op.returnNs, order: 1});
  }
  raw.sort((a, b) => a.time - b.time || a.order - b.order);
  return raw.map(({order: _order, ...event}, index) => ({index, ...event}));
}

const RUNS = {numRuns: 300};

test('a history recorded from a sequential execution with random concurrency and info operations is linearizable', () => {
  fc.assert(
    fc.property(plans, (plan) => {
      const result = checkHistory(toEvents(execute(plan)));
      assert.equal(result.valid, true, result.reason);
    }),
    RUNS,
  );
});

test('the same history with one read changed to a value never written is not linearizable', () => {
  fc.assert(
    fc.property(plans, fc.nat(), (plan, choice) => {
      const ops = execute(plan);
      const reads = ops.filter((op) => op.f === 'read' && op.type === 'ok');
      fc.pre(reads.length > 0);
      reads[choice % reads.length].read = 1_000_000; // fresh values are at most 24
      const result = checkHistory(toEvents(ops));
      assert.equal(result.valid, false);
      assert.ok(result.keys[0].evidence !== undefined);
    }),
    RUNS,
  );
});

test('the same history with a completed write hidden from a read that began after it completed is not linearizable', () => {
  fc.assert(
    fc.property(plans, fc.nat(), (plan, choice) => {
      const ops = execute(plan);
      // Pairs (write w, read r): w completed ok before r was invoked, and the value w overwrote
      // can never come back after w: it is the initial nil, or a value whose only source
      // completed before w was invoked.
      const pairs: Array<[Recorded, Recorded]> = [];
      for (const w of ops) {
        if (w.f !== 'write' || w.type !== 'ok') continue;
        const source = ops.find((p) => p.f !== 'read' && p.tookEffect && p.type === 'ok' && (p.f === 'write' ? p.invokeValue : (p.invokeValue as number[])[1]) === w.before);
        const gone = w.before === null || (source !== undefined && source.returnNs < w.callNs);
        if (!gone) continue;
        for (const r of ops) if (r.f === 'read' && r.type === 'ok' && r.callNs > w.returnNs) pairs.push([w, r]);
      }
      fc.pre(pairs.length > 0);
      const [w, r] = pairs[choice % pairs.length];
      r.read = w.before; // the read misses w's effect
      const result = checkHistory(toEvents(ops));
      assert.equal(result.valid, false);
    }),
    RUNS,
  );
});

/**
 * The reference: every order of the operations that respects real time (an operation that
 * returned before another was invoked comes first; `info` operations may be left out), tried
 * one by one. Exponential, so only for a handful of operations.
 */
function bruteForceLinearizable(ops: readonly Operation[], model: AnyModel): boolean {
  const used = new Array<boolean>(ops.length).fill(false);
  const search = (state: unknown, placed: number): boolean => {
    if (ops.every((op, i) => used[i] || op.status === 'info')) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      // i may go next only if no unplaced definite operation returned before i was invoked.
      if (ops.some((other, j) => !used[j] && j !== i && other.returnNs < ops[i].callNs)) continue;
      const result = model.step(state, ops[i].input, ops[i].output) as {ok: boolean; state: unknown};
      if (!result.ok) continue;
      const after = result.state;
      used[i] = true;
      const found = search(after, placed + 1);
      used[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(model.init(), 0);
}

const smallOp = fc.record({
  process: fc.nat({max: 30}),
  f: fc.constantFrom('read' as const, 'write' as const, 'cas' as const),
  value: fc.nat({max: 2}),
  to: fc.nat({max: 2}),
  read: fc.option(fc.nat({max: 2}), {nil: null}),
  call: fc.nat({max: 8}),
  length: fc.nat({max: 5}),
  type: fc.constantFrom('ok' as const, 'ok' as const, 'info' as const, 'fail' as const),
});

test('on small arbitrary histories the search agrees with trying every order (its pruning changes no verdict)', () => {
  fc.assert(
    fc.property(fc.array(smallOp, {minLength: 1, maxLength: 7}), fc.boolean(), (specs, compareFailed) => {
      const model = casRegister(compareFailed ? {failedCas: 'compare-failed'} : {});
      // One operation per process, so the history is well-formed whatever the intervals.
      const events = history(
        specs.map((s, i) => ({
          process: i,
          f: s.f,
          value: s.f === 'cas' ? [s.value, s.to] : s.value,
          read: s.read,
          type: s.type,
          call: s.call,
          ret: s.call + s.length,
        })),
      );
      const operations = pairOperations(events, model);
      const expected = bruteForceLinearizable(operations, model);
      assert.equal(checkHistory(events, {model}).valid, expected);
    }),
    {numRuns: 3000},
  );
});
