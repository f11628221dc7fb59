/** Names of the data sets that ship with latentkit. Light: loads no data (safe for the main thread). */
import { InvalidInputError } from '../core/errors'
import type { LoadDigitsOptions } from './digits'
import type { SpriteOptions } from './sprites'

/**
 * A built-in data set: `'digits'` (UCI 8×8 handwritten digits, 1,797 images), `'sprites'`
 * (1,000 procedural 28×28 shapes), or either with options.
 */
export type BuiltinDataset =
  | 'digits'
  | 'sprites'
  | ({ readonly name: 'digits' } & LoadDigitsOptions)
  | ({ readonly name: 'sprites' } & SpriteOptions)

/** True when `value` names a built-in data set. */
export function isBuiltinDataset(value: unknown): value is BuiltinDataset {
  if (value === 'digits' || value === 'sprites') return true
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    ((value as { name?: unknown }).name === 'digits' ||
      (value as { name?: unknown }).name === 'sprites')
  )
}

/** The names of the built-in data sets. */
export const BUILTIN_DATASET_NAMES = ['digits', 'sprites'] as const

/** Throws `INVALID_INPUT` naming the built-in data sets when `value` is a string that names none. */
export function checkDatasetName(value: unknown): void {
  if (typeof value === 'string' && !isBuiltinDataset(value)) {
    throw new InvalidInputError(
      `data ${JSON.stringify(value)} names no built-in data set; use one of ${BUILTIN_DATASET_NAMES.map((n) => `'${n}'`).join(', ')}, or pass your own { data, shape }`,
      { known: BUILTIN_DATASET_NAMES.join(', ') },
    )
  }
}
