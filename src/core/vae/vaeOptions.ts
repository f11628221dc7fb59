/**
 * VAE options, their defaults and their validation. Pure TypeScript (no TF.js): the client validates
 * with it before any work is sent to the worker.
 */
import { InvalidOptionError, describeValue } from '../errors'
import {
  resolveAdamTrainOptions,
  validateAdamTrainOptions,
  type AdamTrainOptions,
} from '../adamTrainOptions'
import {
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
  checkLayerSizes,
} from '../optionChecks'

/** Likelihood of the decoder, which decides the reconstruction term. */
export type VAELikelihood = 'bernoulli' | 'gaussian'

/** Architecture and loss of a VAE. Changing any of these means a new model. */
export interface VAEModelOptions {
  /**
   * Size of the latent space. Default: 8 for images of ≤ 256 values (the 8×8 digits), else 16
   * (e.g. 28×28 images).
   */
  readonly latentDim?: number
  /**
   * Hidden layer sizes of the encoder; the decoder mirrors them. Default: `[128]` for images of
   * ≤ 256 values, else `[256]`.
   */
  readonly hiddenUnits?: readonly number[]
  /**
   * Decoder likelihood. `'bernoulli'` (default): cross-entropy, data must lie in [0, 1].
   * `'gaussian'`: squared error scaled by {@link VAEModelOptions.observationNoise}, any real data.
   */
  readonly likelihood?: VAELikelihood
  /** Standard deviation of the Gaussian likelihood (only with `'gaussian'`). Default `0.1`. */
  readonly observationNoise?: number
  /** Weight of the KL term (β-VAE). Default `1`. */
  readonly beta?: number
  /** Seed of weights, shuffles and noise: the same seed, data and backend give the same run. Default `1`. */
  readonly seed?: number
}

/** How to train. These may change between calls of `train`. */
export type VAETrainOptions = AdamTrainOptions

/** Model options with every default filled in for a given input size. */
export interface ResolvedVAEModelOptions {
  readonly latentDim: number
  readonly hiddenUnits: readonly number[]
  readonly likelihood: VAELikelihood
  readonly observationNoise: number
  readonly beta: number
  readonly seed: number
}

/** Train options with every default filled in. */
export type ResolvedVAETrainOptions = Required<VAETrainOptions>

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateVAEModelOptions(options: VAEModelOptions): void {
  checkPositiveInteger(options.latentDim, 'latentDim', 'Try 2 for a plottable space or 8–32.')
  checkLayerSizes(options.hiddenUnits, 'hiddenUnits', '[128]')
  if (
    options.likelihood !== undefined &&
    options.likelihood !== 'bernoulli' &&
    options.likelihood !== 'gaussian'
  ) {
    throw new InvalidOptionError(
      `likelihood must be 'bernoulli' or 'gaussian'; got ${describeValue(options.likelihood)}`,
      { option: 'likelihood' },
    )
  }
  checkPositiveNumber(options.observationNoise, 'observationNoise', 'Try 0.1.')
  if (options.beta !== undefined && !(Number.isFinite(options.beta) && options.beta >= 0)) {
    throw new InvalidOptionError(
      `beta must be a finite number ≥ 0; got ${describeValue(options.beta)}. Try 1.`,
      {
        option: 'beta',
      },
    )
  }
  checkSeed(options.seed)
}

/** Options of `logLikelihood` (importance-weighted bound, Burda, Grosse & Salakhutdinov 2016). */
export interface VAELogLikelihoodOptions {
  /**
   * Importance samples `k` per image, 1 to {@link MOST_LIKELIHOOD_SAMPLES}: `k = 1` is the ELBO,
   * and the bound tightens towards log p(x) as `k` grows. Default `100`.
   */
  readonly samples?: number
  /** Seed of the samples. Default `1`. */
  readonly seed?: number
}

/** The most importance samples per image `logLikelihood` takes. */
export const MOST_LIKELIHOOD_SAMPLES = 100_000

/** Throws `INVALID_OPTION` for `samples` outside 1…{@link MOST_LIKELIHOOD_SAMPLES} or a bad seed. */
export function resolveVAELogLikelihoodOptions(
  options: VAELogLikelihoodOptions,
): Required<VAELogLikelihoodOptions> {
  checkPositiveInteger(options.samples, 'samples', 'Try 100 samples (1 gives the ELBO).')
  if (options.samples !== undefined && options.samples > MOST_LIKELIHOOD_SAMPLES) {
    throw new InvalidOptionError(
      `samples must be at most ${MOST_LIKELIHOOD_SAMPLES}; got ${options.samples}. The bound gains little past a few thousand: try 1000`,
      { option: 'samples', limit: MOST_LIKELIHOOD_SAMPLES },
    )
  }
  checkSeed(options.seed)
  return { samples: options.samples ?? 100, seed: options.seed ?? 1 }
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export const validateVAETrainOptions = validateAdamTrainOptions

/** Fills in the defaults for data with `inputSize` values per image. */
export function resolveVAEModelOptions(
  options: VAEModelOptions,
  inputSize: number,
): ResolvedVAEModelOptions {
  validateVAEModelOptions(options)
  const small = inputSize <= 256
  return {
    latentDim: options.latentDim ?? (small ? 8 : 16),
    hiddenUnits: options.hiddenUnits ?? (small ? [128] : [256]),
    likelihood: options.likelihood ?? 'bernoulli',
    observationNoise: options.observationNoise ?? 0.1,
    beta: options.beta ?? 1,
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export const resolveVAETrainOptions = resolveAdamTrainOptions
