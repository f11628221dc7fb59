/**
 * A test-only model family, 'mean image': it learns the running mean of its training images and
 * samples it with Gaussian noise. It exists to prove that a family is one folder: this spec, its
 * engine, a worker entry with one registry line, and its client and hook as two declarations.
 */
import type { ImageBatch } from '../../../src/core/dataset'
import {
  checkNonNegativeNumber,
  checkPositiveInteger,
  checkSeed,
} from '../../../src/core/optionChecks'
import { defineAction, defineFamily, optionKeys } from '../../../src/core/family/familySpec'

/** What defines a mean-image model. */
export interface MeanImageModelOptions {
  /** Standard deviation of the noise added to samples. Default `0.1`. */
  readonly noise?: number
  /** Seed of the shuffles. Default `1`. */
  readonly seed?: number
}

/** How to train one. */
export interface MeanImageTrainOptions {
  /** Passes over the data. Default `2`. */
  readonly epochs?: number
  /** Images per step. Default `32`. */
  readonly batchSize?: number
}

/** One step: how far the mean moved. */
export interface MeanImageHistoryPoint {
  readonly step: number
  readonly epoch: number
  /** Mean absolute change of the mean image in this step, per pixel. */
  readonly change: number
}

/** The mean-image family. */
export const meanImageSpec = /* @__PURE__ */ defineFamily<
  MeanImageModelOptions,
  MeanImageTrainOptions,
  MeanImageHistoryPoint
>()({
  kind: 'meanImage',
  noun: 'mean-image model',
  modelKeys: /* @__PURE__ */ optionKeys<MeanImageModelOptions>()(['noise', 'seed']),
  trainKeys: /* @__PURE__ */ optionKeys<MeanImageTrainOptions>()(['epochs', 'batchSize']),
  validateModel: (options) => {
    checkNonNegativeNumber(options.noise, 'noise', 'Try 0.1.')
    checkSeed(options.seed)
  },
  validateTrain: (options) => {
    checkPositiveInteger(options.epochs, 'epochs', 'Try 2.')
    checkPositiveInteger(options.batchSize, 'batchSize', 'Try 32.')
  },
  chart: { series: [{ key: 'change', label: 'change of the mean' }], unit: 'per pixel' },
  actions: {
    /** `n` noisy copies of the mean image; the same `seed` gives the same noise. */
    sample: /* @__PURE__ */ defineAction<ImageBatch>()(
      (_, n: number, options: { readonly seed?: number } = {}) => [n, options.seed ?? 0] as const,
    ),
    /** The mean image itself. */
    mean: /* @__PURE__ */ defineAction<ImageBatch>()(() => [] as const),
  },
})
