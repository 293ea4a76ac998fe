import {z} from 'zod';
import {planSchema} from './schema.js';

/**
 * The plan format as a JSON Schema (draft 2020-12), for editors with the YAML language server:
 * add `# yaml-language-server: $schema=../docs/plan.schema.json` at the top of a plan. Generated
 * from the zod schema; docs/plan.schema.json is this, and a test keeps the two equal.
 */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, {io: 'input', unrepresentable: 'any'}) as Record<string, unknown>;
  return {...schema, $id: 'https://faultline.dev/plan.schema.json', title: 'faultline chaos plan', description: 'A faultline plan: cluster, workload, nemesis schedule and checks. See docs/plans.md.'};
}
