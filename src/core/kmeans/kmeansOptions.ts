/**
 * k-means options, their defaults and their validation. Pure TypeScript (no TF.js): the client
 * validates with it before any work is sent to the worker.
 */
import { InvalidOptionError, describeValue } from '../errors'
import {
  checkFusedKernelsOption,
  resolveFusedKernelsOption,
  type FusedKernelsOption,
  type KernelThreads,
} from '../kernels/fusedKernelsOption'
import {
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
} from '../optionChecks'
import type { PatchNormalization } from '../sparse/sparseOptions'

/**
 * How centroids are learned. `'lloyd'`: full-batch Lloyd iterations, each a pass over every row,
 * until the centroids stop moving. `'minibatch'`: mini-batch k-means (Sculley 2010), each step a
 * random batch and per-centre learning rates, for data too big for full passes.
 */
export type KMeansAlgorithm = 'lloyd' | 'minibatch'

/** The clustering. Changing any of these means a new model. */
export interface KMeansModelOptions {
  /** Number of clusters. Default `8` (as scikit-learn). At most the number of training rows. */
  readonly k?: number
  /** `'lloyd'` (default) or `'minibatch'`. */
  readonly algorithm?: KMeansAlgorithm
  /** Seed of the k-means++ initialisation and of the mini-batch draws. Default `1`. */
  readonly seed?: number
  /**
   * Clustering learning (Coates, Lee & Ng 2011): when set, the model clusters square patches of this
   * side, in pixels, drawn from the training images (contrast-normalised and ZCA-whitened, see
   * `normalization` and `whiten`), and its centroids are filters; `features(images)` then gives each
   * image's triangle activations sum-pooled over its quadrants. At most the images' height and width.
   * Default: unset, clustering whole images.
   */
  readonly patchSize?: number
  /**
   * Patch models: how each patch is normalised before whitening. `'contrast'` (default): mean removed,
   * then divided by `√(variance + floor²)`, the floor being `√10 / 255` of the data's range, which is
   * Coates' `√(var + 10)` on 0–255 pixels. `'center'`: mean removed. `'none'`: as is. Only with `patchSize`.
   */
  readonly normalization?: PatchNormalization
  /**
   * Patch models: ZCA-whiten the normalised patches before clustering, with `0.1 ×` the mean
   * eigenvalue added to every eigenvalue (Coates' ε = 0.1 on contrast-normalised patches). Default
   * `true`. Only with `patchSize`.
   */
  readonly whiten?: boolean
}

/** How to train. These may change between calls of `train`. */
export interface KMeansTrainOptions extends FusedKernelsOption {
  /**
   * Lloyd: the most iterations (full passes) per call of `train`; it ends earlier once converged.
   * Mini-batch: passes over the data per call. Default `300` for Lloyd (scikit-learn's `max_iter`),
   * `10` for mini-batch.
   */
  readonly epochs?: number
  /** Mini-batch: rows per step. Default `1024` (scikit-learn's). Lloyd ignores it (every row, each step). */
  readonly batchSize?: number
  /**
   * Lloyd: converged when the centroids move, in all, less than this fraction of the data's mean
   * per-feature variance in squared distance (scikit-learn's `tol`). `0` runs every epoch. Default `0.0001`.
   */
  readonly tolerance?: number
  /** Mini-batch: rows k-means++ starts from (a random sample). Default `3 × batchSize`, at least `3 × k`. */
  readonly initSize?: number
  /**
   * Mini-batch: a centre whose count falls below this fraction of the largest count is moved to a
   * random row of the batch (checked every `10 × k` rows), as scikit-learn's `reassignment_ratio`. `0`
   * never moves one. Default `0.01`.
   */
  readonly reassignmentRatio?: number
  /**
   * Patch models: patches drawn from each training image per call of `train`, at distinct random
   * positions (every position once when it is at least the positions an image holds). Default: every
   * position while the images hold at most 100,000 patches in all, else `⌊100000 / images⌋` (at
   * least 1). Whole-image models ignore it.
   */
  readonly patchesPerImage?: number
  /**
   * On the WASM backend, assign the rows of each step (the distances `‖c‖² − 2 x·c` through a SIMD
   * matrix product, the nearest centroid, the per-cluster sums) in latentkit's fused WebAssembly
   * kernels, with the same assignments and centroids as TF.js operations. `false` runs them as TF.js
   * operations. Other backends always use TF.js. Default `true`.
   */
  readonly fusedKernels?: boolean
}

/** Options of the `features` and `featureMaps` actions of a patch model. */
export interface KMeansFeaturesOptions {
  /**
   * Pixels between two patch positions. Default `1` (every position, as Coates et al.); the last
   * row and column of positions always touch the image's edge.
   */
  readonly stride?: number
}

/** Options of the `readClusters` action. */
export interface KMeansClustersOptions {
  /** Members shown per cluster, spread from the nearest to the farthest. Default `8`. */
  readonly members?: number
}

