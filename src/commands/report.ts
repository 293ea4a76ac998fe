import {Args} from '@oclif/core';
import path from 'node:path';
import {FaultlineCommand} from '../cli/base.js';
import {loadRun, writeReports} from '../report/index.js';

/** `faultline report RUN_DIR`: regenerates the human and CI reports from a run's files. */
export default class Report extends FaultlineCommand {
  static override summary = 'Regenerate report.html, junit.xml and summary.md of a run from its files.';

  static override description = `Reads results.json, history.jsonl and nodes/*.log of a run directory and writes report.html, \
junit.xml and summary.md again (results.json is rewritten unchanged). Use it after upgrading faultline, or on a run \
directory copied from CI.`;

  static override examples = ['<%= config.bin %> <%= command.id %> runs/20261130-134032-raft-partition'];

  static override args = {
    runDir: Args.string({description: 'A run directory (runs/<time>-<plan>).', required: true}),
  };

  public async run(): Promise<{report: string}> {
    const {args} = await this.parse(Report);
    // Absolute, as a run writes it: summary.md names the report by this path.
    const runDir = path.resolve(args.runDir);
    const run = loadRun(runDir);
    await writeReports(runDir, run.results, run.events, this.warnLine);
    const report = path.join(runDir, 'report.html');
    this.log(report);
    return {report};
  }
}
