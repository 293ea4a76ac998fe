import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument, stringify, type Node} from 'yaml';
import type {z} from 'zod';
import {distance} from 'fastest-levenshtein';
import {fsErrorText, PlanError} from '../errors/index.js';
import {randomSeed} from '../rng/index.js';
import {etcdFaultProblem} from '../etcd/faults.js';
import {formatDuration} from './duration.js';
import {isChooseInput, type ChooseAlternative, type NemesisStep, type PlanStep} from './nemesis-schema.js';
import {defaultMix, planSchema, type ParsedPlan, type PlanMix} from './schema.js';

/** A validated plan with its name and seed resolved: everything a run needs. Durations in ms. */
/** A plan ready to run: named, seeded, its workload mix filled in (`defaultMix` when the file gives none). */
export type Plan = Omit<ParsedPlan, 'workload'> & {name: string; seed: number; workload: ParsedPlan['workload'] & {mix: PlanMix}};

type PathPart = string | number;

/** Finds the YAML node for `parts`, walking toward the root until a node with a position exists. */
function locate(doc: Document, parts: readonly PathPart[], unknownKey?: string): [number, number] | null {
  if (unknownKey !== undefined) {
    const parent = parts.length === 0 ? doc.contents : doc.getIn(parts, true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === unknownKey);
      if (pair && isNode(pair.key) && pair.key.range) return [pair.key.range[0], 0];
    }
  }
  for (let n = parts.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(parts.slice(0, n), true)) as Node | null | undefined;
    if (isNode(node) && node.range) return [node.range[0], n];
  }
  return null;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      if (issue.message.startsWith('expected') || issue.expected === 'never') return issue.message;
      return `expected ${issue.expected === 'number' || issue.expected === 'int' ? 'a number' : issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `expected ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/**
 * A nemesis entry that is neither a valid fault step nor a valid `choose` step fails the union of
 * the two as a whole: report the problems of the kind it was meant as instead, with their paths.
 */
function stepIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.path.length !== 2 || issue.path[0] !== 'nemesis' || issue.errors.length !== 2) return [issue];
  const inner = issue.errors[isChooseInput(issue.input) ? 1 : 0];
  return inner.length > 0 ? inner.map((i) => ({...i, path: [...issue.path, ...i.path]}) as z.core.$ZodIssue) : [issue];
}

/** Edit distance within which an unknown key is taken for a misspelling of a missing field. */
const MISSPELLING_DISTANCE = 2;

/**
 * Parses and validates a plan's YAML text. `file` is used in error messages only.
 * Unknown fields, wrong types and bad durations are errors; defaults are filled in.
 * @throws PlanError `file:line:col: field.path: what is wrong` for the first problem found.
 */
export function parsePlan(text: string, file: string): Plan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true});
  const where = (offset: number) => {
    const {line, col} = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new PlanError(`${where(e.pos[0])}: ${yamlErrorText(e.code, e.message, text, e.pos[0])}`);
  }
  if (doc.contents === null) throw new PlanError(`${file}: the plan is empty; see docs/plans.md (a plan of \`{}\` runs every default)`);
  const raw = doc.toJS();
  const result = planSchema.safeParse(raw, {reportInput: true});
  if (!result.success) {
    const issues = [...stepIssues(result.error.issues[0]), ...result.error.issues.slice(1)];
    const issue = issues[0];
    let parts = issue.path.filter((p): p is PathPart => typeof p === 'string' || typeof p === 'number');
    let field = parts.join('.');
    let message = describeIssue(issue);
    let unknownKey: string | undefined;
    if (issue.code === 'unrecognized_keys') {
      unknownKey = issue.keys[0];
      field = [...parts, unknownKey].join('.');
      message = 'unknown field';
    } else if ('input' in issue && issue.input === undefined && parts.length > 0) {
      // A required field is missing: an unknown key beside it that is a near miss is the real problem.
      const missing = String(parts[parts.length - 1]);
      const parent = parts.slice(0, -1);
      const stray = issues
        .flatMap((i) => (i.code === 'unrecognized_keys' && i.path.join('.') === parent.join('.') ? i.keys : []))
        .find((k) => distance(k, missing) <= MISSPELLING_DISTANCE);
      if (stray !== undefined) {
        parts = parent;
        unknownKey = stray;
        field = [...parent, stray].join('.');
        message = `unknown field (did you mean ${missing}?)`;
      }
    }
    const pos = locate(doc, parts, unknownKey);
    const at = pos ? where(pos[0]) : file;
    throw new PlanError(`${at}: ${field || '(plan)'}: ${message}`);
  }
  const plan = result.data;
  checkNodeIds(plan, doc, where);
  checkStepTimes(plan, doc, where);
  checkEtcdFaults(plan, doc, where);
  return {
    ...plan,
    name: plan.name ?? nameFromFile(file),
    seed: plan.seed ?? randomSeed(),
    workload: {...plan.workload, mix: plan.workload.mix ?? defaultMix(plan.cluster.system)},
  };
}

