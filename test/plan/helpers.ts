import assert from 'node:assert/strict';
import {PlanError} from '../../src/errors/index.js';
import {parsePlan} from '../../src/plan/index.js';

/** The message of the PlanError that parsing `text` (as plans/x.yaml) throws; fails the test if it parses. */
export function planError(text: string): string {
  try {
    parsePlan(text, 'plans/x.yaml');
  } catch (error) {
    assert.ok(error instanceof PlanError, `expected a PlanError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the plan to be rejected');
}
