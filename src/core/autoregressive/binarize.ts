/** Binarisation of grey images for the autoregressive model. Pure TypeScript. */
import { describeValue, InvalidInputError, InvalidOptionError } from '../errors'
import { checkOneOf } from '../optionChecks'
import type { Random } from '../random'
import type { Binarization } from './autoregressiveOptions'

/** How to binarise: a threshold, or a draw per value with its value as the probability of 1. */
export interface BinarizeRule {
  readonly binarize: Binarization
  readonly threshold: number
}

const BINARIZATIONS: readonly Binarization[] = ['threshold', 'stochastic']

/** Throws `INVALID_OPTION` for a `binarize` rule or a `threshold` (in (0, 1]) out of range. */
export function checkBinarizeOptions(options: {
  readonly binarize?: Binarization
  readonly threshold?: number
}): void {
  checkOneOf(options.binarize, BINARIZATIONS, 'binarize')
  const { threshold } = options
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold > 0 && threshold <= 1)) {
    throw new InvalidOptionError(
      `threshold must be a number in (0, 1]; got ${describeValue(threshold)}. Try 0.5`,
      { option: 'threshold' },
    )
  }
}

/**
 * Throws `INVALID_INPUT` naming the first value outside [0, 1]: such values are no probability of a
 * pixel being on, so the images cannot be binarised. `model` names who binarises, in the message.
 */
export function assertBinarizable(
  values: ArrayLike<number>,
  name = 'images',
  model = 'the autoregressive model',
): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (!(value >= 0 && value <= 1)) {
      throw new InvalidInputError(
        `${name} holds ${value} at flat index ${i}; ${model} binarises values in [0, 1]. Scale the images to [0, 1] (e.g. divide bytes by 255)`,
        { index: i, value, min: 0, max: 1 },
      )
    }
  }
}

/**
 * Binary copies of `values`: `≥ threshold` → 1 (`'threshold'`), or 1 with probability equal to the
 * value, drawn from `random` in order (`'stochastic'`).
 */
export function binarizeValues(
  values: Float32Array,
  rule: BinarizeRule,
  random: Random,
): Float32Array {
  const out = new Float32Array(values.length)
  if (rule.binarize === 'stochastic') {
    for (let i = 0; i < values.length; i++)
      out[i] = random.uniform() < (values[i] as number) ? 1 : 0
  } else {
    for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) >= rule.threshold ? 1 : 0
  }
  return out
}