/** A plan name from its file name, kept to the characters `name` allows (it becomes a folder name). */
function nameFromFile(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'plan';
}

/** One line for a YAML syntax error: the library's message without its position suffix, in plan terms. */
function yamlErrorText(code: string, message: string, text: string, offset: number): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0].trim();
    return `duplicate key${key ? ` "${key}"` : ''}: each field may appear once`;
  }
  if (code === 'MULTIPLE_DOCS') return 'a plan is one YAML document, but this file has another after "---"';
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Every nemesis step must start within the workload, which is when faults run; `after` and
 * `same-as` must name an earlier step, and names must be unique.
 */
function checkStepTimes(plan: ParsedPlan, doc: Document, where: (offset: number) => string): void {
  const at = (parts: PathPart[]) => {
    const pos = locate(doc, parts);
    return pos ? where(pos[0]) : '(plan)';
  };
  const names = new Map<string, number>();
  plan.nemesis.forEach((step, i) => {
    const refs: Array<[string | undefined, PathPart[]]> = [[step.after, ['nemesis', i, 'after']], ...faultsOf(step, i).map(([fault, parts]): [string | undefined, PathPart[]] => ['same-as' in fault ? fault['same-as'] : undefined, [...parts, 'same-as']])];
    for (const [ref, parts] of refs) {
      if (typeof ref === 'string' && !names.has(ref)) {
        throw new PlanError(`${at(parts)}: ${parts.join('.')}: no earlier step is named ${ref}${names.size ? ` (named so far: ${[...names.keys()].join(', ')})` : ''}`);
      }
    }
    if (step.name !== undefined) {
      if (names.has(step.name)) throw new PlanError(`${at(['nemesis', i, 'name'])}: nemesis.${i}.name: ${step.name} is already the name of nemesis.${names.get(step.name)}`);
      names.set(step.name, i);
    }
    if (step.after === undefined && step.at >= plan.workload.duration) {
      const pos = locate(doc, ['nemesis', i, 'at']);
      throw new PlanError(
        `${pos ? where(pos[0]) : ''}: nemesis.${i}.at: ${formatDuration(step.at)} is not before the end of the workload (workload.duration is ${formatDuration(plan.workload.duration)})`,
      );
    }
  });
}

/** The faults of a nemesis entry with their paths: the step itself, or each alternative of a `choose` step. */
function faultsOf(step: PlanStep, i: number): Array<[NemesisStep | ChooseAlternative, PathPart[]]> {
  return 'choose' in step ? step.choose.map((alternative, j) => [alternative, ['nemesis', i, 'choose', j]]) : [[step, ['nemesis', i]]];
}

