import path from 'node:path';
import {Args, Flags} from '@oclif/core';
import chalk from 'chalk';
import {FaultlineCommand} from '../cli/base.js';
import {killAllChildren} from '../cluster/index.js';
import {loadPlan} from '../plan/index.js';
import {explainCheck, verdictWord, type RunResults} from '../report/index.js';
import {makeRunDir, runPlan} from '../runner/index.js';

/** `faultline run PLAN`: the main job. */
export default class Run extends FaultlineCommand {
  static override summary = 'Run a chaos plan against a real cluster and check the history for linearizability.';

  static override description = `Starts the embedded Toxiproxy server, one proxy per directed peer link and per client link, and the \
plan's nodes; runs the workload clients and the nemesis schedule together; heals, waits, reads every key once more; \
stops everything and checks the history. Writes runs/<time>-<plan>/ (plan.yaml, history.jsonl, nemesis.jsonl, \
nodes/*.log, results.json, report.html, junit.xml, summary.md).

Exit codes: 0 every check passed; 1 a check failed; 2 bad input (plan, flags); 3 inconclusive (the checker gave \
up, the cluster never became ready, or the run was interrupted). Ctrl-C stops the run cleanly and checks what was \
recorded; a second Ctrl-C kills everything at once.`;

  static override examples = [
    {description: 'A 10-second smoke test: 3 Raft nodes, one partition.', command: '<%= config.bin %> <%= command.id %> plans/raft-smoke.yaml'},
    {description: 'Replay a run exactly with its seed.', command: '<%= config.bin %> <%= command.id %> plans/raft-partition.yaml --seed 1234'},
    {description: 'A seeded bug that faultline must catch (exits 1).', command: '<%= config.bin %> <%= command.id %> plans/raft-stale-read.yaml'},
  ];

  static override args = {
    plan: Args.string({description: 'Path of a YAML chaos plan (see docs/plans.md).', required: true}),
  };

  static override flags = {
    seed: Flags.integer({description: "Seed for every random choice; overrides the plan's seed. Printed by every run.", min: 0, max: 2 ** 31 - 1}),
    out: Flags.string({description: 'Folder that receives the run directory.', default: 'runs'}),
    quiet: Flags.boolean({char: 'q', description: 'Print only the verdict.', default: false}),
  };

  static override enableJsonFlag = true;

  public async run(): Promise<RunResults> {
    const {args, flags} = await this.parse(Run);
    const loaded = await loadPlan(args.plan);
    const plan = flags.seed === undefined ? loaded : {...loaded, seed: flags.seed};
    const runDir = makeRunDir(flags.out, plan.name);
    const quiet = flags.quiet || this.jsonEnabled();
    const log = (line: string) => {
      if (!quiet) process.stderr.write(chalk.dim(`[${new Date().toISOString().slice(11, 23)}] ${line}\n`));
    };
    log(`run ${plan.name} (seed ${plan.seed}) → ${runDir}`);

    const interrupt = new AbortController();
    let interrupts = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      interrupts++;
      if (interrupts === 1) {
        process.stderr.write(`\n${sig}: stopping the run cleanly (again to kill everything now)\n`);
        interrupt.abort();
      } else {
        killAllChildren();
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let results: RunResults;
    try {
      results = await runPlan({plan, planFile: args.plan, runDir, signal: interrupt.signal, log});
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }

    if (!this.jsonEnabled()) this.printVerdict(results, runDir);
    process.exitCode = results.exitCode;
    return results;
  }

  private printVerdict(results: RunResults, runDir: string): void {
    const s = results.stats;
    const colour = results.valid === true ? chalk.green : results.valid === false ? chalk.red : chalk.yellow;
    this.log(`${colour.bold(verdictWord(results.valid))}  ${results.plan.name}  seed ${results.plan.seed}`);
    this.log(`  ${s.operations} operations (ok ${s.ok}, fail ${s.fail}, info ${s.info}), ${s.okPerSec} ok/s`);
    for (const c of results.checks) this.log(`  ${c.name}: ${colour(verdictWord(c.result.valid))} — ${explainCheck(c)} (${Math.round(c.result.durationMs)} ms)`);
    for (const p of results.problems) this.log(chalk.yellow(`  problem: ${p}`));
    this.log(`  report: ${path.join(runDir, 'report.html')}`);
  }
}
