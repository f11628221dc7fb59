/** The VAE family's TF-free half: options, history, chart and actions. */
import {
  anomalyActions,
  generativeActions,
  latentActions,
  type AnomalyFacts,
} from '../family/commonActions'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import { defineFamily, mergeActions, optionKeys } from '../family/familySpec'
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
  actions: /* @__PURE__ */ mergeActions(generativeActions, latentActions, anomalyActions),
})
