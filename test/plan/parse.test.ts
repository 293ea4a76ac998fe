import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {PlanError} from '../../src/errors/index.js';
import {formatPlan, loadPlan, parsePlan} from '../../src/plan/index.js';
import {planError} from './helpers.js';

describe('plan parsing', () => {
  test('an empty plan gets every default and a seed', () => {
    const plan = parsePlan('{}', 'plans/empty.yaml');
    assert.equal(plan.name, 'empty');
    assert.equal(plan.cluster.nodes, 3);
    assert.equal(plan.cluster.system, 'raft');
    assert.deepEqual(plan.cluster.bugs, []);
    assert.equal(plan.workload.clients, 5);
    assert.equal(plan.workload.duration, 10_000);
    assert.equal(plan.workload.timeout, 1000);
    assert.ok(Number.isInteger(plan.seed) && plan.seed >= 0);
  });

  test('durations become milliseconds', () => {
    const plan = parsePlan('workload:\n  duration: 2.5m\n  timeout: 250ms\nnemesis:\n  - {fault: kill, at: 2m, for: 1.5s, target: n2}\n', 'p.yaml');
    assert.equal(plan.workload.duration, 150_000);
    assert.equal(plan.nemesis[0].for, 1500);
    assert.equal(plan.workload.timeout, 250);
    assert.equal(plan.nemesis[0].at, 120_000);
  });

  test('a wrong type names the file, line, column and field', () => {
    const text = ['name: x', 'workload:', '  clients: 5', '  rate: fast', ''].join('\n');
    assert.equal(planError(text), 'plans/x.yaml:4:9: workload.rate: expected a number');
  });

  test('an unknown field is pointed at by its key', () => {
    const text = ['cluster:', '  nodes: 3', '  leader: n1', ''].join('\n');
    assert.equal(planError(text), 'plans/x.yaml:3:3: cluster.leader: unknown field');
  });

  test('a misspelt required field is reported as the unknown key, with the field it resembles', () => {
    const text = ['workload: {duration: 5s}', 'nemesis:', '  - fault: latency', '    latncy: 300ms', '    at: 1s', '    for: 1s', ''].join('\n');
    assert.equal(planError(text), 'plans/x.yaml:4:5: nemesis.0.latncy: unknown field (did you mean latency?)');
    const shape = ['workload: {duration: 5s}', 'nemesis:', '  - fault: partition', '    shap: halves', '    at: 1s', '    for: 1s', ''].join('\n');
    assert.equal(planError(shape), 'plans/x.yaml:4:5: nemesis.0.shap: unknown field (did you mean shape?)');
    // A missing field with no near miss beside it is still reported as missing.
    const far = text.replace('latncy', 'delay');
    assert.equal(planError(far), 'plans/x.yaml:3:5: nemesis.0.latency: required');
  });

  test('a bad duration says what a duration looks like', () => {
    const text = ['nemesis:', '  - fault: partition', '    shape: halves', '    at: 3', '    for: 2s', ''].join('\n');
    assert.equal(planError(text), 'plans/x.yaml:4:9: nemesis.0.at: expected a duration like 5s or 200ms');
    const text2 = text.replace('at: 3', 'at: 3 seconds');
    assert.equal(planError(text2), 'plans/x.yaml:4:9: nemesis.0.at: expected a duration like 5s or 200ms, got "3 seconds"');
  });

  test('an exclusive bound says "more than"', () => {
    assert.equal(planError('nemesis:\n  - {fault: clock-strobe, period: 1s, for: 5s, rate: 1}\n'), 'plans/x.yaml:2:54: nemesis.0.rate: expected more than 1');
  });

  test('an even node count is rejected', () => {
    assert.equal(planError('cluster:\n  nodes: 4\n'), 'plans/x.yaml:2:10: cluster.nodes: expected an odd number of nodes from 3 to 7');
  });

  test('a node id outside the cluster is rejected', () => {
    const text = ['cluster: {nodes: 3}', 'nemesis:', '  - {fault: kill, at: 1s, for: 1s, target: n5}', ''].join('\n');
    assert.match(planError(text), /^plans\/x\.yaml:3:\d+: nemesis\.0\.target: node n5 does not exist \(cluster\.nodes is 3\)$/);
  });

  test('groups are required with shape: groups and must not overlap', () => {
    const base = ['nemesis:', '  - fault: partition', '    shape: groups', '    at: 1s', '    for: 1s'];
    assert.match(planError(base.join('\n')), /nemesis\.0\.groups: required with shape: groups$/);
    assert.match(planError([...base, '    groups: [[n1, n2], [n2, n3]]'].join('\n')), /nemesis\.0\.groups: node n2 is in two groups$/);
  });

  test('an unknown fault is named', () => {
    assert.equal(planError('cluster: {system: hashring}\nnemesis:\n  - {fault: kill, at: 1s, for: 1s, wait-for: leader}\n'), 'plans/x.yaml:3:46: nemesis.0.wait-for: hashring has no leader, and both wait-for conditions wait for one');
    assert.equal(planError('cluster: {system: raft}\nnemesis:\n  - {fault: leave, at: 1s}\n'), 'plans/x.yaml:3:13: nemesis.0.fault: raft nodes cannot leave a ring at run time; leave needs cluster.system hashring (or your own nodes)');
    assert.equal(planError('cluster: {system: paxos}\nworkload: {mix: {add: 1}}\n'), 'plans/x.yaml:2:23: workload.mix.add: paxos has no set workload; add and read-set need cluster.system hashring (or your own nodes)');
    assert.match(planError('nemesis:\n  - fault: meteor\n    at: 1s\n'), /^plans\/x\.yaml:2:\d+: nemesis\.0\.fault: expected fault: partition, kill, stop, pause, restart, latency, bandwidth, slicer, reset-peer, limit-data, clock-skew, clock-strobe, leave, join$/);
  });

  test('YAML syntax errors carry a position and no stack', () => {
    const message = planError('cluster:\n  nodes: 3\n bad: [\n');
    assert.match(message, /^plans\/x\.yaml:\d+:\d+: /);
    assert.equal(message.includes('\n'), false);
  });

  test('durations are bounded: at least 1s for the workload, at most 24h anywhere', () => {
    assert.equal(planError('workload:\n  duration: 0s\n'), 'plans/x.yaml:2:13: workload.duration: expected a duration from 1s to 24h, got "0s"');
    assert.equal(planError('final:\n  quiesce: 25h\n'), 'plans/x.yaml:2:12: final.quiesce: expected a duration from 0ms to 24h, got "25h"');
  });

  test('a nemesis step that starts after the workload ends is rejected', () => {
    const text = ['workload: {duration: 5s}', 'nemesis:', '  - {fault: kill, at: 6s, for: 1s}', ''].join('\n');
    assert.equal(planError(text), 'plans/x.yaml:3:23: nemesis.0.at: 6s is not before the end of the workload (workload.duration is 5s)');
  });

  test('an empty file, a duplicate key and a second document are named plainly', () => {
    assert.match(planError(''), /^plans\/x\.yaml: the plan is empty/);
    assert.equal(planError('seed: 1\nseed: 2\n'), 'plans/x.yaml:2:1: duplicate key "seed": each field may appear once');
    assert.equal(planError('seed: 1\n---\nseed: 2\n'), 'plans/x.yaml:2:1: a plan is one YAML document, but this file has another after "---"');
  });

  test('a plan named by its file gets a name safe for a folder', () => {
    assert.equal(parsePlan('{}', 'plans/x <img> & "q".yaml').name, 'x-img-q');
  });

  test('every fault of the catalogue parses, with its schedule', () => {
    const plan = parsePlan(
      [
        'cluster: {nodes: 5}',
        'workload: {duration: 30s}',
        'nemesis:',
        '  - {name: cut, fault: partition, shape: isolate, target: leader, at: 1s, for: 2s}',
        '  - {fault: kill, same-as: cut, after: cut, for: 1s}',
        '  - {fault: pause, target: followers, at: 3s, for: 1s, every: 5s, every-jitter: 1s, repeat: 3, wait-for: leader}',
        '  - {fault: latency, links: {of: leader}, latency: 100ms, jitter: 10ms, at: 4s, for: 2s}',
        '  - {fault: bandwidth, links: client, rate: 50, at: 5s, for: 1s}',
        '  - {fault: slicer, links: [n1-n2], average-size: 16, size-variation: 4, delay: 1ms, at: 6s, for: 1s}',
        '  - {fault: reset-peer, at: 7s, for: 1s}',
        '  - {fault: limit-data, bytes: 100, stream: upstream, at: 8s, for: 1s}',
        '  - {fault: partition, shape: majorities-ring, flap: 200ms, at: 9s, for: 2s}',
        '  - {fault: partition, shape: one-way, target: n1, to: [n2, n3], at: 10s, for: 1s, mode: reset}',
        '  - {fault: restart, target: minority, at: 12s}',
        '',
      ].join('\n'),
      'p.yaml',
    );
    assert.deepEqual(
      plan.nemesis.map((s) => s.fault),
      ['partition', 'kill', 'pause', 'latency', 'bandwidth', 'slicer', 'reset-peer', 'limit-data', 'partition', 'partition', 'restart'],
    );
    const pause = plan.nemesis[2];
    assert.equal(pause.every, 5000);
    assert.equal(pause['every-jitter'], 1000);
    assert.equal(pause['wait-for'], 'leader');
  });

  test('after and same-as must name an earlier step', () => {
    const text = ['nemesis:', '  - {fault: kill, after: later, for: 1s}', '  - {name: later, fault: kill, at: 1s, for: 1s}', ''].join('\n');
    assert.match(planError(text), /^plans\/x\.yaml:2:\d+: nemesis\.0\.after: no earlier step is named later$/);
  });

  test('a repeating fault must be shorter than its period', () => {
    assert.match(planError('nemesis:\n  - {fault: kill, at: 1s, for: 2s, every: 2s}\n'), /nemesis\.0\.for: must be shorter than every$/);
  });

  test('a missing file is a PlanError naming it', async () => {
    await assert.rejects(loadPlan('plans/does-not-exist.yaml'), (e: unknown) => e instanceof PlanError && e.message === 'plans/does-not-exist.yaml: cannot read plan: no such file (ENOENT)');
    await assert.rejects(loadPlan('plans'), (e: unknown) => e instanceof PlanError && e.message === 'plans: cannot read plan: it is a directory (EISDIR)');
  });

  test('the resolved plan parses back to the same plan', () => {
    const plan = parsePlan('seed: 7\nnemesis:\n  - {fault: partition, shape: halves, at: 1500ms, for: 2s}\n', 'p.yaml');
    const again = parsePlan(formatPlan(plan).replace(/^#.*\n/, ''), 'p.yaml');
    assert.deepEqual(again, plan);
  });

  test('without mix a plan gets its system\'s default: cas for leader-based systems, sets and no cas on the hash ring', () => {
    assert.deepEqual(parsePlan('cluster: {system: raft}\n', 'p.yaml').workload.mix, {read: 2, write: 1, cas: 1, add: 0, 'read-set': 0});
    assert.deepEqual(parsePlan('cluster: {system: hashring}\n', 'p.yaml').workload.mix, {read: 2, write: 1, cas: 0, add: 2, 'read-set': 1});
    assert.deepEqual(parsePlan('cluster: {system: hashring}\nworkload: {mix: {add: 1}}\n', 'p.yaml').workload.mix, {read: 0, write: 0, cas: 0, add: 1, 'read-set': 0});
  });

  test('every built-in plan is valid', async () => {
    const dir = path.resolve(import.meta.dirname, '../../plans');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 3);
    for (const f of files) {
      const plan = await loadPlan(path.join(dir, f));
      assert.equal(`${plan.name}.yaml`, f);
    }
  });
});
