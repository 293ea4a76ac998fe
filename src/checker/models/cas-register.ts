import {HistoryFormatError} from '../../errors/index.js';
import {locateByIndex} from '../locate.js';
import type {CheckableEvent, EventLocator, Model, OperationStatus, StepResult} from '../types.js';
import {completionStatus, defineModel, reusableOutcome} from './define.js';

/** A register value: an integer, or null while the register is absent. */
export type RegisterValue = number | null;

/** Input of the cas-register model. */
export type RegisterInput =
  | {f: 'read'}
  | {f: 'write'; value: RegisterValue}
  | {f: 'cas'; from: RegisterValue; to: RegisterValue};

/**
 * Output of the cas-register model: the value a read returned (`value`, meaningless unless
 * `known`), and for a cas whether the comparison succeeded (`ok`: true for an `ok` cas, false
 * for a compare-failed cas under `failedCas: 'compare-failed'`).
 * `known` is false for `info` operations: any outcome is allowed.
 */
export interface RegisterOutput {
  known: boolean;
  ok: boolean;
  value: RegisterValue;
}

/** Options of `casRegister`. */
export interface CasRegisterOptions {
  /** Value of the register before the first operation. @default null (absent) */
  initial?: RegisterValue;
  /**
   * A read returning null is legal in any state (Knossos' cas-register model does this).
   * @default false
   */
  nilReadMatchesAny?: boolean;
  /**
   * What a `fail` cas means. `'did-not-happen'` (Jepsen, faultline's own histories): dropped
   * from the search like every `fail`. `'compare-failed'` (Porcupine's etcd logs): the cas ran
   * and its comparison failed, which is legal iff the register did not hold `from`.
   * `fail` reads and writes are dropped in both conventions.
   * @default 'did-not-happen'
   */
  failedCas?: 'did-not-happen' | 'compare-failed';
}

const READ_ANY: RegisterOutput = {known: false, ok: true, value: null};

/**
 * The compare-and-set register of faultline's register workload and of Jepsen/Knossos:
 * `read` returns the value, `write v` sets it, `cas [from to]` sets `to` iff it holds `from`.
 * Deterministic. State: the value (null = absent).
 */
export function casRegister(options: CasRegisterOptions = {}): Model<RegisterValue, RegisterInput, RegisterOutput> {
  const initial = options.initial ?? null;
  const nilReadMatchesAny = options.nilReadMatchesAny ?? false;
  const compareFailed = (options.failedCas ?? 'did-not-happen') === 'compare-failed';

  const outcome = reusableOutcome<RegisterValue>(initial);

  function parse(invoke: CheckableEvent, completion: CheckableEvent | null, locate: EventLocator = locateByIndex) {
    const status: OperationStatus = completionStatus(completion);
    const at = locate(invoke);
    switch (invoke.f) {
      case 'read': {
        if (status === 'fail') return null;
        const output = status === 'ok' ? {known: true, ok: true, value: registerValue(completion!.value, locate(completion!))} : READ_ANY;
        return {input: {f: 'read'} as RegisterInput, output, status};
      }
      case 'write': {
        if (status === 'fail') return null;
        return {input: {f: 'write', value: registerValue(invoke.value, at)} as RegisterInput, output: READ_ANY, status};
      }
      case 'cas': {
        const pair = invoke.value;
        if (!Array.isArray(pair) || pair.length !== 2) throw new HistoryFormatError(`${at}: expected a cas value [from, to], got ${JSON.stringify(pair)}`);
        const input: RegisterInput = {f: 'cas', from: registerValue(pair[0], at), to: registerValue(pair[1], at)};
        if (status === 'fail') {
          if (!compareFailed) return null;
          return {input, output: {known: true, ok: false, value: null}, status: 'fail' as OperationStatus};
        }
        return {input, output: status === 'ok' ? {known: true, ok: true, value: null} : READ_ANY, status};
      }
      default:
        throw new HistoryFormatError(`${at}: expected a function read, write or cas (the cas-register model), got ${JSON.stringify(invoke.f)}`);
    }
  }

  function step(state: RegisterValue, input: RegisterInput, output: RegisterOutput): StepResult<RegisterValue> {
    switch (input.f) {
      case 'read':
        return outcome(!output.known || output.value === state || (nilReadMatchesAny && output.value === null), state);
      case 'write':
        return outcome(true, input.value);
      case 'cas':
        if (state === input.from) return outcome(!output.known || output.ok, input.to);
        return outcome(!output.known || !output.ok, state);
    }
  }

  return defineModel<RegisterValue, RegisterInput, RegisterOutput>({
    name: 'cas-register',
    init: () => initial,
    parse,
    step,
    // A read never changes the register; nor does a cas whose comparison is known to have failed.
    readOnly: (input, output) => input.f === 'read' || (input.f === 'cas' && output.known && !output.ok),
    prune: compareFailed ? undefined : pruneUnobserved,
    describeOperation(input, output) {
      switch (input.f) {
        case 'read':
          return output.known ? `read returned ${show(output.value)}` : 'read (result unknown)';
        case 'write':
          return `write ${show(input.value)}`;
        case 'cas':
          return `cas ${show(input.from)}→${show(input.to)}${output.known ? (output.ok ? ' (succeeded)' : ' (comparison failed)') : ' (outcome unknown)'}`;
      }
    },
    describeState: (state) => (state === null ? 'the register was absent (nil)' : `the register held ${state}`),
  });
}

