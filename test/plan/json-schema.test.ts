import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {builtinPlans, planJsonSchema} from '../../src/plan/index.js';

test('docs/plan.schema.json is the schema the plan parser generates (regenerate: faultline plan schema > docs/plan.schema.json)', () => {
  const committed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../docs/plan.schema.json'), 'utf8'));
  assert.deepEqual(committed, planJsonSchema());
});

test('every built-in plan has a one-line summary in its opening comment', () => {
  const plans = builtinPlans();
  assert.ok(plans.length >= 10);
  for (const p of plans) assert.ok(p.summary.length > 10, `${p.name} has no summary`);
  const smoke = plans.find((p) => p.name === 'raft-smoke')!;
  assert.deepEqual([smoke.system, smoke.nodes, smoke.workloadMs], ['raft', 3, 10_000]);
});
