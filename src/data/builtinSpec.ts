/** Names of the data sets that ship with latentkit. Light: loads no data (safe for the main thread). */
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
