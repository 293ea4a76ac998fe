import {Args, Flags} from '@oclif/core';
import chalk from 'chalk';
import {FaultlineCommand} from '../cli/base.js';
import {checkFile, type FileCheckResult, MODEL_NAMES, type Verdict} from '../checker/index.js';
import {ExitCode, InputError} from '../errors/index.js';
import {HISTORY_FORMATS, loadHistory} from '../history/importers/index.js';
import type {HistoryEvent} from '../history/types.js';
import {drawnOperations} from '../report/data.js';
import {explainRegisterRead} from '../report/index.js';

/** Keys listed one per line when all are linearizable; past this, one summary line. */
const MAX_VALID_KEYS_LISTED = 20;

/**
 * Reads `--timeout`: `500ms`, `60s`, `2m`, `1h`, a bare number of seconds, or `none`.
 * @returns milliseconds (Infinity for none).
 * @throws InputError for anything else.
 */
export function parseDurationMs(text: string): number {
  if (text === 'none') return Infinity;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(ms > 0)) throw new InputError(`--timeout: expected a duration such as 500ms, 60s or 2m (or none), got ${JSON.stringify(text)}`);
  return ms;
}

/** `faultline check FILE`: checks a recorded history for linearizability. */
export default class Check extends FaultlineCommand {
  static override summary = 'Check a recorded history for linearizability (faultline JSONL, Jepsen/Knossos EDN, Porcupine logs).';

  static override description = `Reads a history, pairs each invoke with its completion, splits it per key and searches each \
key for a linearization (Wing & Gong with Lowe's cache, as Porcupine does). Prints the verdict per key and, for a key \
that is not linearizable, one sentence naming the operation that cannot be placed and the state before it. For \
faultline's own history.jsonl, a stale read is first told in the history's terms, as run prints it (which write \
overwrote the value before the read began), and the checker's sentence follows.

The format is detected from the content unless --format says it: faultline's history.jsonl, Jepsen/Knossos EDN \
(a vector of maps, or one map per line), Porcupine's etcd logs and Porcupine's kv logs. Each format brings the model \
its histories are checked with (docs/checker.md); --model, --initial and --nil-read-matches-any override it.

Exit codes: 0 linearizable; 1 not linearizable; 2 bad input (the file's line and column, and what was expected); \
3 unknown (the time or memory budget ran out; the keys settled so far are still printed).`;

  static override examples = [
    {description: 'A faultline history recorded from a seeded stale-read bug (exits 1).', command: '<%= config.bin %> <%= command.id %> test/checker/fixtures/raft-stale-read-bad.jsonl'},
    {description: 'A Knossos-style EDN history whose register starts at 0.', command: '<%= config.bin %> <%= command.id %> test/checker/fixtures/knossos-cas-register-ok.edn --initial 0'},
    {description: "One of Porcupine's etcd logs (from a clone of Porcupine's repository), as JSON.", command: '<%= config.bin %> <%= command.id %> porcupine/test_data/jepsen/etcd_000.log --json'},
    {description: "Porcupine's 10-client key-value history, with a 5-second budget.", command: '<%= config.bin %> <%= command.id %> porcupine/test_data/kv/c10-ok.txt --timeout 5s'},
  ];

  static override args = {
    file: Args.string({description: 'History file: history.jsonl, a Jepsen/Knossos .edn history, or a Porcupine etcd or kv log.', required: true}),
  };

  static override flags = {
    model: Flags.string({description: "Sequential model to check against. Default: the format's (kv for porcupine-kv, else cas-register).", options: [...MODEL_NAMES]}),
    format: Flags.string({description: 'Format of FILE; auto tells it from the content.', options: ['auto', ...HISTORY_FORMATS], default: 'auto'}),
    initial: Flags.string({description: 'Initial value: an integer or nil for the registers (Knossos examples start at 0), a string for kv.'}),
    'nil-read-matches-any': Flags.boolean({description: 'A read of nil is legal in any state (Knossos). Default: on for jepsen-edn, off otherwise.', allowNo: true}),
    timeout: Flags.string({description: 'Time budget for the search, e.g. 500ms, 60s, 2m, or none. Keys not settled by then are unknown (exit 3).', default: '60s'}),
  };

  static override enableJsonFlag = true;

  public async run(): Promise<FileCheckResult> {
    const {args, flags} = await this.parse(Check);
    const timeLimitMs = parseDurationMs(flags.timeout);
    const result = checkFile(args.file, {
      format: flags.format as FileCheckResult['format'] | 'auto',
      model: flags.model as FileCheckResult['model'] | undefined,
      initial: flags.initial,
      nilReadMatchesAny: flags['nil-read-matches-any'],
      timeLimitMs,
    });
    if (!this.jsonEnabled()) this.print(result);
    process.exitCode = result.valid === true ? ExitCode.ok : result.valid === false ? ExitCode.checkFailed : ExitCode.inconclusive;
    return result;
  }

  private print(result: FileCheckResult): void {
    if (result.operationCount === 0 && result.setEventsSkipped > 0) {
      this.log(`nothing to check  ${result.file}  (${plural(result.setEventsSkipped, 'set-workload event')}, no register operation: a run's set check judges sets)`);
      return;
    }
    this.log(`${paint(result.valid, word(result.valid))}  ${result.file}  (${result.format}, ${result.model}, ${plural(result.operationCount, 'operation')}, ${plural(result.keys.length, 'key')}, ${Math.round(result.durationMs)} ms)`);
    const listAll = result.keys.length <= MAX_VALID_KEYS_LISTED;
    // A faultline history's times are the run clock: a stale read can be told in its terms, as
    // `run` does, with the checker's sentence (naming the file's lines) after it.
    const ops = result.format === 'jsonl' && result.valid === false ? drawnOperations(loadHistory(result.file, 'jsonl').events as HistoryEvent[]) : null;
    for (const key of result.keys) {
      if (key.valid === true && !listAll) continue;
      const story = ops && key.valid === false ? explainRegisterRead(key, ops) : null;
      const why = key.valid === true ? '' : ` — ${story ?? key.evidence?.sentence ?? key.reason ?? ''}`;
      this.log(`  key ${key.key}: ${paint(key.valid, word(key.valid))} (${plural(key.operationCount, 'operation')})${why}`);
      if (story && key.evidence) this.log(`    the checker: ${key.evidence.sentence}`);
    }
    const valid = result.keys.filter((k) => k.valid === true).length;
    if (!listAll && valid > 0) this.log(`  ${plural(valid, 'other key')} linearizable`);
    if (result.setEventsSkipped > 0) this.log(`  ${plural(result.setEventsSkipped, 'set-workload event')} (add, read-set) not checked here: the run's set check judges them`);
  }
}

function word(valid: Verdict): string {
  return valid === true ? 'linearizable' : valid === false ? 'not linearizable' : 'unknown';
}

function paint(valid: Verdict, text: string): string {
  return valid === true ? chalk.green(text) : valid === false ? chalk.red.bold(text) : chalk.yellow(text);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