/**
 * Drops `info` operations that cannot matter: `info` reads (they constrain nothing), and `info`
 * writes and cas whose written value nothing kept can observe. A value is observed by a completed
 * read that returned it, by a successful cas that compared against it, and by a kept `info` cas
 * comparing against it (that cas may be what produced an observed value), to a fixpoint.
 *
 * Soundness: take a linearization that includes a dropped operation d writing v. First remove
 * every `info` cas that ran as a no-op (state ≠ from): states are unchanged. Between d and the
 * next state change, the remaining operations are ones that accept state v, i.e. observe it, and
 * there are none; so removing d too leaves a valid linearization in which d never happened, which
 * an `info` operation is allowed. Not used with `failedCas: 'compare-failed'`, where a failed cas
 * observes "not from".
 */
function pruneUnobserved<Op extends {status: OperationStatus; input: RegisterInput; output: RegisterOutput}>(operations: readonly Op[]): Op[] {
  const observed = new Set<RegisterValue>();
  for (const op of operations) {
    if (!op.output.known) continue;
    if (op.input.f === 'read') observed.add(op.output.value);
    if (op.input.f === 'cas' && op.output.ok) observed.add(op.input.from);
  }
  const infoCas = operations.filter((op) => op.status === 'info' && op.input.f === 'cas');
  for (let grew = true; grew; ) {
    grew = false;
    for (const op of infoCas) {
      const {from, to} = op.input as {from: RegisterValue; to: RegisterValue};
      if (observed.has(to) && !observed.has(from)) {
        observed.add(from);
        grew = true;
      }
    }
  }
  return operations.filter((op) => {
    if (op.status !== 'info') return true;
    if (op.input.f === 'read') return false;
    return observed.has(op.input.f === 'write' ? op.input.value : op.input.to);
  });
}

function show(value: RegisterValue): string {
  return value === null ? 'nil' : String(value);
}

function registerValue(value: unknown, where: string): RegisterValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new HistoryFormatError(`${where}: expected a register value (an integer or null), got ${JSON.stringify(value)}`);
}

/**
 * The read/write register (Knossos' `register`): `read` and `write` only; a `cas` is an error.
 * Same options and semantics as `casRegister` otherwise.
 */
export function register(options: Omit<CasRegisterOptions, 'failedCas'> = {}): Model<RegisterValue, RegisterInput, RegisterOutput> {
  const base = casRegister(options);
  return {
    ...base,
    name: 'register',
    parse(invoke, completion, locate = locateByIndex) {
      if (invoke.f !== 'read' && invoke.f !== 'write') {
        throw new HistoryFormatError(`${locate(invoke)}: expected a function read or write (the register model), got ${JSON.stringify(invoke.f)}`);
      }
      return base.parse(invoke, completion, locate);
    },
  };
}
