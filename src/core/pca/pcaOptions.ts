/**
 * PCA options, their defaults and their validation. Pure TypeScript (no TF.js): the client validates
 * with it before any work is sent to the worker.
 */
import { InvalidOptionError, describeValue } from '../errors'
import { checkOneOf, checkPositiveInteger, checkSeed } from '../optionChecks'
import { MAX_COUNT } from '../memoryModel'

/**
 * How the components are computed from the covariance. `'full'`: an exact symmetric
 * eigendecomposition. `'randomized'`: a randomized range finder with power iterations (Halko,
 * Martinsson & Tropp 2011), much faster when few components of wide images are wanted. `'auto'`:
 * randomized when the images have more than 500 values and fewer than 80 % of the possible
 * components are wanted (scikit-learn's rule, applied to the values per image: the covariance's
 * size), else full. `'full'` costs O(values per image³) in one synchronous step: about a second
 * for 784 values, tens of seconds for 3,072 (32 × 32 colour), during which the worker answers
 * nothing; prefer `'randomized'` for wide images.
 */
export type PCASolver = 'auto' | 'full' | 'randomized'

/** The solver `'auto'` chose, or the one asked for. */
export type PCAChosenSolver = Exclude<PCASolver, 'auto'>

/** What defines a PCA model. Changing any of these means a new model. */
export interface PCAModelOptions {
  /**
   * Number of principal components kept, from 1 to min(training images, values per image).
   * Default: min(64, training images, values per image) — all 64 for the embedded 8×8 digits.
   */
  readonly nComponents?: number
  /** Scale the codes of `transform` to unit variance (and undo it in `inverseTransform`). Default `false`. */
  readonly whiten?: boolean
  /** How the components are computed (see {@link PCASolver}). Default `'auto'`. */
  readonly solver?: PCASolver
  /** Power iterations of the randomized solver. Default `7`. */
  readonly powerIterations?: number
  /** Seed of the randomized solver's random projection. Default `1`. */
  readonly seed?: number
}

/**
 * How to fit. PCA is exact after one pass over the data: the pass streams through the images in
 * batches, accumulating their mean and covariance, then the covariance is decomposed.
 */
export interface PCATrainOptions {
  /**
   * Passes over the data per call of `train`. Default `1`. Each pass fits the PCA anew (the same
   * result on the same data); more than one only makes sense to watch it again.
   */
  readonly epochs?: number
  /** Images added to the covariance per step (one progress point each). Default `256`. */
  readonly batchSize?: number
}

/** Options of `reconstruct`. */
export interface PCAReconstructOptions {
  /** Rebuild from the first `components` components only (1 … nComponents). Default: all of them. */
  readonly components?: number
}

/** Model options with every default filled in. */
export interface ResolvedPCAOptions {
  readonly nComponents: number
  readonly whiten: boolean
  readonly solver: PCASolver
  readonly powerIterations: number
  readonly seed: number
}

/** Train options with every default filled in. */
export type ResolvedPCATrainOptions = Required<PCATrainOptions>

/** Components kept when `nComponents` is not given, at most. */
export const DEFAULT_COMPONENTS = 64
/** Values per image above which `solver: 'auto'` may choose the randomized solver. */
export const RANDOMIZED_MIN_FEATURES = 500

const SOLVERS: readonly PCASolver[] = ['auto', 'full', 'randomized']

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validatePCAModelOptions(options: PCAModelOptions): void {
  checkPositiveInteger(
    options.nComponents,
    'nComponents',
    'Try 16, or leave it out for min(64, images, values per image).',
  )
  if (options.whiten !== undefined && typeof options.whiten !== 'boolean') {
    throw new InvalidOptionError(
      `whiten must be true or false; got ${describeValue(options.whiten)}`,
      {
        option: 'whiten',
      },
    )
  }
  checkOneOf(options.solver, SOLVERS, 'solver')
  if (
    options.powerIterations !== undefined &&
    !(
      Number.isInteger(options.powerIterations) &&
      options.powerIterations >= 0 &&
      options.powerIterations <= 100
    )
  ) {
    throw new InvalidOptionError(
      `powerIterations must be an integer from 0 to 100; got ${describeValue(options.powerIterations)}. Try 7.`,
      { option: 'powerIterations', limit: 100 },
    )
  }
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validatePCATrainOptions(options: PCATrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 1: PCA is exact after one pass.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 256.')
}

/** Throws {@link InvalidOptionError} for a bad `reconstruct` option (`components` above `kept`). */
export function validatePCAReconstructOptions(
  options: PCAReconstructOptions,
  kept = MAX_COUNT,
): void {
  const { components } = options
  if (
    components !== undefined &&
    !(Number.isInteger(components) && components >= 1 && components <= kept)
  ) {
    throw new InvalidOptionError(
      `components must be an integer from 1 to ${kept} (the components this PCA keeps); got ${describeValue(components)}`,
      { option: 'components', limit: kept },
    )
  }
}

/**
 * Fills in the defaults for images of `features` values, `rows` of them (unknown on restore), and
 * throws `INVALID_OPTION` when `nComponents` is above min(rows, features).
 */
export function resolvePCAOptions(
  options: PCAModelOptions,
  features: number,
  rows = Infinity,
): ResolvedPCAOptions {
  validatePCAModelOptions(options)
  const most = Math.min(rows, features)
  const nComponents = options.nComponents ?? Math.min(DEFAULT_COMPONENTS, most)
  if (nComponents > most) {
    const limited = rows < features ? `${rows} training images` : `${features} values per image`
    throw new InvalidOptionError(
      `nComponents ${nComponents} is above the limit of ${most} (min(images, values per image): ${limited}); use nComponents ≤ ${most}${rows < features ? ' or train on more images' : ''}`,
      { option: 'nComponents', limit: most, actual: nComponents },
    )
  }
  return {
    nComponents,
    whiten: options.whiten ?? false,
    solver: options.solver ?? 'auto',
    powerIterations: options.powerIterations ?? 7,
    seed: options.seed ?? 1,
  }
}

/** The solver used for `options` on `rows` images of `features` values. */
export function chooseSolver(
  options: ResolvedPCAOptions,
  features: number,
  rows: number,
): PCAChosenSolver {
  if (options.solver !== 'auto') return options.solver
  return features > RANDOMIZED_MIN_FEATURES && options.nComponents < 0.8 * Math.min(rows, features)
    ? 'randomized'
    : 'full'
}

/** Fills in the training defaults. */
export function resolvePCATrainOptions(options: PCATrainOptions): ResolvedPCATrainOptions {
  validatePCATrainOptions(options)
  return { epochs: options.epochs ?? 1, batchSize: options.batchSize ?? 256 }
}
