/**
 * Sparse coding options, their defaults and their validation. Pure TypeScript (no TF.js): the client
 * validates with it before any work is sent to the worker.
 */
import { InvalidOptionError, describeValue } from '../errors'
import {
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
} from '../optionChecks'

/**
 * How each patch is normalised before coding. `'none'`: as is. `'center'`: the patch mean is
 * removed. `'contrast'`: mean removed, then divided by its standard deviation (with a floor, so flat
 * patches are not blown up into noise).
 */
export type PatchNormalization = 'none' | 'center' | 'contrast'

/**
 * How the lasso is solved. `'coordinate-descent'`: coordinate descent on the Gram matrix with an
 * active set, in float64 on the CPU; stops on the relative update and the duality gap (scikit-learn's
 * `lasso_cd` criterion). `'fista'`: batched FISTA in TF.js, one matrix product per iteration (suits
 * GPUs); stops on the relative change of the codes. `'auto'`: coordinate descent on the CPU and WASM
 * backends, FISTA on WebGL and WebGPU.
 */
export type LassoSolver = 'auto' | 'coordinate-descent' | 'fista'

/** The dictionary and the coding problem. Changing any of these means a new model. */
export interface SparseCodingModelOptions {
  /** Number of atoms (dictionary size). Default: twice the values per patch, at most 256 (128 for 8×8 gray patches). */
  readonly atoms?: number
  /** Side of the square patches, in pixels. Default: 8, or the image side when smaller. */
  readonly patchSize?: number
  /** Weight λ of the L1 penalty in ½‖x − Dᵀa‖² + λ‖a‖₁: larger means sparser codes. Default `0.5` (about 10 % of coefficients non-zero on contrast-normalised 8×8 patches). */
  readonly lambda?: number
  /** Constrain codes to be ≥ 0 (parts-based atoms). Default `false`. */
  readonly nonNegative?: boolean
  /** Per-patch normalisation before coding. Default `'contrast'`. */
  readonly normalization?: PatchNormalization
  /** ZCA-whiten the patches as in Olshausen & Field (1996). Default `false`. */
  readonly whiten?: boolean
  /** Seed of the initial atoms and of the patch draws. Default `1`. */
  readonly seed?: number
}

/** How to train. These may change between calls of `train`. */
export interface SparseCodingTrainOptions {
  /** Passes over the patches per call of `train`. Default `10`. */
  readonly epochs?: number
  /** Patches per step (mini-batch of online dictionary learning). Default `256`. */
  readonly batchSize?: number
  /**
   * Patches per epoch. When the images hold fewer patch positions than this, an epoch visits every
   * position once; otherwise this many positions are drawn at random. Default `10000`.
   */
  readonly patchesPerEpoch?: number
  /** Most solver iterations (FISTA iterations or coordinate-descent sweeps) per training step. Default `100`. */
  readonly codingIterations?: number
  /** Tolerance of the lasso solver during training (see {@link LassoSolver}). Default `0.001`. */
  readonly codingTolerance?: number
  /** Lasso solver during training. Default `'auto'`. */
  readonly solver?: LassoSolver
}

/** How to compute codes after training (`encode`, `reconstruct`, `denoise`). */
export interface SparseEncodeOptions {
  /** Pixels between two patch positions. Default: the patch size for `encode` (tiles), `1` for `reconstruct`/`denoise`. */
  readonly stride?: number
  /** λ for this call; default the model's. A larger λ removes more noise in `denoise`. */
  readonly lambda?: number
  /** Tolerance of the lasso solver (see {@link LassoSolver}). Default `0.0001`. */
  readonly tolerance?: number
  /** Most solver iterations (FISTA iterations or coordinate-descent sweeps). Default `1000`. */
  readonly maxIterations?: number
  /** Lasso solver for this call. Default `'auto'`. */
  readonly solver?: LassoSolver
}

/** Model options with every default filled in. */
export interface ResolvedSparseCodingOptions {
  readonly atoms: number
  readonly patchSize: number
  readonly lambda: number
  readonly nonNegative: boolean
  readonly normalization: PatchNormalization
  readonly whiten: boolean
  readonly seed: number
}

/** Train options with every default filled in. */
export type ResolvedSparseCodingTrainOptions = Required<SparseCodingTrainOptions>

const NORMALIZATIONS: readonly PatchNormalization[] = ['none', 'center', 'contrast']
const SOLVERS: readonly LassoSolver[] = ['auto', 'coordinate-descent', 'fista']

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateSparseCodingModelOptions(options: SparseCodingModelOptions): void {
  checkPositiveInteger(options.atoms, 'atoms', 'Try 128 (twice the values of an 8×8 patch).')
  checkPositiveInteger(options.patchSize, 'patchSize', 'Try 8.')
  checkNonNegativeNumber(options.lambda, 'lambda', 'Try 0.5; 0 gives dense least-squares codes.')
  checkOneOf(options.normalization, NORMALIZATIONS, 'normalization')
  for (const flag of ['nonNegative', 'whiten'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new InvalidOptionError(
        `${flag} must be true or false; got ${describeValue(options[flag])}`,
        {
          option: flag,
        },
      )
    }
  }
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateSparseCodingTrainOptions(options: SparseCodingTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 10.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 256.')
  checkPositiveInteger(options.patchesPerEpoch, 'patchesPerEpoch', 'Try 10000.')
  checkPositiveInteger(options.codingIterations, 'codingIterations', 'Try 100.')
  checkPositiveNumber(options.codingTolerance, 'codingTolerance', 'Try 0.001.')
  checkOneOf(options.solver, SOLVERS, 'solver')
}

/** Throws {@link InvalidOptionError} for any out-of-range encode option. */
export function validateSparseEncodeOptions(options: SparseEncodeOptions): void {
  checkPositiveInteger(
    options.stride,
    'stride',
    'Try 1 (every position) or the patch size (tiles).',
  )
  checkNonNegativeNumber(options.lambda, 'lambda', 'Try the model’s λ or a little more.')
  checkPositiveNumber(options.tolerance, 'tolerance', 'Try 0.0001.')
  checkPositiveInteger(options.maxIterations, 'maxIterations', 'Try 1000.')
  checkOneOf(options.solver, SOLVERS, 'solver')
}

/** Fills in the defaults for images of `imageShape`. */
export function resolveSparseCodingOptions(
  options: SparseCodingModelOptions,
  imageShape: readonly [number, number, number],
): ResolvedSparseCodingOptions {
  validateSparseCodingModelOptions(options)
  const [height, width, channels] = imageShape
  const patchSize = options.patchSize ?? Math.min(8, height, width)
  return {
    atoms: options.atoms ?? Math.min(256, 2 * patchSize * patchSize * channels),
    patchSize,
    lambda: options.lambda ?? 0.5,
    nonNegative: options.nonNegative ?? false,
    normalization: options.normalization ?? 'contrast',
    whiten: options.whiten ?? false,
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export function resolveSparseCodingTrainOptions(
  options: SparseCodingTrainOptions,
): ResolvedSparseCodingTrainOptions {
  validateSparseCodingTrainOptions(options)
  return {
    epochs: options.epochs ?? 10,
    batchSize: options.batchSize ?? 256,
    patchesPerEpoch: options.patchesPerEpoch ?? 10_000,
    codingIterations: options.codingIterations ?? 100,
    codingTolerance: options.codingTolerance ?? 0.001,
    solver: options.solver ?? 'auto',
  }
}
