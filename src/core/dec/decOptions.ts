/**
 * Deep embedded clustering options, their defaults and their validation. Pure TypeScript (no TF.js):
 * the client validates with it before any work is sent to the worker.
 */
import { InvalidOptionError, describeValue } from '../errors'
import type { AutoencoderArchitecture } from '../autoencoder/autoencoderOptions'
import {
  checkFusedKernelsOption,
  resolveFusedKernelsOption,
  type FusedKernelsOption,
  type KernelThreads,
} from '../kernels/fusedKernelsOption'
import {
  checkLayerSizes,
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
} from '../optionChecks'

/** The network and the clustering. Changing any of these means a new model. */
export interface DECModelOptions {
  /** Number of clusters. Default `10`. At most the number of training rows. */
  readonly clusters?: number
  /**
   * The autoencoder's layers, as the autoencoder family's: `'dense'` (fully connected, see
   * `hiddenUnits`) or `'conv'` (two 4×4 stride-2 convolutions with 16 and 32 channels → dense code,
   * mirrored by transposed convolutions; image sides must be multiples of 4, else `SHAPE_MISMATCH`).
   * Default `'dense'`.
   */
  readonly architecture?: AutoencoderArchitecture
  /** Size of the embedding the clusters live in (the autoencoder's code). Default `10` (as DEC). */
  readonly codeSize?: number
  /**
   * Hidden layers of the dense encoder (ReLU); the decoder mirrors them. A `'conv'` autoencoder has
   * its fixed convolutions instead and ignores them (as the autoencoder family's). Default
   * `[500, 500, 2000]` (the
   * paper's; on the digits it clusters far better than `[256, 256, 512]`: 0.902 against 0.824).
   */
  readonly hiddenUnits?: readonly number[]
  /**
   * IDEC (Guo et al. 2017): keep the autoencoder's reconstruction loss, weighted by
   * `reconstructionWeight`, beside the clustering loss during refinement, so the embedding keeps
   * the data's structure and does not collapse. Default `false` (DEC: the decoder is dropped).
   */
  readonly idec?: boolean
  /**
   * IDEC only: weight of the reconstruction loss (mean squared error per value) beside KL(P‖Q):
   * refinement minimises `KL + reconstructionWeight × MSE`. Default `10`, which is IDEC's
   * `MSE + γ·KL` with γ = 0.1 up to a constant factor (Adam's steps do not depend on it).
   */
  readonly reconstructionWeight?: number
  /** Seed of the weights, shuffles and k-means starts. Default `1`. */
  readonly seed?: number
}

/** Integer class labels, one per training row: evaluation only, never used for training. */
export type EvaluationLabels = Int32Array | Uint8Array | readonly number[]

/** How to train. These may change between calls of `train`. */
export interface DECTrainOptions extends FusedKernelsOption {
  /**
   * Epochs of autoencoder pretraining (Adam, mean squared error) before the clusters are first
   * placed; a later call pretrains only what is missing. Default `150`.
   */
  readonly epochs?: number
  /** Adam learning rate of pretraining. Default `0.001`. */
  readonly pretrainLearningRate?: number
  /**
   * Share of the pixels zeroed at random in the autoencoder's input during pretraining (a denoising
   * autoencoder, as DEC's stacked denoising autoencoder's 20 % dropout); `0` for none. Default `0` (on the digits, 0.2 gave the same accuracy: 0.819 against 0.823).
   */
  readonly pretrainMasking?: number
  /**
   * Most refinement steps per call of `train` (each a batch); it ends earlier once fewer than
   * `tolerance` of the assignments change between two target updates. Default `2000`.
   */
  readonly refineSteps?: number
  /** Adam learning rate of refinement (encoder and cluster centres). Default `0.0001`. */
  readonly learningRate?: number
  /** Images per step, in both phases. Default `256` (as DEC). */
  readonly batchSize?: number
  /** Refinement steps between two recomputations of the target distribution P. Default `140`. */
  readonly updateInterval?: number
  /**
   * Refinement stops when fewer than this share of the assignments changed since the previous
   * target update. `0` runs every step. Default `0.001` (0.1 %, as DEC).
   */
  readonly tolerance?: number
  /** k-means runs in the embedding (k-means++ starts); the one of least inertia is kept. Default `10`. */
  readonly kmeansRuns?: number
  /**
   * Evaluation only: the true class of each training row. When given, each target update reports
   * `accuracy` (best one-to-one matching of clusters to labels) and `nmi` in the history.
   */
  readonly labels?: EvaluationLabels
}

/** Model options with every default filled in. `reconstructionWeight` is `0` for DEC. */
export interface ResolvedDECOptions {
  readonly clusters: number
  readonly architecture: AutoencoderArchitecture
  readonly codeSize: number
  readonly hiddenUnits: readonly number[]
  readonly idec: boolean
  readonly reconstructionWeight: number
  readonly seed: number
}

