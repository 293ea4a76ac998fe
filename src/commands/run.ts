import path from 'node:path';
import {Args, Flags} from '@oclif/core';
import chalk from 'chalk';
import {FaultlineCommand} from '../cli/base.js';
import {progressDisplay} from '../cli/progress.js';
import {killAllChildren} from '../cluster/index.js';
import {loadPlan} from '../plan/index.js';
import {ExitCode} from '../errors/index.js';
import {verdictWord, type RunResults} from '../report/index.js';
import {checkExternalToxiproxy, makeRunDir, runPlan, type RunStatus} from '../runner/index.js';

/** `faultline run PLAN`: the main job. */
export default class Run extends FaultlineCommand {
  static override summary = 'Run a chaos plan against a real cluster and check the history for linearizability.';

  static override description = `Starts the embedded Toxiproxy server (or uses --toxiproxy-url), one proxy per directed peer link and per client link, and the \
plan's nodes; runs the workload clients and the nemesis schedule together; heals, waits, reads every key once more; \
stops everything and checks the history. Writes runs/<time>-<plan>/ (plan.yaml, history.jsonl, nemesis.jsonl, \
nodes/*.log, results.json, report.html, junit.xml, summary.md).

Exit codes: 0 every check passed; 1 a check failed; 2 bad input (plan, flags); 3 inconclusive (the checker gave \
up, the cluster never became ready, or the run was interrupted). Ctrl-C stops the run cleanly and checks what was \
recorded; Ctrl-C during the check stops it (keys not settled are unknown); one more Ctrl-C kills every process at \
once (exit 3). history.jsonl keeps every event recorded, whatever happens.`;

  static override examples = [
    {description: 'A 10-second smoke test: 3 Raft nodes, one partition.', command: '<%= config.bin %> <%= command.id %> plans/raft-smoke.yaml'},
    {description: 'Replay a run exactly with its seed.', command: '<%= config.bin %> <%= command.id %> plans/raft-partition.yaml --seed 1234'},
    {description: 'A seeded bug that faultline must catch (exits 1).', command: '<%= config.bin %> <%= command.id %> plans/raft-stale-read.yaml'},
    {
      description: 'Use a running Toxiproxy server (e.g. `faultline toxiproxy` or toxiproxy-server) instead of the embedded one.',
      command: '<%= config.bin %> <%= command.id %> plans/raft-smoke.yaml --toxiproxy-url http://127.0.0.1:8474',
    },
  ];

  static override args = {
    plan: Args.string({description: 'Path of a YAML chaos plan (see docs/plans.md).', required: true}),
  };

  static override flags = {
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

  static override enableJsonFlag = true;

  public async run(): Promise<RunResults> {
    const {args, flags} = await this.parse(Run);
    const loaded = await loadPlan(args.plan);
    const proxyUrl = flags['toxiproxy-url'] ?? loaded.proxy.url;
    const plan = {...loaded, seed: flags.seed ?? loaded.seed, proxy: {...loaded.proxy, url: proxyUrl}};
    // An external server is checked before the run directory exists and before any node starts.
    if (proxyUrl !== undefined) await checkExternalToxiproxy(proxyUrl, flags['toxiproxy-url'] === undefined ? `${args.plan}: proxy.url` : '--toxiproxy-url');
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
      results = await runPlan({plan, planFile: args.plan, runDir, signal: interrupt.signal,
        checkSignal: stopCheck.signal,
        log,
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
    return results;
  }

  private printVerdict(results: RunResults, runDir: string): void {
    const s = results.stats;
    const colourOf = (v: RunResults['valid']) => (v === true ? chalk.green : v === false ? chalk.red : chalk.yellow);
    const colour = colourOf(results.valid);
    this.log(`${colour.bold(verdictWord(results.valid))}  ${results.plan.name}  seed ${results.plan.seed}`);
    this.log(`  ${s.operations} operations (ok ${s.ok}, fail ${s.fail}, info ${s.info}), ${s.okPerSec} ok/s`);
    for (const c of results.checks) this.log(`  ${c.name}: ${colourOf(c.valid)(verdictWord(c.valid))} — ${c.explanation} (${Math.round(c.durationMs)} ms)`);
    for (const p of results.problems) this.log(chalk.yellow(`  problem: ${p}`));
    this.log(`  report: ${path.join(runDir, 'report.html')}`);
  }
}
