import path from 'node:path';
import {Flags} from '@oclif/core';
import chalk from 'chalk';
import {killAllChildren, systemUnavailable} from '../cluster/index.js';
import {ExitCode, InputError} from '../errors/index.js';
import type {PinnedOccurrence} from '../nemesis/index.js';
import type {Plan} from '../plan/index.js';
import {verdictWord, type RunResults} from '../report/index.js';
import {checkExternalToxiproxy, makeRunDir, runPlan, type RunStatus} from '../runner/index.js';
import {FaultlineCommand} from './base.js';
import {progressDisplay} from './progress.js';

/** The flags of `run`; `replay` has them all but `--seed`. */
export const RUN_FLAGS = {
  seed: Flags.integer({description: "Seed for every random choice; overrides the plan's seed. Printed by every run.", min: 0, max: 2 ** 31 - 1}),
  out: Flags.string({description: 'Folder that receives the run directory.', default: 'runs'}),
  quiet: Flags.boolean({char: 'q', description: 'Print only the verdict.', default: false}),
  'toxiproxy-url': Flags.string({
    description:
      "API URL of an external Toxiproxy server to use instead of the embedded one; overrides the plan's proxy.url. " +
      'The run creates its own proxies there (named fl-<run id>-…), never calls /reset, and deletes them at the end.',
    helpValue: 'http://127.0.0.1:8474',
  }),
};

/**
 * What `run` and `replay` share: running a loaded plan with a status line and Ctrl-C handling,
 * and printing the verdict.
 */
export abstract class RunCommand extends FaultlineCommand {
  static override enableJsonFlag = true;

  /**
   * Runs a loaded plan with the run flags: shared by `run` and `replay`, which pins the nemesis
   * to a previous run's targets.
   */
  protected async execute(
    planFile: string,
    loaded: Plan,
    flags: {seed?: number; out: string; quiet: boolean; 'toxiproxy-url'?: string},
    pinned?: ReadonlyMap<string, PinnedOccurrence>,
  ): Promise<RunResults & {runDir: string}> {
    const args = {plan: planFile};
    const proxyUrl = flags['toxiproxy-url'] ?? loaded.proxy.url;
    const plan = {...loaded, seed: flags.seed ?? loaded.seed, proxy: {...loaded.proxy, url: proxyUrl}};
    // An external server is checked before the run directory exists and before any node starts.
    if (proxyUrl !== undefined) await checkExternalToxiproxy(proxyUrl, flags['toxiproxy-url'] === undefined ? `${args.plan}: proxy.url` : '--toxiproxy-url');
    const unavailable = systemUnavailable(plan.cluster.system);
    if (unavailable !== null) throw new InputError(`${args.plan}: ${unavailable}`);
    const runDir = makeRunDir(flags.out, plan.name);
    const quiet = flags.quiet || this.jsonEnabled();
    const progress = quiet ? null : progressDisplay((line) => process.stderr.write(line + '\n'));
    const log = (line: string) => progress?.log(chalk.dim(`[${new Date().toISOString().slice(11, 23)}] ${line}`));
    log(`run ${plan.name} (seed ${plan.seed}) → ${runDir}`);

    // A closed stdout or stderr (e.g. `| head`) must not end the run: its files are what matter.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    const interrupt = new AbortController();
    const stopCheck = new AbortController();
    let phase: RunStatus['phase'] = 'starting';
    let interrupts = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      interrupts++;
      if (interrupts === 1 && phase === 'checking') {
        process.stderr.write(`\n${sig}: stopping the check; unsettled keys will be unknown (again to exit now)\n`);
        interrupt.abort();
        stopCheck.abort();
      } else if (interrupts === 1) {
        process.stderr.write(`\n${sig}: stopping the run cleanly, then checking what was recorded (again to stop everything now)\n`);
        interrupt.abort();
      } else if (interrupts === 2 && phase === 'checking') {
        stopCheck.abort();
      } else {
        killAllChildren();
        process.stderr.write(`${sig}: killed every process of the run; its history.jsonl holds what was recorded\n`);
        process.exit(ExitCode.inconclusive);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let results: RunResults;
    try {
      results = await runPlan({plan, planFile: args.plan, runDir, signal: interrupt.signal, pinned,
        checkSignal: stopCheck.signal,
        log,
        warn: this.warnLine,
        onStatus: (s) => {
          phase = s.phase;
          progress?.update(s);
        },
      });
    } finally {
      progress?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }

    if (!this.jsonEnabled()) this.printVerdict(results, runDir);
    process.exitCode = results.exitCode;
    // --json output: results.json plus where the run directory is, so a script can find the report.
    return {...results, runDir};
  }

  private printVerdict(results: RunResults, runDir: string): void {
    const s = results.stats;
    const colourOf = (v: RunResults['valid']) => (v === true ? chalk.green : v === false ? chalk.red : chalk.yellow);
    const colour = colourOf(results.valid);
    this.log(`${colour.bold(verdictWord(results.valid))}  ${results.plan.name}  seed ${results.plan.seed}`);
    this.log(`  ${s.operations} operations (ok ${s.ok}, fail ${s.fail}, info ${s.info}), ${s.okPerSec} ok/s`);
    for (const c of results.checks) this.log(`  ${c.name}: ${colourOf(c.valid)(verdictWord(c.valid))} — ${c.explanation} (${Math.round(c.durationMs)} ms)`);
    // Explanations give times on the run clock; the plan's `at:` offsets count from the workload's start.
    if (results.valid === false) this.log(`  (times are seconds since the run started; the workload, and the plan's at: offsets, began at ${(results.workloadStartMs / 1000).toFixed(3)} s)`);
    for (const p of results.problems) this.log(chalk.yellow(`  problem: ${p}`));
    this.log(`  report: ${path.join(runDir, 'report.html')}`);
    this.log(`  replay: ${results.replay}`);
  }
}
