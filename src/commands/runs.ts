import {Flags} from '@oclif/core';
import {FaultlineCommand} from '../cli/base.js';
import {listRuns, verdictWord, type RunListing} from '../report/index.js';

/** `faultline runs`: past runs, newest first. */
export default class Runs extends FaultlineCommand {
  static override summary = 'List past runs: time, verdict, operations, plan and path, newest first.';

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --last', '<%= config.bin %> <%= command.id %> --json'];

  static override flags = {
    out: Flags.string({description: 'Folder that holds the run directories.', default: 'runs'}),
    last: Flags.boolean({description: 'Only the newest run.', default: false}),
  };

  static override enableJsonFlag = true;

  public async run(): Promise<RunListing[]> {
    const {flags} = await this.parse(Runs);
    const runs = listRuns(flags.out);
    const shown = flags.last ? runs.slice(0, 1) : runs;
    if (!this.jsonEnabled()) {
      if (shown.length === 0) this.log(`no runs in ${flags.out}`);
      for (const r of shown) {
        const verdict = r.verdict === 'incomplete' ? 'incomplete' : verdictWord(r.verdict);
        this.log(`${r.startedAt ?? '-'.padEnd(24)}  ${verdict.padEnd(10)} ${String(r.operations ?? '-').padStart(7)} ops  ${r.plan.padEnd(24)} ${r.path}`);
      }
    }
    return shown;
  }
}
