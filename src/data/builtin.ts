/** Data sets that ship with latentkit and can be named instead of passed (resolved in the worker). */
import type { ImageBatch } from '../core/dataset'
import type { BuiltinDataset } from './builtinSpec'
import { InvalidInputError } from '../core/errors'
import { loadDigits } from './digits'
import { generateSprites } from './sprites'

export { isBuiltinDataset, type BuiltinDataset } from './builtinSpec'

/** Materialises a built-in data set. */
export function loadBuiltinDataset(spec: BuiltinDataset): ImageBatch {
  if (spec === 'digits') return loadDigits().images
  if (spec === 'sprites') return generateSprites().images
  if (spec.name === 'digits') return loadDigits(spec).images
  if (spec.name === 'sprites') return generateSprites(spec).images
  throw new InvalidInputError(`unknown built-in data set ${JSON.stringify(spec)}`)
}
