/** The autoregressive family's TF-free half: options, history, chart and actions. */
import type { DataInput, ImageBatch } from '../dataset'
import { defineAction, defineFamily, optionsArgument } from '../family/familySpec'
import { checkCount } from '../memoryModel'
import {
  AUTOREGRESSIVE_MODEL_KEYS,
  AUTOREGRESSIVE_TRAIN_KEYS,
  resolveSampleFrames,
  validateAutoregressiveModelOptions,
  validateAutoregressiveTrainOptions,
  validateSampleOptions,
  type AutoregressiveLogLikelihoodOptions,
  type AutoregressiveModelOptions,
  type AutoregressiveSampleOptions,
  type AutoregressiveSampleStepsOptions,
  type AutoregressiveTrainOptions,
} from './autoregressiveOptions'

/** What one training step reports. */
export interface AutoregressiveHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Exact negative log-likelihood of the batch's binarised images, nats per image. */
  readonly loss: number
}

/** Exact log-likelihoods of binarised images. */
export interface AutoregressiveLogLikelihood {
  /** `log p(x)` of each image in nats (≤ 0), exact: the sum of its pixels' log conditionals. */
  readonly logLikelihoods: Float32Array
  /** Mean of `logLikelihoods`: nats per image (its negation is the held-out NLL). */
  readonly meanLogLikelihood: number
  /** Mean `−log₂ p(x)` per pixel: bits per pixel. */
  readonly bitsPerPixel: number
}

/** Samples recorded while they are drawn pixel by pixel. */
export interface AutoregressiveSampleSteps {
  /**
   * `samples × frames` images, sample by sample: image `s × frames + f` is sample `s` after
   * `pixels[f]` pixels were drawn. Drawn pixels are 0 or 1; pixels not drawn yet are 0.5.
   */
  readonly images: ImageBatch
  /** Number of samples. */
  readonly samples: number
  /** Images per sample. */
  readonly frames: number
  /** Pixels drawn at each frame, from 0 to every pixel. */
  readonly pixels: Int32Array
  /** `order[k]` is the flat index of the pixel drawn k-th. */
  readonly order: Int32Array
}

/** The autoregressive family: MADE on binarised images, with an exact likelihood. */
export const autoregressiveSpec = /* @__PURE__ */ defineFamily<
  AutoregressiveModelOptions,
  AutoregressiveTrainOptions,
  AutoregressiveHistoryPoint
>()({
  kind: 'autoregressive',
  noun: 'autoregressive model',
  modelKeys: AUTOREGRESSIVE_MODEL_KEYS,
  trainKeys: AUTOREGRESSIVE_TRAIN_KEYS,
  validateModel: validateAutoregressiveModelOptions,
  validateTrain: validateAutoregressiveTrainOptions,
  chart: {
    series: [{ key: 'loss', label: 'negative log-likelihood' }],
    unit: 'nats per image',
  },
  actions: {
    /** `n` binary images drawn pixel by pixel in the model's order; the same `seed` gives the same images. */
    sample: /* @__PURE__ */ defineAction<ImageBatch>()(
      (_, n: number, options?: AutoregressiveSampleOptions) => {
        const checked = optionsArgument(options, 'sample', '{ seed: 1 }')
        validateSampleOptions(checked)
        return [checkCount(n, 'sample count'), checked.seed] as const
      },
    ),
    /**
     * `n` samples recorded at `frames` evenly spaced numbers of drawn pixels: a sample being drawn
     * pixel by pixel.
     */
    sampleSteps: /* @__PURE__ */ defineAction<AutoregressiveSampleSteps>()(
      (_, n: number, options?: AutoregressiveSampleStepsOptions) => {
        const checked = optionsArgument(options, 'sampleSteps', '{ frames: 17, seed: 1 }')
        const frames = resolveSampleFrames(checked)
        return [checkCount(n, 'sample count'), frames, checked.seed] as const
      },
    ),
    /** Exact log-likelihood of each binarised image in nats. */
    logLikelihood: /* @__PURE__ */ defineAction<AutoregressiveLogLikelihood>()(
      (context, images: DataInput, options?: AutoregressiveLogLikelihoodOptions) => {
        const checked = optionsArgument(options, 'logLikelihood', '{ seed: 1 }')
        validateSampleOptions(checked)
        return [context.images(images), checked.seed ?? 1] as const
      },
    ),
  },
})