/**
 * Model options with every default filled in. `patchSize`, `normalization` and `whiten` are there
 * only for patch models (clustering learning).
 */
export interface ResolvedKMeansOptions {
  readonly k: number
  readonly algorithm: KMeansAlgorithm
  readonly seed: number
  readonly patchSize?: number
  readonly normalization?: PatchNormalization
  readonly whiten?: boolean
}

/** Train options with every default filled in (`initSize` still depends on the data). */
export interface ResolvedKMeansTrainOptions {
  readonly epochs: number
  readonly batchSize: number
  readonly tolerance: number
  readonly initSize: number | undefined
  readonly reassignmentRatio: number
  /** Patch models; `undefined` until the data says what the default is. */
  readonly patchesPerImage: number | undefined
  readonly fusedKernels: boolean
  readonly kernelThreads: KernelThreads
}

/** Most patches a patch model draws per call of `train` when `patchesPerImage` is left out. */
export const DEFAULT_TRAINING_PATCHES = 100_000

const NORMALIZATIONS: readonly PatchNormalization[] = ['none', 'center', 'contrast']

const ALGORITHMS: readonly KMeansAlgorithm[] = ['lloyd', 'minibatch']

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateKMeansModelOptions(options: KMeansModelOptions): void {
  checkPositiveInteger(options.k, 'k', 'Try 10 clusters (k must be a whole number of clusters).')
  checkOneOf(options.algorithm, ALGORITHMS, 'algorithm')
  checkSeed(options.seed)
  checkPositiveInteger(
    options.patchSize,
    'patchSize',
    'Try 6 (Coates et al. on 32 × 32 images) or 5 on the 8 × 8 digits.',
  )
  checkOneOf(options.normalization, NORMALIZATIONS, 'normalization')
  if (options.whiten !== undefined && typeof options.whiten !== 'boolean') {
    throw new InvalidOptionError(
      `whiten must be true or false; got ${describeValue(options.whiten)}`,
      {
        option: 'whiten',
      },
    )
  }
  if (options.patchSize === undefined) {
    for (const name of ['normalization', 'whiten'] as const) {
      if (options[name] !== undefined) {
        throw new InvalidOptionError(
          `${name} applies to patch models (clustering learning) only; set patchSize too (e.g. patchSize: 5) or leave ${name} out`,
          { option: name },
        )
      }
    }
  }
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateKMeansTrainOptions(options: KMeansTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 300 for Lloyd, 10 for mini-batch.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 1024.')
  checkNonNegativeNumber(options.tolerance, 'tolerance', 'Try 0.0001.')
  checkPositiveInteger(options.initSize, 'initSize', 'Try 3 × batchSize.')
  checkNonNegativeNumber(options.reassignmentRatio, 'reassignmentRatio', 'Try 0.01.')
  checkPositiveInteger(options.patchesPerImage, 'patchesPerImage', 'Try 10, or leave it out.')
  checkFusedKernelsOption(options)
  if (options.reassignmentRatio !== undefined && options.reassignmentRatio > 1) {
    throw new InvalidOptionError(
      `reassignmentRatio must be from 0 to 1; got ${options.reassignmentRatio}. Try 0.01`,
      { option: 'reassignmentRatio' },
    )
  }
}

/** Throws {@link InvalidOptionError} for bad `clusters` options. */
export function validateKMeansClustersOptions(options: KMeansClustersOptions): void {
  checkPositiveInteger(options.members, 'members', 'Try 8 members per cluster.')
}

/** Throws {@link InvalidOptionError} for bad `features` options. */
export function validateKMeansFeaturesOptions(options: KMeansFeaturesOptions): void {
  checkPositiveInteger(options.stride, 'stride', 'Try 1 (every position).')
}

/** Fills in the model defaults. */
export function resolveKMeansOptions(options: KMeansModelOptions): ResolvedKMeansOptions {
  validateKMeansModelOptions(options)
  const base = {
    k: options.k ?? 8,
    algorithm: options.algorithm ?? 'lloyd',
    seed: options.seed ?? 1,
  }
  if (options.patchSize === undefined) return base
  return {
    ...base,
    patchSize: options.patchSize,
    normalization: options.normalization ?? 'contrast',
    whiten: options.whiten ?? true,
  }
}

/** Fills in the training defaults for a model of `options`. */
export function resolveKMeansTrainOptions(
  train: KMeansTrainOptions,
  options: KMeansModelOptions,
): ResolvedKMeansTrainOptions {
  validateKMeansTrainOptions(train)
  const lloyd = (options.algorithm ?? 'lloyd') === 'lloyd'
  return {
    epochs: train.epochs ?? (lloyd ? 300 : 10),
    batchSize: train.batchSize ?? 1024,
    tolerance: train.tolerance ?? 1e-4,
    initSize: train.initSize,
    reassignmentRatio: train.reassignmentRatio ?? 0.01,
    patchesPerImage: train.patchesPerImage,
    ...resolveFusedKernelsOption(train),
  }
}
