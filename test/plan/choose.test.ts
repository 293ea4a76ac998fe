import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {formatPlan, parsePlan} from '../../src/plan/index.js';
import {planError} from './helpers.js';

/** A plan whose only nemesis step is a choose step with these lines (indented under `choose:`). */
const chooser = (...lines: string[]) => ['nemesis:', '  - name: chaos', '    every: 10s', '    for: 3s', '    choose:', ...lines.map((l) => `      ${l}`), ''].join('\n');

describe('choose steps', () => {
  test('the schedule and for are the step\'s; each alternative gets its fault\'s defaults and weight 1 unless given', () => {
    const plan = parsePlan(chooser('- {weight: 3, fault: partition, shape: halves}', '- {fault: kill, target: leader}', '- {weight: 0.5, fault: latency, latency: 200ms}'), 'p.yaml');
    const step = plan.nemesis[0];
    assert.ok('choose' in step);
    assert.equal(step.every, 10_000);
    assert.equal(step.for, 3000);
    assert.equal(step.at, 0);
    assert.deepEqual(step.choose, [
      {fault: 'partition', shape: 'halves', mode: 'drop', weight: 3},
      {fault: 'kill', target: 'leader', weight: 1},
      {fault: 'latency', latency: 200, jitter: 0, links: 'all', stream: 'both', toxicity: 1, weight: 0.5},
    ]);
  });

  test('the resolved plan.yaml parses back to the same plan (replay reads it)', () => {
    const plan = parsePlan(['seed: 5', chooser('- {weight: 3, fault: partition, shape: isolate, target: leader}', '- {fault: clock-skew, rate: 2, offset: -1s}', '- {fault: restart}')].join('\n'), 'p.yaml');
    const again = parsePlan(formatPlan(plan), 'plan.yaml');
    assert.deepEqual(again, plan);
    assert.match(formatPlan(plan), /^ +offset: -1000ms$/m);
  });

  test('a bad weight names its path', () => {
    assert.equal(planError(chooser('- {weight: 3, fault: kill}', '- {weight: 0, fault: pause}')), 'plans/x.yaml:7:18: nemesis.0.choose.1.weight: expected more than 0');
    assert.equal(planError(chooser('- {weight: lots, fault: kill}')), 'plans/x.yaml:6:18: nemesis.0.choose.0.weight: expected a number');
  });

  test('schedule fields and for belong on the step, not on an alternative', () => {
    assert.equal(planError(chooser('- {fault: kill}', '- {fault: pause, for: 1s}')), 'plans/x.yaml:7:29: nemesis.0.choose.1.for: belongs on the choose step, not on one of its alternatives');
    assert.equal(planError(chooser('- {fault: kill, every: 2s}')), 'plans/x.yaml:6:30: nemesis.0.choose.0.every: belongs on the choose step, not on one of its alternatives');
  });

  test('an alternative is checked as its fault: fault name, unknown fields, shape rules, node ids', () => {
    assert.match(planError(chooser('- {fault: kill}', '- {weight: 2, fault: explode}')), /^plans\/x\.yaml:7:28: nemesis\.0\.choose\.1\.fault: expected fault: partition, kill, /);
    assert.equal(planError(chooser('- {fault: kill, shape: halves}')), 'plans/x.yaml:6:23: nemesis.0.choose.0.shape: unknown field');
    assert.equal(planError(chooser('- {fault: partition, shape: groups}')), 'plans/x.yaml:6:9: nemesis.0.choose.0.groups: required with shape: groups');
    assert.equal(planError(chooser('- {fault: kill, target: [n1, n5]}')), 'plans/x.yaml:6:36: nemesis.0.choose.0.target.1: node n5 does not exist (cluster.nodes is 3)');
  });

  test('for is required when an alternative lasts, and must be shorter than every', () => {
    const withoutFor = ['nemesis:', '  - every: 5s', '    choose:', '      - {fault: restart}', '      - {fault: kill}', ''].join('\n');
    assert.equal(planError(withoutFor), 'plans/x.yaml:2:5: nemesis.0.for: required: how long the chosen fault lasts');
    assert.equal(parsePlan(withoutFor.replace('{fault: kill}', '{fault: restart, target: n2}'), 'p.yaml').nemesis[0].for, undefined);
    assert.equal(planError(chooser('- {fault: kill}').replace('every: 10s', 'every: 3s')), 'plans/x.yaml:4:10: nemesis.0.for: must be shorter than every');
    assert.equal(planError(chooser('- {fault: kill}').replace('every: 10s', 'repeat: 3')), 'plans/x.yaml:3:13: nemesis.0.repeat: only allowed with every');
  });

  test('an empty choose list, a step that is neither, and a choose step with a fault of its own are rejected with the field', () => {
    assert.equal(planError('nemesis:\n  - {choose: [], for: 1s}\n'), 'plans/x.yaml:2:14: nemesis.0.choose: expected at least 1');
    assert.match(planError('nemesis:\n  - {for: 1s, target: n1}\n'), /^plans\/x\.yaml:2:5: nemesis\.0\.fault: expected fault: partition, kill, /);
    assert.equal(planError('nemesis:\n  - {fault: kill, for: 1s, choose: [{fault: pause}]}\n'), 'plans/x.yaml:2:6: nemesis.0.fault: unknown field');
  });

  test('same-as inside an alternative must name an earlier step, and a later step may act on what a choose step acted on', () => {
    assert.equal(planError(chooser('- {fault: kill, same-as: cut}')), 'plans/x.yaml:6:32: nemesis.0.choose.0.same-as: no earlier step is named cut');
    const plan = parsePlan([chooser('- {fault: kill}', '- {fault: partition, shape: isolate}').trimEnd(), '  - {fault: pause, same-as: chaos, after: chaos, for: 1s}', ''].join('\n'), 'p.yaml');
    assert.equal(plan.nemesis[1].fault, 'pause');
  });
});
