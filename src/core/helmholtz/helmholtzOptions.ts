/**
 * Options of the Helmholtz machine, their defaults and their validation. Pure TypeScript (no
 * TF.js): the client validates with it before any work is sent to the worker.
 */
import { checkBinarizeOptions } from '../autoregressive/binarize'
import type { Binarization } from '../autoregressive/autoregressiveOptions'
import { InvalidOptionError, describeValue } from '../errors'
import { optionKeys } from '../family/familySpec'
import {
  checkLayerSizes,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
} from '../optionChecks'

/** The network. Changing any of these means a new model. */
export interface HelmholtzModelOptions {
  /**
   * Stochastic binary units of each hidden layer, bottom first (the last is the top layer, whose
   * prior is a learned bias). At least one layer. Default `[128, 8]` for images of ≤ 256 values, else
   * `[256, 16]`: the VAE's default hidden layer and latent size, so the two compare.
   */
  readonly layers?: readonly number[]
  /** How grey values become binary pixels: `'threshold'` (default) or `'stochastic'` (as MADE). */
  readonly binarize?: Binarization
  /** `'threshold'` only: values ≥ it become 1. From 0 (exclusive) to 1. Default `0.5`. */
  readonly threshold?: number
  /** Seed of the weights, shuffles, binarisation and the units' draws. Default `1`. */
  readonly seed?: number
}

/** How to train (wake-sleep, plain gradient steps). These may change between calls of `train`. */
export interface HelmholtzTrainOptions {
  /** Passes over the data per call of `train`. Default `20`. */
  readonly epochs?: number
  /** Images per step (and dreams per sleep phase). Default `64`. */
  readonly batchSize?: number
  /** Step size of the delta rule, on the batch's mean, in both phases. Default `0.1`. */
  readonly learningRate?: number
  /**
   * Steps between two importance-sampled bound estimates on the training batch (`bound` in the
   * history, measured at the first step and then every `boundEvery` steps, carried in between).
   * Default `10`.
   */
  readonly boundEvery?: number
  /**
   * Importance samples per image of that estimate: `1` is the negative ELBO, the bound a VAE's loss
   * is. Default `1`.
   */
  readonly boundSamples?: number
}

/** Options of `sample`. */
export interface HelmholtzSampleOptions {
  /** Seed of the top-down draws: the same seed gives the same images. Default: random. */
  readonly seed?: number
  /** `true`: binary pixels drawn from the bottom layer; `false`: its probabilities. Default `false`. */
  readonly binary?: boolean
}

/** Options of `logLikelihood` (importance sampling from the recognition network). */
export interface HelmholtzLogLikelihoodOptions {
  /**
   * Importance samples `K` per image, 1 to {@link MOST_HELMHOLTZ_SAMPLES}: `K = 1` is the ELBO-like
   * one-sample bound; the estimate tightens towards log p(x) as `K` grows. Default `100`.
   */
  readonly samples?: number
  /** Seed of the samples (and of a `'stochastic'` binarisation). Default `1`. */
  readonly seed?: number
}

/** Model options with every default filled in. */
export interface ResolvedHelmholtzOptions {
  readonly layers: readonly number[]
  readonly binarize: Binarization
  readonly threshold: number
  readonly seed: number
}

/** The most importance samples per image `logLikelihood` takes. */
export const MOST_HELMHOLTZ_SAMPLES = 100_000

/** Every key of {@link HelmholtzModelOptions}. */
export const HELMHOLTZ_MODEL_KEYS = /* @__PURE__ */ optionKeys<HelmholtzModelOptions>()([
  'layers',
  'binarize',
  'threshold',
  'seed',
])

/** Every key of {@link HelmholtzTrainOptions}. */
export const HELMHOLTZ_TRAIN_KEYS = /* @__PURE__ */ optionKeys<HelmholtzTrainOptions>()([
  'epochs',
  'batchSize',
  'learningRate',
  'boundEvery',
  'boundSamples',
])

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateHelmholtzModelOptions(options: HelmholtzModelOptions): void {
  checkLayerSizes(options.layers, 'layers', '[128, 8]')
  if (options.layers !== undefined && options.layers.length === 0) {
    throw new InvalidOptionError(
      'layers must name at least one hidden layer (the top one holds the prior); try [128, 8]',
      { option: 'layers' },
    )
  }
  checkBinarizeOptions(options)
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateHelmholtzTrainOptions(options: HelmholtzTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 20.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 64.')
  checkPositiveNumber(options.learningRate, 'learningRate', 'Try 0.1.')
  checkPositiveInteger(options.boundEvery, 'boundEvery', 'Try 10.')
  checkSampleCount(options.boundSamples, 'boundSamples')
}

/** Fills in the defaults for images of `inputSize` values. */
export function resolveHelmholtzOptions(
  options: HelmholtzModelOptions,
  inputSize: number,
): ResolvedHelmholtzOptions {
  validateHelmholtzModelOptions(options)
  return {
    layers: [...(options.layers ?? (inputSize <= 256 ? [128, 8] : [256, 16]))],
    binarize: options.binarize ?? 'threshold',
    threshold: options.threshold ?? 0.5,
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export function resolveHelmholtzTrainOptions(
  options: HelmholtzTrainOptions,
): Required<HelmholtzTrainOptions> {
  validateHelmholtzTrainOptions(options)
  return {
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.1,
    boundEvery: options.boundEvery ?? 10,
    boundSamples: options.boundSamples ?? 1,
  }
}

/** `INVALID_OPTION` unless `value` is undefined or an integer from 1 to {@link MOST_HELMHOLTZ_SAMPLES}. */
function checkSampleCount(value: number | undefined, name: string): void {
  checkPositiveInteger(value, name, 'Try 100 samples (1 gives the ELBO-like bound).')
  if (value !== undefined && value > MOST_HELMHOLTZ_SAMPLES) {
    throw new InvalidOptionError(
      `${name} must be at most ${MOST_HELMHOLTZ_SAMPLES}; got ${value}. The estimate gains little past a few thousand: try 1000`,
      { option: name, limit: MOST_HELMHOLTZ_SAMPLES },
    )
  }
}

/** Throws `INVALID_OPTION` for bad `sample` options. */
export function validateHelmholtzSampleOptions(options: HelmholtzSampleOptions): void {
  checkSeed(options.seed)
  if (options.binary !== undefined && typeof options.binary !== 'boolean') {
    throw new InvalidOptionError(
      `binary must be true or false; got ${describeValue(options.binary)}`,
      { option: 'binary' },
    )
  }
}

/** `logLikelihood`'s options checked (`INVALID_OPTION` for `samples < 1`, …) and defaulted. */
export function resolveHelmholtzLogLikelihoodOptions(
  options: HelmholtzLogLikelihoodOptions,
): Required<HelmholtzLogLikelihoodOptions> {
  checkSampleCount(options.samples, 'samples')
  checkSeed(options.seed)
  return { samples: options.samples ?? 100, seed: options.seed ?? 1 }
}