/** Node ids named in nemesis steps and `choose` alternatives (targets, groups, links) must exist in the cluster. */
function checkNodeIds(plan: ParsedPlan, doc: Document, where: (offset: number) => string): void {
  const n = plan.cluster.nodes;
  const known = (id: string) => Number(id.slice(1)) <= n;
  plan.nemesis.forEach((entry, i) => faultsOf(entry, i).forEach(([step, prefix]) => {
    const named: Array<[PathPart[], string]> = [];
    const targetIds = (field: string, value: unknown) => {
      if (typeof value === 'string' && /^n\d$/.test(value)) named.push([[...prefix, field], value]);
      if (Array.isArray(value)) value.forEach((id, k) => named.push([[...prefix, field, k], id as string]));
    };
    if ('target' in step) targetIds('target', step.target);
    if (step.fault === 'partition') {
      targetIds('to', step.to);
      if (step.node) named.push([[...prefix, 'node'], step.node]);
      step.groups?.forEach((g, gi) => g.forEach((id, k) => named.push([[...prefix, 'groups', gi, k], id])));
    }
    if ('links' in step) {
      if (Array.isArray(step.links)) step.links.forEach((l, k) => l.split('-').forEach((id) => named.push([[...prefix, 'links', k], id])));
      else if (typeof step.links === 'object') {
        const of = step.links.of;
        if (typeof of === 'string' && /^n\d$/.test(of)) named.push([[...prefix, 'links', 'of'], of]);
        if (Array.isArray(of)) of.forEach((id, k) => named.push([[...prefix, 'links', 'of', k], id]));
      }
    }
    for (const [parts, id] of named) {
      if (!known(id)) {
        const pos = locate(doc, parts);
        throw new PlanError(`${pos ? where(pos[0]) : '(plan)'}: ${parts.join('.')}: node ${id} does not exist (cluster.nodes is ${n})`);
      }
    }
  }));
}

/** An etcd plan may only use the faults etcd can run exactly (src/etcd/faults.ts, docs/etcd.md). */
function checkEtcdFaults(plan: ParsedPlan, doc: Document, where: (offset: number) => string): void {
  if (plan.cluster.system !== 'etcd') return;
  const problems = plan.nemesis.flatMap((step, i) => {
    const faults = 'choose' in step ? step.choose.map((alternative, j) => ({fault: alternative, at: ['nemesis', i, 'choose', j]})) : [{fault: step, at: ['nemesis', i]}];
    return faults.flatMap(({fault, at}) => {
      const problem = etcdFaultProblem(fault, plan.cluster.nodes);
      return problem ? [{problem, at}] : [];
    });
  });
  if (problems.length === 0) return;
  const {problem, at} = problems[0];
  const parts = [...at, ...problem.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
  const pos = locate(doc, parts);
  throw new PlanError(`${pos ? where(pos[0]) : '(plan)'}: ${parts.join('.')}: ${problem.message}`);
}

/**
 * Reads and validates a plan file.
 * @throws PlanError when the file cannot be read or is not a valid plan.
 */
export async function loadPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlanError(`${file}: cannot read plan: ${fsErrorText(error)}`);
  }
  return parsePlan(text, file);
}

/** Nemesis step fields that hold durations (ms inside, text in plan.yaml). */
const DURATION_FIELDS = new Set(['at', 'for', 'every', 'every-jitter', 'jitter', 'wait-timeout', 'offset', 'period', 'latency', 'delay', 'timeout', 'flap']);

/** A nemesis step (or `choose` alternative) with its durations as text, alternatives included. */
function formatStep(step: PlanStep | ChooseAlternative): Record<string, unknown> {
  return Object.fromEntries(Object.entries(step).map(([k, v]) => [k, k === 'choose' ? (v as ChooseAlternative[]).map(formatStep) : DURATION_FIELDS.has(k) && typeof v === 'number' ? formatDuration(v) : v]));
}

/** The resolved plan as YAML (defaults filled, seed written, durations as text), for plan.yaml in the run directory. */
export function formatPlan(plan: Plan): string {
  const d = formatDuration;
  const resolved = {
    name: plan.name,
    ...(plan.description ? {description: plan.description} : {}),
    seed: plan.seed,
    cluster: {...plan.cluster, readyTimeout: d(plan.cluster.readyTimeout)},
    workload: {...plan.workload, duration: d(plan.workload.duration), timeout: d(plan.workload.timeout)},
    nemesis: plan.nemesis.map(formatStep),
    final: {quiesce: d(plan.final.quiesce)},
    check: {...plan.check, timeLimit: d(plan.check.timeLimit), recovery: {within: d(plan.check.recovery.within)}, convergence: {within: d(plan.check.convergence.within)}},
    ...(plan.proxy.url ? {proxy: plan.proxy} : {}),
  };
  return `# Resolved by faultline: defaults filled in, seed written. Replay with: faultline replay <this folder> (same fault targets) or faultline run <this file> (same seed)\n${stringify(resolved)}`;
}
