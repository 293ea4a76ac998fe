import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {Args} from '@oclif/core';
import {InputError} from '../errors/index.js';
import {pinnedFromEvents, type NemesisEvent} from '../nemesis/index.js';
import {loadPlan} from '../plan/index.js';
import type {RunResults} from '../report/index.js';
import {RUN_FLAGS, RunCommand} from '../cli/run-command.js';

/** `faultline replay RUN_DIR`: runs a recorded run again with the same plan, seed and fault timeline. */
export default class Replay extends RunCommand {
  static override summary = 'Run a recorded run again: the same resolved plan and seed, and the same fault targets at the same times.';

  static override description = `Reads RUN_DIR/plan.yaml (the resolved plan, with its seed) and RUN_DIR/nemesis.jsonl, and runs \
the plan again into a new run directory. Every fault occurrence acts on the nodes and links it acted on in the \
recorded run (a leader isolated then is isolated again, even if another node leads now), at the same offsets. The \
nodes' own timing is not replayed, so the history differs; the faults do not. A replay that passes where the \
recorded run failed says so, and how to run the plan with its seed instead (which targets whoever leads at each \
fault's moment).`;

  static override examples = [{description: 'Replay a recorded run.', command: '<%= config.bin %> <%= command.id %> runs/20261130-134032-raft-partition'}];

  /** The run flags but --seed: a replay keeps the recorded seed (`faultline run PLAN --seed N` chooses one). */
  static override flags = (({seed: _seed, ...rest}) => rest)(RUN_FLAGS);

  static override args = {
    runDir: Args.string({description: 'A run directory (runs/<time>-<plan>).', required: true}),
  };

  public async run(): Promise<RunResults & {runDir: string}> {
    const {args, flags} = await this.parse(Replay);
    const planFile = path.join(args.runDir, 'plan.yaml');
    if (!existsSync(args.runDir)) throw new InputError(`${args.runDir}: no such run directory`);
    if (!statSync(args.runDir).isDirectory()) throw new InputError(`${args.runDir}: not a run directory (a file; a run directory holds plan.yaml and nemesis.jsonl)`);
    if (!existsSync(planFile)) throw new InputError(`${args.runDir}: not a run directory (no plan.yaml)`);
    const plan = await loadPlan(planFile);
    let events: NemesisEvent[];
    try {
      events = readFileSync(path.join(args.runDir, 'nemesis.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as NemesisEvent);
    } catch (error) {
      throw new InputError(`${path.join(args.runDir, 'nemesis.jsonl')}: cannot read the fault timeline (${(error as Error).message})`);
    }
    const results = await this.execute(planFile, plan, flags, pinnedFromEvents(events));
    const recorded = recordedVerdict(args.runDir);
    if (recorded === false && results.valid !== false && !this.jsonEnabled()) {
      this.log(
        `  the recorded run was INVALID and this replay is not: it repeats the faults on the same nodes, not the nodes' timing (who led when). ` +
          `To target whichever node leads at each fault's moment, run the plan with its seed: faultline run ${planFile} --seed ${plan.seed}`,
      );
    }
    return results;
  }
}

/** The recorded run's verdict from RUN_DIR/results.json, or undefined when it cannot be read. */
function recordedVerdict(runDir: string): RunResults['valid'] | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(runDir, 'results.json'), 'utf8')) as Pick<RunResults, 'valid'>).valid;
  } catch {
    return undefined;
  }
}
