/** GAN options, defaults and validation. Pure TypeScript (the client validates with it too). */
import { InvalidOptionError, describeValue } from '../errors'
import {
  checkFusedKernelsOption,
  resolveFusedKernelsOption,
  type FusedKernelsOption,
} from '../kernels/fusedKernelsOption'
import {
  checkLayerSizes,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
} from '../optionChecks'
import {
  resolveInfoGANOptions,
  validateInfoGANOptions,
  type InfoGANOptions,
  type ResolvedInfoGANOptions,
} from './infoCodes'

/** How the generator's output is squashed: `'sigmoid'` for data in [0, 1], `'linear'` for any real data. */
export type GANOutput = 'sigmoid' | 'tanh' | 'linear'

/**
 * Network family: `'dense'` (fully connected; 2-D points, small images) or `'conv'` (DCGAN-style
 * convolutional, for images whose sides are multiples of 4, such as 28×28).
 */
export type GANArchitecture = 'dense' | 'conv'

/** Architecture of a GAN. Changing any of these means a new model. */
export interface GANModelOptions {
  /** Network family. Default `'dense'`. */
  readonly architecture?: GANArchitecture
  /**
   * For `architecture: 'conv'`: channels of the discriminator's first convolution and the generator's
   * last hidden layer (the layers next to them have twice as many). Default `16`.
   */
  readonly filters?: number
  /** Size of the generator's input noise. Default: 8 for data of ≤ 4 values (2-D points), else 32. */
  readonly noiseDim?: number
  /** For `'dense'`: hidden layer sizes of the generator. Default: `[128, 128]` for ≤ 4 values, else `[256, 256]`. */
  readonly generatorUnits?: readonly number[]
  /** For `'dense'`: hidden layer sizes of the discriminator (leaky ReLU). Default: as the generator. */
  readonly discriminatorUnits?: readonly number[]
  /** Generator output. Default: `'sigmoid'` when every training value lies in [0, 1], else `'linear'`. */
  readonly output?: GANOutput
  /** Seed of weights, shuffles and noise. Default `1`. */
  readonly seed?: number
  /**
   * Makes the GAN an InfoGAN (Chen et al., 2016): categorical and continuous codes take the first
   * values of the noise (`noiseDim` counts them, and at least one value must stay noise), and an
   * auxiliary head Q on the discriminator's last hidden features predicts them (softmax for each
   * categorical code, a Gaussian mean with fixed unit variance for each continuous one). The
   * mutual-information lower bound L_I, weighted by `info.weight` (its continuous codes' part by
   * `info.continuousWeight` when given), is added to the generator's and Q's losses. E.g. `{ categorical: [10], continuous: 2, weight: 1 }`. Default: none (a plain GAN).
   */
  readonly info?: InfoGANOptions
}

/** How to train a GAN; may change between calls of `train`. */
export interface GANTrainOptions extends FusedKernelsOption {
  /** Passes over the data per call of `train`. Default `20`. */
  readonly epochs?: number
  /** Real samples (and generated ones) per step. Default `64`. */
  readonly batchSize?: number
  /** Adam learning rate of the generator. Default `0.0002` (dense), `0.0004` (conv). */
  readonly generatorLearningRate?: number
  /**
   * Adam learning rate of the discriminator. Default `0.0002` (dense), `0.0001` (conv: at 2e-4 the
   * convolutional discriminator wins outright on sprites and the generator stays grey — measured).
   */
  readonly discriminatorLearningRate?: number
  /** Adam β1 of both optimisers. Default `0.5` (DCGAN). */
  readonly beta1?: number
  /** One-sided label smoothing: real samples are labelled `1 − labelSmoothing`. Default `0`. */
  readonly labelSmoothing?: number
  /** Discriminator updates per generator update. Default `1`. */
  readonly discriminatorSteps?: number
}

/** Model options with defaults filled in. */
export interface ResolvedGANModelOptions {
  readonly architecture: GANArchitecture
  readonly filters: number
  readonly noiseDim: number
  readonly generatorUnits: readonly number[]
  readonly discriminatorUnits: readonly number[]
  readonly output: GANOutput
  readonly seed: number
  /** InfoGAN's codes; absent for a plain GAN. */
  readonly info?: ResolvedInfoGANOptions
}

