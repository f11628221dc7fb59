/**
 * Contrastive-learning options, their defaults and their validation. Pure TypeScript (no TF.js): the
 * client validates with it before any work is sent to the worker.
 */
import { InvalidOptionError, describeValue } from '../errors'
import {
  resolveAdamTrainOptions,
  validateAdamTrainOptions,
  type AdamTrainOptions,
} from '../adamTrainOptions'
import { checkLayerSizes, checkOneOf, checkPositiveInteger, checkSeed } from '../optionChecks'
import { validateAugmentations, type AugmentationOptions } from './augmentations'

/** The encoder's kind: dense layers, or two stride-2 convolutions then a dense layer. */
export type ContrastiveArchitecture = 'dense' | 'conv'

/** The architectures `architecture` takes. */
export const CONTRASTIVE_ARCHITECTURES: readonly ContrastiveArchitecture[] = ['dense', 'conv']

/**
 * What `encode` reads of each image: `'image'` (the image itself) or `'shifts'` (the mean of the
 * features of the image and of its four one-pixel shifts — up, down, left, right).
 */
export type ContrastiveEncodeViews = 'image' | 'shifts'

/** The values `encodeViews` takes. */
export const CONTRASTIVE_ENCODE_VIEWS: readonly ContrastiveEncodeViews[] = ['image', 'shifts']

/** The network, its loss and its views. Changing any of these means a new model. */
export interface ContrastiveModelOptions {
  /**
   * The encoder: `'dense'` (fully connected, see `hiddenUnits`) or `'conv'` (two 4×4 stride-2
   * convolutions with `convChannels` channels, ReLU, then a dense layer to `featureSize`; image
   * sides must be multiples of 4, e.g. 8×8 digits or 28×28 sprites, else `SHAPE_MISMATCH`).
   * Default `'dense'`.
   */
  readonly architecture?: ContrastiveArchitecture
  /** Hidden layers of a dense encoder (ReLU); a `'conv'` encoder ignores them. Default `[512]`. */
  readonly hiddenUnits?: readonly number[]
  /**
   * Channels of a `'conv'` encoder's two convolutions; a dense encoder ignores them. Default
   * `[32, 64]`.
   */
  readonly convChannels?: readonly [number, number]
  /** Size of the encoder's output, the features `encode` returns (ReLU). Default `128`. */
  readonly featureSize?: number
  /** Hidden layers of the projection head (ReLU). Default `[128]`. */
  readonly headUnits?: readonly number[]
  /** Size of the projection the loss compares (linear, then L2-normalised). Default `64`. */
  readonly projectionSize?: number
  /** Temperature of the NT-Xent loss, > 0: lower sharpens the softmax over the batch. Default `0.5`. */
  readonly temperature?: number
  /** How the two views of each image are made (see {@link AugmentationOptions}). */
  readonly augment?: AugmentationOptions
  /**
   * What `encode` (and `probe`) reads of each image: `'image'`, the image itself; or `'shifts'`, the
   * mean of the encoder's features of the image and of its four copies shifted by one pixel (up,
   * down, left, right; the uncovered edge reads 0) — test-time augmentation with the shift the views
   * are trained with, five encoder passes per image (on the digits, −0.006 to +0.014 probe accuracy
   * with 10 labels per class, +0.005 on average over eleven runs). Training is the same either way.
   * Default `'image'`.
   */
  readonly encodeViews?: ContrastiveEncodeViews
  /** Seed of weights, shuffles and augmentations. Default `1`. */
  readonly seed?: number
}

/**
 * How to train; may change between calls of `train`. Defaults: 100 epochs, batches of 256 (at least
 * 2), learning rate 0.001, `fusedKernels: true` (on the WASM backend each step of the dense encoder
 * and projection head — forward, NT-Xent, backward, Adam — runs in latentkit's fused WebAssembly
 * kernels, with the same loss and gradients as the TF.js operations; `false` runs it as TF.js
 * operations; other backends always use TF.js).
 */
export type ContrastiveTrainOptions = AdamTrainOptions

/** Model options with every default filled in (augmentations are resolved against the image size). */
export interface ResolvedContrastiveOptions {
  readonly architecture: ContrastiveArchitecture
  readonly hiddenUnits: readonly number[]
  readonly convChannels: readonly [number, number]
  readonly featureSize: number
  readonly headUnits: readonly number[]
  readonly projectionSize: number
  readonly temperature: number
  readonly augment: AugmentationOptions
  readonly encodeViews: ContrastiveEncodeViews
  readonly seed: number
}

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateContrastiveModelOptions(options: ContrastiveModelOptions): void {
  checkOneOf(options.architecture, CONTRASTIVE_ARCHITECTURES, 'architecture')
  checkLayerSizes(options.hiddenUnits, 'hiddenUnits', '[512]')
  if (options.convChannels !== undefined) {
    if (!Array.isArray(options.convChannels) || options.convChannels.length !== 2) {
      throw new InvalidOptionError(
        `convChannels must be two channel counts, one per convolution; got ${describeValue(options.convChannels)}. Try [32, 64]`,
        { option: 'convChannels' },
      )
    }
    checkLayerSizes(options.convChannels, 'convChannels', '[32, 64]')
  }
  checkPositiveInteger(options.featureSize, 'featureSize', 'Try 128.')
  checkLayerSizes(options.headUnits, 'headUnits', '[128]')
  checkPositiveInteger(options.projectionSize, 'projectionSize', 'Try 64.')
  if (
    options.temperature !== undefined &&
    !(Number.isFinite(options.temperature) && options.temperature > 0)
  ) {
    throw new InvalidOptionError(
      `temperature must be a finite number > 0 (it divides the similarities); got ${describeValue(options.temperature)}. Try 0.5`,
      { option: 'temperature' },
    )
  }
  validateAugmentations(options.augment)
  checkOneOf(options.encodeViews, CONTRASTIVE_ENCODE_VIEWS, 'encodeViews')
  checkSeed(options.seed)
}

/**
 * Throws {@link InvalidOptionError} for any out-of-range training option, and for batches of fewer
 * than 2 images: the other images of a batch are each image's negatives.
 */
export function validateContrastiveTrainOptions(options: ContrastiveTrainOptions): void {
  validateAdamTrainOptions(options)
  if (options.batchSize !== undefined && options.batchSize < 2) {
    throw new InvalidOptionError(
      `batchSize must be at least 2 for contrastive learning (the other images of a batch are the negatives); got ${options.batchSize}. Try 256`,
      { option: 'batchSize' },
    )
  }
}

/** Fills in the model defaults. */
export function resolveContrastiveOptions(
  options: ContrastiveModelOptions,
): ResolvedContrastiveOptions {
  validateContrastiveModelOptions(options)
  return {
    architecture: options.architecture ?? 'dense',
    hiddenUnits: options.hiddenUnits ?? [512],
    convChannels: options.convChannels ?? [32, 64],
    featureSize: options.featureSize ?? 128,
    headUnits: options.headUnits ?? [128],
    projectionSize: options.projectionSize ?? 64,
    temperature: options.temperature ?? 0.5,
    augment: options.augment ?? {},
    encodeViews: options.encodeViews ?? 'image',
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export function resolveContrastiveTrainOptions(
  options: ContrastiveTrainOptions,
): Required<ContrastiveTrainOptions> {
  validateContrastiveTrainOptions(options)
  const base = resolveAdamTrainOptions(options)
  return {
    ...base,
    epochs: options.epochs ?? 100,
    batchSize: options.batchSize ?? 256,
  }
}
