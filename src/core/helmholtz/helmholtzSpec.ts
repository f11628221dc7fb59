/** The Helmholtz machine family's TF-free half: options, history, chart and actions. */
import type { ImportanceSampledLogLikelihood } from '../logSumExp'
import type { DataInput, ImageBatch } from '../dataset'
import { encodeAction, reconstructAction } from '../family/commonActions'
import { defineAction, defineFamily, optionsArgument } from '../family/familySpec'
import { checkCount } from '../memoryModel'
import {
  HELMHOLTZ_MODEL_KEYS,
  HELMHOLTZ_TRAIN_KEYS,
  resolveHelmholtzLogLikelihoodOptions,
  validateHelmholtzModelOptions,
  validateHelmholtzSampleOptions,
  validateHelmholtzTrainOptions,
  type HelmholtzLogLikelihoodOptions,
  type HelmholtzModelOptions,
  type HelmholtzSampleOptions,
  type HelmholtzTrainOptions,
} from './helmholtzOptions'

/** What one wake-sleep step reports, in nats per image. */
export interface HelmholtzHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /**
   * Wake phase: `−log p(x, h)` under the generative network for the hidden states `h` the
   * recognition network drew bottom-up from the batch's binarised images.
   */
  readonly wake: number
  /** Sleep phase: `−log q(h | x)` of a dream's causes under the recognition network. */
  readonly sleep: number
  /**
   * `−log (1/K) Σ p(x, hₖ) / q(hₖ | x)` on the batch with `K = boundSamples` (K = 1: the negative
   * ELBO), measured at the first step and every `boundEvery` steps, carried in between. An upper
   * bound on the negative log-likelihood in expectation: lower is better.
   */
  readonly bound: number
}

/**
 * A log-likelihood estimate by importance sampling from the recognition network,
 * `log (1/K) Σ p(x, hₖ) / q(hₖ | x)` in nats per image: a lower bound on log p(x) in expectation,
 * tighter as `K` grows (`K = 1` is the ELBO-like one-sample bound). The same shape as the VAE's.
 */
export type HelmholtzLogLikelihood = ImportanceSampledLogLikelihood

/** The facts a Helmholtz machine reports. */
export interface HelmholtzFacts {
  /** Units of each hidden layer, bottom first, once built. */
  readonly layers: readonly number[] | undefined
}

/** The Helmholtz machine family: stochastic binary layers trained by wake-sleep. */
export const helmholtzSpec = /* @__PURE__ */ defineFamily<
  HelmholtzModelOptions,
  HelmholtzTrainOptions,
  HelmholtzHistoryPoint,
  HelmholtzFacts
>()({
  kind: 'helmholtz',
  noun: 'Helmholtz machine',
  modelKeys: HELMHOLTZ_MODEL_KEYS,
  trainKeys: HELMHOLTZ_TRAIN_KEYS,
  validateModel: validateHelmholtzModelOptions,
  validateTrain: validateHelmholtzTrainOptions,
  chart: {
    series: [
      { key: 'bound', label: 'bound (−log-likelihood estimate)' },
      { key: 'wake', label: 'wake: −log p(x, h)' },
      { key: 'sleep', label: 'sleep: −log q(h | x)' },
    ],
    unit: 'nats per image',
    title: 'Wake-sleep',
  },
  actions: {
    /**
     * `n` images drawn top-down (ancestral sampling from the generative network): the bottom
     * layer's probabilities, or binary pixels with `binary: true`.
     */
    sample: /* @__PURE__ */ defineAction<ImageBatch>()(
      (_, n: number, options?: HelmholtzSampleOptions) => {
        const checked = optionsArgument(options, 'sample', '{ seed: 1, binary: false }')
        validateHelmholtzSampleOptions(checked)
        return [checkCount(n, 'sample count'), checked.seed, checked.binary ?? false] as const
      },
    ),
    /** The top layer's recognition probabilities (mean-field, bottom-up), `[n, top layer size]`. */
    encode: encodeAction,
    /** `images` up the recognition network and down the generative one, mean-field (no draws). */
    reconstruct: reconstructAction,
    /**
     * Log-likelihood of the binarised `images` in nats per image, importance-sampled from the
     * recognition network with `samples` draws each (`samples: 1` is the ELBO-like bound).
     */
    logLikelihood: /* @__PURE__ */ defineAction<HelmholtzLogLikelihood>()(
      (context, images: DataInput, options?: HelmholtzLogLikelihoodOptions) =>
        [
          context.images(images),
          resolveHelmholtzLogLikelihoodOptions(
            optionsArgument(options, 'logLikelihood', '{ samples: 100 }'),
          ),
        ] as const,
    ),
  },
})