/** Train options with defaults filled in. */
export type ResolvedGANTrainOptions = Required<GANTrainOptions>

function fail(option: string, message: string): never {
  throw new InvalidOptionError(`${option} ${message}`, { option })
}

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateGANModelOptions(options: GANModelOptions): void {
  checkPositiveInteger(options.noiseDim, 'noiseDim', 'Try 8 for 2-D data, 32 for images.')
  checkLayerSizes(options.generatorUnits, 'generatorUnits', '[128, 128]')
  checkLayerSizes(options.discriminatorUnits, 'discriminatorUnits', '[128, 128]')
  checkOneOf(options.architecture, ['dense', 'conv'], 'architecture')
  checkPositiveInteger(options.filters, 'filters', 'Try 16.')
  checkOneOf(options.output, ['sigmoid', 'tanh', 'linear'], 'output')
  checkSeed(options.seed)
  validateInfoGANOptions(options.info)
  if (options.info !== undefined && options.noiseDim !== undefined) {
    resolveInfoGANOptions(options.info, options.noiseDim)
  }
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateGANTrainOptions(options: GANTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 20.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 64.')
  checkPositiveInteger(options.discriminatorSteps, 'discriminatorSteps', 'Try 1.')
  checkFusedKernelsOption(options)
  checkPositiveNumber(options.generatorLearningRate, 'generatorLearningRate', 'Try 0.0002.')
  checkPositiveNumber(options.discriminatorLearningRate, 'discriminatorLearningRate', 'Try 0.0002.')
  // `typeof` first: comparing an object without a prototype throws instead of being false.
  const inRange = (value: unknown, below: number): boolean =>
    typeof value === 'number' && value >= 0 && value < below
  if (options.beta1 !== undefined && !inRange(options.beta1, 1)) {
    fail('beta1', `must lie in [0, 1); got ${describeValue(options.beta1)}. Try 0.5.`)
  }
  if (options.labelSmoothing !== undefined && !inRange(options.labelSmoothing, 0.5)) {
    fail(
      'labelSmoothing',
      `must lie in [0, 0.5); got ${describeValue(options.labelSmoothing)}. Try 0.1.`,
    )
  }
}

/** Fills in defaults for data with `inputSize` values per sample. */
export function resolveGANModelOptions(
  options: GANModelOptions,
  inputSize: number,
  dataInUnitRange: boolean,
): ResolvedGANModelOptions {
  validateGANModelOptions(options)
  const small = inputSize <= 4
  const generatorUnits = options.generatorUnits ?? (small ? [128, 128] : [256, 256])
  const noiseDim = options.noiseDim ?? (small ? 8 : 32)
  return {
    architecture: options.architecture ?? 'dense',
    filters: options.filters ?? 16,
    noiseDim,
    generatorUnits,
    discriminatorUnits: options.discriminatorUnits ?? generatorUnits,
    output: options.output ?? (dataInUnitRange ? 'sigmoid' : 'linear'),
    seed: options.seed ?? 1,
    ...(options.info === undefined ? {} : { info: resolveInfoGANOptions(options.info, noiseDim) }),
  }
}

/** Fills in the training defaults, which depend on the network family. */
export function resolveGANTrainOptions(
  options: GANTrainOptions,
  architecture: GANArchitecture = 'dense',
): ResolvedGANTrainOptions {
  validateGANTrainOptions(options)
  const conv = architecture === 'conv'
  return {
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    generatorLearningRate: options.generatorLearningRate ?? (conv ? 0.0004 : 0.0002),
    discriminatorLearningRate: options.discriminatorLearningRate ?? (conv ? 0.0001 : 0.0002),
    beta1: options.beta1 ?? 0.5,
    labelSmoothing: options.labelSmoothing ?? 0,
    discriminatorSteps: options.discriminatorSteps ?? 1,
    ...resolveFusedKernelsOption(options),
  }
}
