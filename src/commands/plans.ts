import {FaultlineCommand} from '../cli/base.js';
import {builtinPlans, type BuiltinPlan} from '../plan/index.js';

/** `faultline plans`: the built-in plans. */
export default class Plans extends FaultlineCommand {
  static override summary = 'List the built-in chaos plans, one line each: file, system × nodes, workload duration, summary.';

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];

  static override enableJsonFlag = true;

  public async run(): Promise<BuiltinPlan[]> {
    await this.parse(Plans);
    const plans = builtinPlans();
    if (!this.jsonEnabled()) {
      const width = Math.max(...plans.map((p) => p.file.length));
      const shape = (p: BuiltinPlan) => `${p.system} ×${p.nodes}, ${p.workloadMs / 1000} s`;
      const shapeWidth = Math.max(...plans.map((p) => shape(p).length));
      for (const p of plans) this.log(`${p.file.padEnd(width)}  ${shape(p).padEnd(shapeWidth)}  ${p.summary}`);
    }
    return plans;
  }
}
