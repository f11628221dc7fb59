/**
 * Pretext-task options, their defaults and their validation. Pure TypeScript (no TF.js): the client
 * validates with it before any work is sent to the worker. Sizes that depend on the images (jigsaw
 * grid, patch layout) are checked against them in `pretextTasks.ts`.
 */
import { InvalidOptionError, describeValue } from '../errors'
import {
  resolveAdamTrainOptions,
  validateAdamTrainOptions,
  type AdamTrainOptions,
} from '../adamTrainOptions'
import {
  checkLayerSizes,
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
} from '../optionChecks'
import { checkPermutationCount } from './permutations'

/** The most permutations a jigsaw task may tell apart. */
export const MAX_PERMUTATIONS = 1000

/** The pretext tasks: what the labels made from the images ask. */
export const PRETEXT_TASKS = ['rotation', 'jigsaw', 'relativePosition'] as const

/**
 * A pretext task. `'rotation'` (Gidaris et al. 2018): which of 0°, 90°, 180°, 270° an image was
 * turned by. `'jigsaw'` (Noroozi & Favaro 2016): which of a fixed set of permutations shuffled the
 * tiles of a grid. `'relativePosition'` (Doersch et al. 2015): which of its 8 neighbours a patch is,
 * seen beside the centre patch.
 */
export type PretextTask = (typeof PRETEXT_TASKS)[number]

/** The encoder's kind: dense layers, or two stride-2 convolutions then a dense layer. */
export type PretextArchitecture = 'dense' | 'convolutional'

/** The network, the task and how its examples are made. Changing any of these means a new model. */
export interface PretextModelOptions {
  /** The pretext task. Default `'rotation'`. */
  readonly task?: PretextTask
  /**
   * The encoder: `'dense'` (`hiddenUnits`, ReLU) or `'convolutional'` (two 4×4 stride-2
   * convolutions of 16 and 32 channels, then a dense layer; the encoder's view — image, tile or
   * patch — must have sides that are multiples of 4). Default `'dense'`.
   */
  readonly architecture?: PretextArchitecture
  /** Hidden layers of a dense encoder (ReLU). Default `[256]`. */
  readonly hiddenUnits?: readonly number[]
  /** Features the encoder gives per view (ReLU). Default `64`. */
  readonly featureSize?: number
  /** Hidden layers of the task head over the views' concatenated features (ReLU). Default `[128]`. */
  readonly headUnits?: readonly number[]
  /** Jigsaw: tiles per side, 2 or 3; must divide the image's sides. Default `2`. */
  readonly grid?: number
  /**
   * Jigsaw: how many permutations the task tells apart (2 to `tiles!`), chosen for maximal Hamming
   * distance. Default `min(100, tiles!)`: all 24 for a 2×2 grid, 100 for a 3×3 one.
   */
  readonly permutations?: number
  /** Relative position: side of a patch in pixels. Default ⌊side / 4⌋ (2 on the 8×8 digits). */
  readonly patchSize?: number
  /**
   * Relative position: pixels between neighbouring patches, so edges do not continue trivially
   * from one patch to the next. Default ⌈patchSize / 4⌉.
   */
  readonly gap?: number
  /**
   * Relative position: each patch moves by up to this many pixels (uniform, each axis), so
   * positions are not given away by exact alignment. Default: the smaller of ⌈patchSize / 4⌉ and
   * what the image leaves around the 3×3 layout.
   */
  readonly jitter?: number
  /** Seed of weights, shuffles, the permutation set and the examples. Default `1`. */
  readonly seed?: number
}

/**
 * How to train; may change between calls of `train`. Defaults: 30 epochs, batches of 128,
 * learning rate 0.001, `fusedKernels: true` (on the WASM backend each step of a dense encoder and
 * its task head — forward, softmax cross-entropy, backward, Adam — runs in latentkit's fused
 * WebAssembly kernels, with the same loss and gradients as the TF.js operations; `false` runs it as
 * TF.js operations; a convolutional encoder and the other backends always use TF.js).
 */
export type PretextTrainOptions = AdamTrainOptions

