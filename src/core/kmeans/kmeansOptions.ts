/**
 * k-means options, their defaults and their validation. Pure TypeScript (no TF.js): the client
 * validates with it before any work is sent to the worker.
 */
import { InvalidOptionError } from '../errors'
import {
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
} from '../optionChecks'

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
}

/** How to train. These may change between calls of `train`. */
export interface KMeansTrainOptions {
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
}

/** Options of the `readClusters` action. */
export interface KMeansClustersOptions {
  /** Members shown per cluster, spread from the nearest to the farthest. Default `8`. */
  readonly members?: number
}

/** Model options with every default filled in. */
export interface ResolvedKMeansOptions {
  readonly k: number
  readonly algorithm: KMeansAlgorithm
  readonly seed: number
}

/** Train options with every default filled in (`initSize` still depends on the data). */
export interface ResolvedKMeansTrainOptions {
  readonly epochs: number
  readonly batchSize: number
  readonly tolerance: number
  readonly initSize: number | undefined
  readonly reassignmentRatio: number
}

const ALGORITHMS: readonly KMeansAlgorithm[] = ['lloyd', 'minibatch']

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateKMeansModelOptions(options: KMeansModelOptions): void {
  checkPositiveInteger(options.k, 'k', 'Try 10 clusters (k must be a whole number of clusters).')
  checkOneOf(options.algorithm, ALGORITHMS, 'algorithm')
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateKMeansTrainOptions(options: KMeansTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 300 for Lloyd, 10 for mini-batch.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 1024.')
  checkNonNegativeNumber(options.tolerance, 'tolerance', 'Try 0.0001.')
  checkPositiveInteger(options.initSize, 'initSize', 'Try 3 × batchSize.')
  checkNonNegativeNumber(options.reassignmentRatio, 'reassignmentRatio', 'Try 0.01.')
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

/** Fills in the model defaults. */
export function resolveKMeansOptions(options: KMeansModelOptions): ResolvedKMeansOptions {
  validateKMeansModelOptions(options)
  return { k: options.k ?? 8, algorithm: options.algorithm ?? 'lloyd', seed: options.seed ?? 1 }
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
  }
}
