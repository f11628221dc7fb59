/** Binarisation of grey images for the autoregressive model. Pure TypeScript. */
import { InvalidInputError } from '../errors'
import type { Random } from '../random'
import type { Binarization } from './autoregressiveOptions'

/** How to binarise: a threshold, or a draw per value with its value as the probability of 1. */
export interface BinarizeRule {
  readonly binarize: Binarization
  readonly threshold: number
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
