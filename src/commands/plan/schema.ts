import {FaultlineCommand} from '../../cli/base.js';
import {planJsonSchema} from '../../plan/index.js';

/** `faultline plan schema`: prints the plan format as a JSON Schema. */
export default class PlanSchema extends FaultlineCommand {
  static override summary = 'Print the plan format as a JSON Schema (docs/plan.schema.json is its output).';

  static override examples = ['<%= config.bin %> <%= command.id %> > docs/plan.schema.json'];

  public async run(): Promise<void> {
    await this.parse(PlanSchema);
    this.log(JSON.stringify(planJsonSchema(), null, 2));
  }
}
