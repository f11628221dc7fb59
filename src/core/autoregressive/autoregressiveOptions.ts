/**
 * Options of the autoregressive model (MADE), their defaults and their validation. Pure TypeScript
 * (no TF.js): the client validates with it before any work is sent to the worker.
 */
import { checkBinarizeOptions } from './binarize'
import { InvalidOptionError, describeValue } from '../errors'
import { optionKeys } from '../family/familySpec'
import { checkCount } from '../memoryModel'
import {
  checkLayerSizes,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
} from '../optionChecks'

/**
 * The order pixels are modelled and drawn in. `'natural'`: row by row, left to right (raster order).
 * `'random'`: a permutation drawn from the model's seed.
 */
export type PixelOrdering = 'natural' | 'random'

/**
 * How grey values in [0, 1] become the binary pixels the model works on. `'threshold'`: 1 where the
 * value is ≥ `threshold`, else 0 (the same images every time). `'stochastic'`: 1 with probability
 * equal to the value, drawn afresh at every training step from the model's seed (dynamic
 * binarisation).
 */
export type Binarization = 'threshold' | 'stochastic'

/** The network. Changing any of these means a new model. */
export interface AutoregressiveModelOptions {
  /**
   * Hidden layers (ReLU), each masked so that the output for a pixel sees only the pixels before it
   * in the ordering. `[]` leaves one masked layer from the pixels to the outputs (a fully visible
   * sigmoid belief network). Default `[256]` for images of ≤ 256 values, else `[512]`.
   */
  readonly hiddenUnits?: readonly number[]
  /** Pixel order: `'natural'` (raster, the default) or `'random'` (drawn from `seed`). */
  readonly ordering?: PixelOrdering
  /** How grey values are binarised: `'threshold'` (default) or `'stochastic'`. */
  readonly binarize?: Binarization
  /** `'threshold'` only: values ≥ it become 1. From 0 (exclusive) to 1. Default `0.5`. */
  readonly threshold?: number
  /** Seed of the ordering, the masks' connectivity, the weights, shuffles and binarisation. Default `1`. */
  readonly seed?: number
}

/** How to train (Adam on the exact negative log-likelihood). These may change between calls of `train`. */
export interface AutoregressiveTrainOptions {
  /** Passes over the data per call of `train`. Default `20`. */
  readonly epochs?: number
  /** Images per step. Default `64`. */
  readonly batchSize?: number
  /** Adam learning rate. Default `0.001`. */
  readonly learningRate?: number
}

/** Options of `sample` and `sampleSteps`. */
export interface AutoregressiveSampleOptions {
  /** Seed of the pixel draws: the same seed gives the same images. Default: random. */
  readonly seed?: number
}

/** Options of `sampleSteps`. */
export interface AutoregressiveSampleStepsOptions extends AutoregressiveSampleOptions {
  /**
   * Images kept per sample, after evenly spaced numbers of drawn pixels from 0 (nothing drawn) to
   * every pixel; at least 2 (more than pixels + 1 are clamped to pixels + 1). Default `17`.
   */
  readonly frames?: number
}

/** Options of `logLikelihood`. */
export interface AutoregressiveLogLikelihoodOptions {
  /** `binarize: 'stochastic'` only: seed of the one binarisation of the images. Default `1`. */
  readonly seed?: number
}

/** Model options with every default filled in for a given input size. */
export interface ResolvedAutoregressiveOptions {
  readonly hiddenUnits: readonly number[]
  readonly ordering: PixelOrdering
  readonly binarize: Binarization
  readonly threshold: number
  readonly seed: number
}

const ORDERINGS: readonly PixelOrdering[] = ['natural', 'random']

/** Every key of {@link AutoregressiveModelOptions}. */
export const AUTOREGRESSIVE_MODEL_KEYS = /* @__PURE__ */ optionKeys<AutoregressiveModelOptions>()([
  'hiddenUnits',
  'ordering',
  'binarize',
  'threshold',
  'seed',
])

/** Every key of {@link AutoregressiveTrainOptions}. */
export const AUTOREGRESSIVE_TRAIN_KEYS = /* @__PURE__ */ optionKeys<AutoregressiveTrainOptions>()([
  'epochs',
  'batchSize',
  'learningRate',
])

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateAutoregressiveModelOptions(options: AutoregressiveModelOptions): void {
  checkLayerSizes(options.hiddenUnits, 'hiddenUnits', '[256]')
  checkOneOf(options.ordering, ORDERINGS, 'ordering')
  checkBinarizeOptions(options)
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateAutoregressiveTrainOptions(options: AutoregressiveTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 20.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 64.')
  checkPositiveNumber(options.learningRate, 'learningRate', 'Try 0.001.')
}

/** Fills in the defaults for images of `inputSize` values. */
export function resolveAutoregressiveOptions(
  options: AutoregressiveModelOptions,
  inputSize: number,
): ResolvedAutoregressiveOptions {
  validateAutoregressiveModelOptions(options)
  return {
    hiddenUnits: [...(options.hiddenUnits ?? (inputSize <= 256 ? [256] : [512]))],
    ordering: options.ordering ?? 'natural',
    binarize: options.binarize ?? 'threshold',
    threshold: options.threshold ?? 0.5,
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults. */
export function resolveAutoregressiveTrainOptions(
  options: AutoregressiveTrainOptions,
): Required<AutoregressiveTrainOptions> {
  validateAutoregressiveTrainOptions(options)
  return {
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.001,
  }
}

/** Throws `INVALID_OPTION` unless `options` of `sample`/`sampleSteps` hold a finite seed (or none). */
export function validateSampleOptions(options: AutoregressiveSampleOptions): void {
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new InvalidOptionError(
      `seed must be a finite number; got ${describeValue(options.seed)}`,
      {
        option: 'seed',
      },
    )
  }
}

/** Default frames of `sampleSteps`. */
export const DEFAULT_SAMPLE_FRAMES = 17

/** `frames` of `sampleSteps`, checked (`INVALID_OPTION` below 2) and defaulted. */
export function resolveSampleFrames(options: AutoregressiveSampleStepsOptions): number {
  validateSampleOptions(options)
  return options.frames === undefined
    ? DEFAULT_SAMPLE_FRAMES
    : checkCount(
        options.frames,
        'frames',
        2,
        'The first frame is the blank start, the last the finished sample',
      )
}
