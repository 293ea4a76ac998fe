import {readFileSync} from 'node:fs';
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
nodes' own timing is not replayed, so the history differs; the faults do not.`;

  static override examples = [{description: 'Replay a recorded run.', command: '<%= config.bin %> <%= command.id %> runs/20261130-134032-raft-partition'}];

  /** The run flags but --seed: a replay keeps the recorded seed (`faultline run PLAN --seed N` chooses one). */
  static override flags = (({seed: _seed, ...rest}) => rest)(RUN_FLAGS);

  static override args = {
    runDir: Args.string({description: 'A run directory (runs/<time>-<plan>).', required: true}),
  };

  public async run(): Promise<RunResults & {runDir: string}> {
    const {args, flags} = await this.parse(Replay);
    const planFile = path.join(args.runDir, 'plan.yaml');
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
    return this.execute(planFile, plan, flags, pinnedFromEvents(events));
  }
}