/** Model options with every image-independent default filled in. */
export interface ResolvedPretextOptions {
  /** See {@link PretextModelOptions.task}. */
  readonly task: PretextTask
  /** See {@link PretextModelOptions.architecture}. */
  readonly architecture: PretextArchitecture
  /** See {@link PretextModelOptions.hiddenUnits}. */
  readonly hiddenUnits: readonly number[]
  /** See {@link PretextModelOptions.featureSize}. */
  readonly featureSize: number
  /** See {@link PretextModelOptions.headUnits}. */
  readonly headUnits: readonly number[]
  /** See {@link PretextModelOptions.grid}. */
  readonly grid: number
  /** Permutation count; `undefined` until resolved against the images (jigsaw only). */
  readonly permutations: number | undefined
  /** Patch side; `undefined` until resolved against the images (relative position only). */
  readonly patchSize: number | undefined
  /** Gap between patches; `undefined` until resolved (relative position only). */
  readonly gap: number | undefined
  /** Jitter of each patch; `undefined` until resolved (relative position only). */
  readonly jitter: number | undefined
  /** See {@link PretextModelOptions.seed}. */
  readonly seed: number
}

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validatePretextModelOptions(options: PretextModelOptions): void {
  if (options.task !== undefined && !(PRETEXT_TASKS as readonly unknown[]).includes(options.task)) {
    throw new InvalidOptionError(
      `task must be one of ${PRETEXT_TASKS.map((t) => `'${t}'`).join(', ')}; got ${describeValue(options.task)}`,
      { option: 'task' },
    )
  }
  checkOneOf(options.architecture, ['dense', 'convolutional'], 'architecture')
  checkLayerSizes(options.hiddenUnits, 'hiddenUnits', '[256]')
  checkPositiveInteger(options.featureSize, 'featureSize', 'Try 64.')
  checkLayerSizes(options.headUnits, 'headUnits', '[128]')
  if (options.grid !== undefined && options.grid !== 2 && options.grid !== 3) {
    throw new InvalidOptionError(
      `grid must be 2 or 3 (tiles per side of the jigsaw); got ${describeValue(options.grid)}`,
      { option: 'grid' },
    )
  }
  if (options.permutations !== undefined) {
    checkPermutationCount(options.permutations, (options.grid ?? 2) ** 2)
    if (options.permutations > MAX_PERMUTATIONS) {
      throw new InvalidOptionError(
        `permutations must be at most ${MAX_PERMUTATIONS} (each is one class of the head); got ${options.permutations}. Try 100`,
        { option: 'permutations' },
      )
    }
  }
  checkPositiveInteger(options.patchSize, 'patchSize', 'Try a quarter of the image side.')
  for (const name of ['gap', 'jitter'] as const) {
    const value = options[name]
    checkNonNegativeNumber(value, name, 'Try 1.')
    if (value !== undefined && !Number.isInteger(value)) {
      throw new InvalidOptionError(`${name} must be a whole number of pixels; got ${value}`, {
        option: name,
      })
    }
  }
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validatePretextTrainOptions(options: PretextTrainOptions): void {
  validateAdamTrainOptions(options)
}

/** Fills in the defaults that do not depend on the images. */
export function resolvePretextOptions(options: PretextModelOptions): ResolvedPretextOptions {
  validatePretextModelOptions(options)
  return {
    task: options.task ?? 'rotation',
    architecture: options.architecture ?? 'dense',
    hiddenUnits: options.hiddenUnits ?? [256],
    featureSize: options.featureSize ?? 64,
    headUnits: options.headUnits ?? [128],
    grid: options.grid ?? 2,
    permutations: options.permutations,
    patchSize: options.patchSize,
    gap: options.gap,
    jitter: options.jitter,
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export function resolvePretextTrainOptions(
  options: PretextTrainOptions,
): Required<PretextTrainOptions> {
  validatePretextTrainOptions(options)
  return {
    ...resolveAdamTrainOptions(options),
    epochs: options.epochs ?? 30,
    batchSize: options.batchSize ?? 128,
  }
}
