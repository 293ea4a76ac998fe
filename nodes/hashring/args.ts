/**
 * Command line of the hash-ring node: the common flags (nodes/common/args.ts, docs/protocol.md)
 * plus `--n`, `--w`, `--r` (replication factor and quorums), `--vnodes` and `--phi-threshold`.
 */
import {ArgsError, parseNodeArgs, type NodeArgs} from '../common/args.js';

/** Seeded bugs this node understands (`--bugs`). */
export const HASHRING_BUGS = ['no-handoff', 'stale-wins'] as const;

/** Extra flags of this node (each `--flag value`), with their bounds. */
const EXTRA_FLAGS = {
  '--n': {min: 1, max: 64},
  '--w': {min: 1, max: 64},
  '--r': {min: 1, max: 64},
  '--vnodes': {min: 1, max: 4096},
  '--phi-threshold': {min: 0.5, max: 1000},
} as const;
type ExtraFlag = keyof typeof EXTRA_FLAGS;

/**
 * Splits off this node's extra flags (`--n 3 --w 2 --r 2 --vnodes 128 --phi-threshold 8`) and
 * parses the rest as the common command line.
 * @throws ArgsError naming the bad flag.
 */
export function parseRingArgs(argv: string[]): {args: NodeArgs; extra: Partial<Record<ExtraFlag, number>>} {
  const rest: string[] = [];
  const extra: Partial<Record<ExtraFlag, number>> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (!(flag in EXTRA_FLAGS)) {
      rest.push(argv[i]);
      continue;
    }
    const text = inline ?? argv[++i];
    const {min, max} = EXTRA_FLAGS[flag as ExtraFlag];
    const value = Number(text);
    const integer = flag !== '--phi-threshold';
    if (text === undefined || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      throw new ArgsError(`${flag}: expected ${integer ? 'an integer' : 'a number'} ${min}..${max}, got ${JSON.stringify(text ?? null)}`);
    }
    extra[flag as ExtraFlag] = value;
  }
  return {args: parseNodeArgs(rest, HASHRING_BUGS), extra};
}

