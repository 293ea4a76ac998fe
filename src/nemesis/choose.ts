import type {ChooseStep, NemesisStep} from '../plan/nemesis-schema.js';
import type {Rng} from '../rng/index.js';

/**
 * Draws the alternative of a `choose` step for one occurrence: index i with probability
 * `weight[i] / sum of weights` (inverse-CDF walk over the weights, `Rng.weighted`). The schedule
 * gives each choose step its own stream, so that the k-th draw depends only on the seed, the
 * step's index and k: not on targets drawn or on the timing of the run.
 */
export function drawChoice(step: ChooseStep, rng: Rng): number {
  return rng.weighted(step.choose.map((alternative) => alternative.weight));
}

/**
 * The single-fault step that an occurrence runs when it drew alternative `choice`: the
 * alternative's fault fields with the choose step's schedule, `name` and `for`. A `restart`
 * alternative ignores `for`.
 * @throws RangeError when `choice` is not an index of `step.choose` (a replay of another plan).
 */
export function chosenStep(step: ChooseStep, choice: number): NemesisStep {
  if (!Number.isInteger(choice) || choice < 0 || choice >= step.choose.length) throw new RangeError(`choice ${choice} is not one of the ${step.choose.length} alternatives`);
  const {choose, ...stepFields} = step;
  const {weight, ...fault} = choose[choice];
  return {...fault, ...stepFields} as NemesisStep;
}
