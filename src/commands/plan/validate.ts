import {Args} from '@oclif/core';
import {FaultlineCommand} from '../../cli/base.js';
import {systemName} from '../../cluster/index.js';
import {formatDuration, loadPlan} from '../../plan/index.js';

/** `faultline plan validate FILE`: checks a plan without running it. */
export default class PlanValidate extends FaultlineCommand {
  static override summary = 'Check a plan without running it: exit 0 if valid, 2 with file:line:col and the field if not.';

  static override examples = ['<%= config.bin %> <%= command.id %> plans/raft-partition.yaml'];

  static override args = {
    file: Args.string({description: 'Path of a YAML chaos plan.', required: true}),
  };

  static override enableJsonFlag = true;

  public async run(): Promise<{file: string; name: string; nodes: number; steps: number; durationMs: number}> {
    const {args} = await this.parse(PlanValidate);
    const plan = await loadPlan(args.file);
    const summary = {file: args.file, name: plan.name, nodes: plan.cluster.nodes, steps: plan.nemesis.length, durationMs: plan.workload.duration};
    this.log(`${args.file}: valid — ${systemName(plan.cluster.system)}, ${plan.cluster.nodes} nodes, ${plan.workload.clients} clients for ${formatDuration(plan.workload.duration)}, ${plan.nemesis.length} nemesis step${plan.nemesis.length === 1 ? '' : 's'}`);
    return summary;
  }
}