/** Train options with every default filled in (`labels` stays optional). */
export interface ResolvedDECTrainOptions {
  /** Pretraining epochs (named `epochs` for the shared model base). */
  readonly epochs: number
  readonly pretrainLearningRate: number
  readonly pretrainMasking: number
  readonly refineSteps: number
  readonly learningRate: number
  readonly batchSize: number
  readonly updateInterval: number
  readonly tolerance: number
  readonly kmeansRuns: number
  readonly labels: EvaluationLabels | undefined
  readonly fusedKernels: boolean
  readonly kernelThreads: KernelThreads
}

const ARCHITECTURES: readonly AutoencoderArchitecture[] = ['dense', 'conv']

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateDECModelOptions(options: DECModelOptions): void {
  checkPositiveInteger(options.clusters, 'clusters', 'Try 10 (one per digit).')
  checkOneOf(options.architecture, ARCHITECTURES, 'architecture')
  checkPositiveInteger(options.codeSize, 'codeSize', 'Try 10.')
  checkLayerSizes(options.hiddenUnits, 'hiddenUnits', '[500, 500, 2000]')
  if (options.idec !== undefined && typeof options.idec !== 'boolean') {
    throw new InvalidOptionError(`idec must be true or false; got ${describeValue(options.idec)}`, {
      option: 'idec',
    })
  }
  checkPositiveNumber(
    options.reconstructionWeight,
    'reconstructionWeight',
    'Try 10 (IDEC’s γ = 0.1).',
  )
  if (options.reconstructionWeight !== undefined && options.idec !== true) {
    throw new InvalidOptionError(
      'reconstructionWeight applies to IDEC only; set idec: true too, or leave reconstructionWeight out',
      { option: 'reconstructionWeight' },
    )
  }
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateDECTrainOptions(options: DECTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 150.')
  checkPositiveNumber(options.pretrainLearningRate, 'pretrainLearningRate', 'Try 0.001.')
  checkNonNegativeNumber(options.pretrainMasking, 'pretrainMasking', 'Try 0.2.')
  if (options.pretrainMasking !== undefined && options.pretrainMasking >= 1) {
    throw new InvalidOptionError(
      `pretrainMasking is a share of the pixels and must be below 1; got ${options.pretrainMasking}. Try 0.2`,
      { option: 'pretrainMasking' },
    )
  }
  checkPositiveInteger(options.refineSteps, 'refineSteps', 'Try 2000.')
  checkPositiveNumber(options.learningRate, 'learningRate', 'Try 0.0001.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 256.')
  checkPositiveInteger(options.updateInterval, 'updateInterval', 'Try 140.')
  checkNonNegativeNumber(options.tolerance, 'tolerance', 'Try 0.001.')
  if (options.tolerance !== undefined && options.tolerance >= 1) {
    throw new InvalidOptionError(
      `tolerance is a share of the assignments and must be below 1; got ${options.tolerance}. Try 0.001`,
      { option: 'tolerance' },
    )
  }
  checkPositiveInteger(options.kmeansRuns, 'kmeansRuns', 'Try 10.')
  checkFusedKernelsOption(options)
  const labels = options.labels
  if (labels === undefined) return
  const list = labels instanceof Int32Array || labels instanceof Uint8Array || Array.isArray(labels)
  if (!list || !Array.from(labels).every((v) => Number.isInteger(v) && v >= 0)) {
    throw new InvalidOptionError(
      'labels must be whole numbers ≥ 0, one per training image (an Int32Array, Uint8Array or array); pass the classes, or leave labels out',
      { option: 'labels' },
    )
  }
}

/** Fills in the model defaults. */
export function resolveDECOptions(options: DECModelOptions): ResolvedDECOptions {
  validateDECModelOptions(options)
  const idec = options.idec ?? false
  return {
    clusters: options.clusters ?? 10,
    architecture: options.architecture ?? 'dense',
    codeSize: options.codeSize ?? 10,
    hiddenUnits: options.hiddenUnits ?? [500, 500, 2000],
    idec,
    reconstructionWeight: idec ? (options.reconstructionWeight ?? 10) : 0,
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export function resolveDECTrainOptions(options: DECTrainOptions): ResolvedDECTrainOptions {
  validateDECTrainOptions(options)
  return {
    epochs: options.epochs ?? 150,
    pretrainLearningRate: options.pretrainLearningRate ?? 0.001,
    pretrainMasking: options.pretrainMasking ?? 0,
    refineSteps: options.refineSteps ?? 2000,
    learningRate: options.learningRate ?? 0.0001,
    batchSize: options.batchSize ?? 256,
    updateInterval: options.updateInterval ?? 140,
    tolerance: options.tolerance ?? 0.001,
    kmeansRuns: options.kmeansRuns ?? 10,
    labels: options.labels,
    ...resolveFusedKernelsOption(options),
  }
}
