import {Args} from '@oclif/core';
import {RUN_FLAGS, RunCommand} from '../cli/run-command.js';
import {loadPlan} from '../plan/index.js';
import type {RunResults} from '../report/index.js';

/** `faultline run PLAN`: the main job. */
export default class Run extends RunCommand {
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

  static override flags = RUN_FLAGS;

  static override args = {
    plan: Args.string({description: 'Path of a YAML chaos plan (see docs/plans.md).', required: true}),
  };

  public async run(): Promise<RunResults & {runDir: string}> {
    const {args, flags} = await this.parse(Run);
    return this.execute(args.plan, await loadPlan(args.plan), flags);
  }

}
