/** The VAE family's TF-free half: options, history, chart and actions. */
import type { ImportanceSampledLogLikelihood } from '../logSumExp'
import {
  anomalyActions,
  generativeActions,
  latentActions,
  type AnomalyFacts,
} from '../family/commonActions'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import type { DataInput } from '../dataset'
import {
  defineAction,
  defineFamily,
  mergeActions,
  optionKeys,
  optionsArgument,
} from '../family/familySpec'
import {
  resolveVAELogLikelihoodOptions,
  validateVAEModelOptions,
  type VAELogLikelihoodOptions,
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

/**
 * A log-likelihood estimate by importance sampling from the encoder: the importance-weighted bound
 * `log (1/k) Σ p(x, zᵢ) / q(zᵢ | x)` (IWAE; `k = 1` is the ELBO), in nats per image. A lower bound
 * on log p(x) in expectation, tighter as `k` grows. Whatever `beta` the model trained with, this is
 * the bound on the model's own log p(x) (β = 1).
 */
export type VAELogLikelihood = ImportanceSampledLogLikelihood

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
  actions: /* @__PURE__ */ mergeActions(generativeActions, latentActions, anomalyActions, {
    /**
     * Log-likelihood of `images` in nats per image, as the importance-weighted bound with
     * `samples` draws from the encoder (`samples: 1` is the ELBO).
     */
    logLikelihood: /* @__PURE__ */ defineAction<VAELogLikelihood>()(
      (context, images: DataInput, options?: VAELogLikelihoodOptions) =>
        [
          context.images(images),
          resolveVAELogLikelihoodOptions(
            optionsArgument(options, 'logLikelihood', '{ samples: 100 }'),
          ),
        ] as const,
    ),
  }),
})
