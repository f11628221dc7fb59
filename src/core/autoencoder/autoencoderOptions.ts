/**
 * Autoencoder options, their defaults and their validation. Pure TypeScript (no TF.js): the client
 * validates with it before any work is sent to the worker.
 */
import { InvalidOptionError } from '../errors'
import {
  resolveAdamTrainOptions,
  validateAdamTrainOptions,
  type AdamTrainOptions,
} from '../adamTrainOptions'
import {
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
  checkLayerSizes,
} from '../optionChecks'
import {
  resolveStackedOptions,
  validateStackedOptions,
  type ResolvedStackedOptions,
  type StackedOptions,
} from './stackedOptions'

/**
 * The member of the family. `'plain'`: input → code → input. `'denoising'`: learns to rebuild the
 * clean input from a corrupted one (see `corruption`). `'sparse'`: an L1 penalty on the code.
 * `'linear'`: no hidden layers and no non-linearity (it learns PCA's subspace).
 */
export type AutoencoderKind = 'plain' | 'denoising' | 'sparse' | 'linear'

/**
 * Layers: `'dense'` (fully connected) or `'conv'` (two 4×4 stride-2 convolutions with 16 and 32
 * channels, mirrored by transposed convolutions; image sides must be multiples of 4).
 */
export type AutoencoderArchitecture = 'dense' | 'conv'

/** How a denoising autoencoder corrupts its input: Gaussian noise, or random masking of pixels. */
export type Corruption = 'gaussian' | 'mask'

/** The network and its loss. Changing any of these means a new model. */
export interface AutoencoderModelOptions {
  /** Family member. Default `'plain'`. */
  readonly kind?: AutoencoderKind
  /** Dense or convolutional layers. Default `'dense'`. */
  readonly architecture?: AutoencoderArchitecture
  /** Size of the code (bottleneck). Default 8 for images of ≤ 256 values, else 32. */
  readonly codeSize?: number
  /** Hidden layers of the encoder; the decoder mirrors them. Default `[128]` (≤ 256 values) or `[256]`; `[]` for `'linear'`. */
  readonly hiddenUnits?: readonly number[]
  /** `'denoising'` only: Gaussian noise or masking. Default `'gaussian'`. */
  readonly corruption?: Corruption
  /**
   * `'denoising'` only: noise standard deviation (`'gaussian'`) or fraction of pixels zeroed
   * (`'mask'`). Default 0.05 / 0.25. (On a validation draw of the anomaly benchmark, image AUROC
   * for σ 0.02 / 0.05 / 0.1 / 0.2 / 0.3 was 0.935 / 0.937 / 0.927 / 0.915 / 0.905.)
   */
  readonly corruptionLevel?: number
  /** `'sparse'` only: weight of the L1 penalty on the code, per image. Default `0.01`. */
  readonly sparsity?: number
  /**
   * Stacked autoencoder (dense, with hidden layers): greedy layer-wise pretraining before end-to-end
   * training. The first `pretrainEpochs × (hiddenUnits.length + 1)` epochs of the model's life train
   * one encoder layer at a time (with its mirror in the decoder) on the codes of the layers below; the
   * epochs after fine-tune the whole network. The history's `phase` names the layer. Default: none
   * (end to end from the start).
   */
  readonly stacked?: StackedOptions
  /** Seed of weights, shuffles and corruption. Default `1`. */
  readonly seed?: number
}

/** How to train. These may change between calls of `train`. */
export type AutoencoderTrainOptions = AdamTrainOptions

/** Model options with every default filled in for a given input size. */
export interface ResolvedAutoencoderOptions {
  readonly kind: AutoencoderKind
  readonly architecture: AutoencoderArchitecture
  readonly codeSize: number
  readonly hiddenUnits: readonly number[]
  readonly corruption: Corruption
  readonly corruptionLevel: number
  readonly sparsity: number
  readonly stacked?: ResolvedStackedOptions
  readonly seed: number
}

const KINDS: readonly AutoencoderKind[] = ['plain', 'denoising', 'sparse', 'linear']
const CORRUPTIONS: readonly Corruption[] = ['gaussian', 'mask']

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateAutoencoderModelOptions(options: AutoencoderModelOptions): void {
  checkOneOf(options.kind, KINDS, 'kind')
  checkOneOf(options.architecture, ['dense', 'conv'], 'architecture')
  if (options.kind === 'linear' && options.architecture === 'conv') {
    throw new InvalidOptionError(
      "a linear autoencoder is dense (it learns PCA's subspace); use architecture 'dense' or another kind",
      { option: 'architecture' },
    )
  }
  checkPositiveInteger(options.codeSize, 'codeSize', 'Try 8 for the digits or 32 for 28×28 images.')
  checkLayerSizes(options.hiddenUnits, 'hiddenUnits', '[128]')
  if (
    options.kind === 'linear' &&
    options.hiddenUnits !== undefined &&
    options.hiddenUnits.length > 0
  ) {
    throw new InvalidOptionError(
      `a linear autoencoder has no hidden layers; got hiddenUnits ${JSON.stringify(options.hiddenUnits)}. Leave hiddenUnits out or use kind 'plain'`,
      { option: 'hiddenUnits' },
    )
  }
  checkOneOf(options.corruption, CORRUPTIONS, 'corruption')
  checkPositiveNumber(options.corruptionLevel, 'corruptionLevel', 'Try 0.05.')
  if (
    options.corruption === 'mask' &&
    options.corruptionLevel !== undefined &&
    options.corruptionLevel >= 1
  ) {
    throw new InvalidOptionError(
      `corruptionLevel is the fraction of pixels masked and must be below 1; got ${options.corruptionLevel}. Try 0.25`,
      { option: 'corruptionLevel' },
    )
  }
  checkNonNegativeNumber(options.sparsity, 'sparsity', 'Try 0.01.')
  validateStackedOptions(options.stacked, options)
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export const validateAutoencoderTrainOptions = validateAdamTrainOptions

/** Fills in the defaults for data with `inputSize` values per image. */
export function resolveAutoencoderOptions(
  options: AutoencoderModelOptions,
  inputSize: number,
): ResolvedAutoencoderOptions {
  validateAutoencoderModelOptions(options)
  const small = inputSize <= 256
  const kind = options.kind ?? 'plain'
  const corruption = options.corruption ?? 'gaussian'
  return {
    kind,
    architecture: options.architecture ?? 'dense',
    codeSize: options.codeSize ?? (small ? 8 : 32),
    hiddenUnits: kind === 'linear' ? [] : (options.hiddenUnits ?? (small ? [128] : [256])),
    corruption,
    corruptionLevel: options.corruptionLevel ?? (corruption === 'mask' ? 0.25 : 0.05),
    sparsity: options.sparsity ?? 0.01,
    ...(options.stacked && { stacked: resolveStackedOptions(options.stacked) }),
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export const resolveAutoencoderTrainOptions = resolveAdamTrainOptions
