/** The VAE family's TF-free half: options, history, chart and actions. */
import {
  calibrateAction,
  decodeAction,
  encodeAction,
  interpolateAction,
  reconstructAction,
  sampleAction,
  scoreAction,
  setThresholdAction,
  type AnomalyFacts,
} from '../family/commonActions'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import { defineFamily, optionKeys } from '../family/familySpec'
import {
  validateVAEModelOptions,
  validateVAETrainOptions,
  type VAEModelOptions,
  type VAETrainOptions,
} from './vaeOptions'

/** Loss of one training step, per image, in nats. */
export interface VAEHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Reconstruction + β·KL. */
  readonly loss: number
  /** Negative log-likelihood of the data under the decoder. */
  readonly reconstruction: number
  /** KL divergence of the posterior from the prior. */
  readonly kl: number
}

/** The VAE family. */
export const vaeSpec = /* @__PURE__ */ defineFamily<
  VAEModelOptions,
  VAETrainOptions,
  VAEHistoryPoint,
  AnomalyFacts
>()({
  kind: 'vae',
  noun: 'VAE',
  modelKeys: /* @__PURE__ */ optionKeys<VAEModelOptions>()([
    'latentDim',
    'hiddenUnits',
    'likelihood',
    'observationNoise',
    'beta',
    'seed',
  ]),
  trainKeys: ADAM_TRAIN_KEYS,
  validateModel: validateVAEModelOptions,
  validateTrain: validateVAETrainOptions,
  chart: {
    series: [
      { key: 'loss', label: 'loss' },
      { key: 'reconstruction', label: 'reconstruction' },
      { key: 'kl', label: 'KL' },
    ],
    unit: 'nats per image',
  },
  actions: {
    /** Decodes `n` draws from the prior; the same `seed` gives the same latents. */
    sample: sampleAction,
    /** Images decoded from latent vectors, `[n, latentDim]`. */
    decode: decodeAction,
    /** `steps` decoded images on the path from latent `a` to latent `b`, endpoints included. */
    interpolate: interpolateAction,
    /** Latent vectors (posterior means, or codes) of `images`, `[n, latentDim]`. */
    encode: encodeAction,
    /** `images` through the encoder and the decoder (no noise). */
    reconstruct: reconstructAction,
    /** Anomaly scores, error maps and (once calibrated) flags of `images`. */
    score: scoreAction,
    /** Sets the threshold to a percentile of normal images' scores (default: the training data). */
    calibrate: calibrateAction,
    /** Sets the threshold by hand. */
    setThreshold: setThresholdAction,
  },
})
