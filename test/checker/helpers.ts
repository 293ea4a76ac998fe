/**
 * Builders for hand-written histories. Times are given in whole "ticks" of 1 s (converted to
 * nanoseconds) so textbook histories read like their timeline drawings.
 */
import type {HistoryEvent, OpFunction} from '../../src/history/types.js';
import type {Rng} from '../../src/rng/index.js';

const NS_PER_S = 1_000_000_000;

/** One operation of a hand-written history: its interval in seconds and its outcome. */
export interface OpSpec {
  process: number;
  f: OpFunction;
  key?: string;
  /** Invoke value: the integer written, or [from, to] for cas; ignored for reads. */
  value?: unknown;
  /** The value a read returned (reads only). */
  read?: number | null;
  /** Completion type. @default 'ok' */
  type?: 'ok' | 'fail' | 'info';
  /** Invoke time, seconds. */
  call: number;
  /** Completion time, seconds; omitted = the history ends with the operation open. */
  ret?: number;
}

/** Events of the operations, ordered by time (invokes before completions at equal times). */
export function history(ops: OpSpec[]): HistoryEvent[] {
  const raw: Array<Omit<HistoryEvent, 'index'> & {order: number}> = [];
  for (const op of ops) {
    const key = op.key ?? 'k1';
    const invokeValue = op.f === 'read' ? null : op.value;
    raw.push({process: op.process, type: 'invoke', f: op.f, key, value: invokeValue, time: op.call * NS_PER_S, order: 0});
    if (op.ret !== undefined) {
      const type = op.type ?? 'ok';
      const value = op.f === 'read' ? (type === 'ok' ? (op.read ?? null) : null) : op.value;
      raw.push({process: op.process, type, f: op.f, key, value, time: op.ret * NS_PER_S, order: 1});
    }
  }
  raw.sort((a, b) => a.time - b.time || a.order - b.order);
  return raw.map(({order: _order, ...event}, index) => ({index, ...event}));
}

/** Options of `generateRegisterHistory`. */
export interface GeneratorOptions {
  operations: number;
  clients: number;
  keys: number;
  /** Chance that an operation's outcome is reported as `info` (it may or may not have taken effect). */
  infoRate?: number;
  /** Chance that an operation is reported `fail` (it did not take effect). */
  failRate?: number;
}

/**
 * A linearizable history of an atomic cas register per key: each operation gets a random
 * interval and takes effect at a random instant inside it (its linearization point), so the
 * history is linearizable by construction. `info` operations take effect (or not, at random)
 * and their client continues as a new process; `fail` operations never take effect.
 */
export function generateRegisterHistory(rng: Rng, options: GeneratorOptions): HistoryEvent[] {
  interface Planned {
    process: number;
    f: OpFunction;
    key: string;
    value: unknown;
    callNs: number;
    pointNs: number;
    returnNs: number;
    outcome: 'ok' | 'fail' | 'info';
    applies: boolean;
    read: number | null;
    casOk: boolean;
  }
  const planned: Planned[] = [];
  const clientFreeAt = new Array<number>(options.clients).fill(0);
  const processOf = clientFreeAt.map((_, i) => i);
  let nextProcess = options.clients;
  for (let n = 0; n < options.operations; n++) {
    const client = rng.int(0, options.clients - 1);
    const callNs = clientFreeAt[client] + rng.int(0, 3000);
    const pointNs = callNs + rng.int(0, 5000);
    const returnNs = pointNs + rng.int(0, 5000);
    const kind = rng.int(0, 9);
    const f: OpFunction = kind < 4 ? 'read' : kind < 7 ? 'write' : 'cas';
    const value = f === 'read' ? null : f === 'write' ? rng.int(0, 4) : [rng.int(0, 4), rng.int(0, 4)];
    const roll = rng.float();
    const outcome = f !== 'read' && roll < (options.infoRate ?? 0) ? 'info' : roll > 1 - (options.failRate ?? 0) ? 'fail' : 'ok';
    const applies = outcome === 'ok' || (outcome === 'info' && rng.int(0, 1) === 1);
    const process = processOf[client];
    if (outcome === 'info') processOf[client] = nextProcess++;
    planned.push({process, f, key: `k${rng.int(0, options.keys - 1)}`, value, callNs, pointNs, returnNs, outcome, applies, read: null, casOk: true});
    clientFreeAt[client] = returnNs + 1;
  }
  // Apply effects at the linearization points, in order.
  const registers = new Map<string, number | null>();
  for (const op of [...planned].sort((a, b) => a.pointNs - b.pointNs)) {
    if (!op.applies) continue;
    const current = registers.get(op.key) ?? null;
    if (op.f === 'read') op.read = current;
    else if (op.f === 'write') registers.set(op.key, op.value as number);
    else {
      const [from, to] = op.value as [number, number];
      if (current === from) registers.set(op.key, to);
      else op.casOk = false;
    }
  }
  const raw: Array<Omit<HistoryEvent, 'index'> & {order: number}> = [];
  for (const op of planned) {
    raw.push({process: op.process, type: 'invoke', f: op.f, key: op.key, value: op.value, time: op.callNs, order: 0});
    // A cas whose comparison failed is reported `fail` (it did not take effect), as faultline's clients do.
    const type = op.outcome === 'ok' && !op.casOk ? 'fail' : op.outcome;
    raw.push({process: op.process, type, f: op.f, key: op.key, value: op.f === 'read' ? (type === 'ok' ? op.read : null) : op.value, time: op.returnNs, order: 1});
  }
  raw.sort((a, b) => a.time - b.time || a.order - b.order);
  return raw.map(({order: _order, ...event}, index) => ({index, ...event}));
}
