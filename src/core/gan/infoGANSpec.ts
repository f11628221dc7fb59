/** InfoGAN's actions as the main thread sees them (TF-free): generating from codes, inferring them. */
import type { ImageBatch } from '../dataset'
import { describeValue, InvalidInputError } from '../errors'
import { defineAction, optionsArgument } from '../family/familySpec'
import { imagesAction } from '../family/commonActions'
import { checkCount } from '../memoryModel'
import { checkSeed } from '../optionChecks'
import type { InferredCodes, InfoCodeRow } from './infoCodes'

/** Options of `generateWithCodes`. */
export interface GenerateWithCodesOptions {
  /** Seed of the noise beside the codes: the same seed, the same noise. Default `0`. */
  readonly seed?: number
  /**
   * One noise vector for every row (`true`: the rows differ by their codes only, as a latent traversal
   * needs) or a fresh one per row. Default `true`.
   */
  readonly sharedNoise?: boolean
}

/** {@link GenerateWithCodesOptions} with the defaults filled in; `INVALID_OPTION` when out of range. */
export function resolveGenerateWithCodesOptions(
  options: GenerateWithCodesOptions,
): Required<GenerateWithCodesOptions> {
  const given = optionsArgument(options, 'generateWithCodes', '{ seed: 1 }')
  checkSeed(given.seed)
  return { seed: given.seed ?? 0, sharedNoise: given.sharedNoise !== false }
}

/** `codes` as the worker takes them: an array of plain rows (`INVALID_INPUT` otherwise). */
function codeRows(codes: readonly InfoCodeRow[]): InfoCodeRow[] {
  if (!Array.isArray(codes)) {
    throw new InvalidInputError(
      `codes must be an array with one { categorical, continuous } per image; got ${describeValue(codes)}`,
    )
  }
  checkCount(codes.length, 'codes')
  return (codes as readonly unknown[]).map((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new InvalidInputError(
        `codes[${i}] must be an object such as { categorical: [3], continuous: [0.5] }; got ${describeValue(row)}`,
      )
    }
    const { categorical, continuous } = row as InfoCodeRow
    return {
      ...(categorical === undefined
        ? {}
        : { categorical: toNumbers(categorical, i, 'categorical') }),
      ...(continuous === undefined ? {} : { continuous: toNumbers(continuous, i, 'continuous') }),
    }
  })
}

function toNumbers(values: unknown, row: number, key: string): number[] {
  if (!Array.isArray(values)) {
    throw new InvalidInputError(
      `codes[${row}].${key} must be an array of numbers; got ${describeValue(values)}`,
    )
  }
  return [...(values as number[])]
}

/** InfoGAN's actions (a plain GAN answers them with `INVALID_INPUT`). */
export const infoGANActions = {
  /**
   * One image per row of `codes` (`{ categorical?: number[], continuous?: number[] }`, missing codes
   * at 0), the rest of the input noise drawn with `options.seed` and shared by the rows by default.
   */
  generateWithCodes: /* @__PURE__ */ defineAction<ImageBatch>()(
    (_, codes: readonly InfoCodeRow[], options?: GenerateWithCodesOptions) =>
      [codeRows(codes), resolveGenerateWithCodesOptions(options ?? {})] as const,
  ),
  /** Q's reading of the codes behind `images`: most probable categories, probabilities, means. */
  inferCodes: /* @__PURE__ */ imagesAction<InferredCodes>(),
}
