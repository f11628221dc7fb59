/** The RBM family's TF-free half: options, history, chart, facts and actions. */
import type { DataInput, ImageBatch, LatentBatch } from '../dataset'
import { imagesAction, probeAction, reconstructAction } from '../family/commonActions'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import { checkCount } from '../memoryModel'
import {
  resolveRBMLogLikelihoodOptions,
  validateRBMModelOptions,
  validateRBMSampleOptions,
  validateRBMTrainOptions,
  type RBMGibbsChainOptions,
  type RBMLogLikelihoodOptions,
  type RBMModelOptions,
  type RBMSampleOptions,
  type RBMTrainOptions,
  type RBMVisibleUnits,
} from './rbmOptions'

/** What one training step of an RBM (or of one layer of a deep belief network) reports. */
export interface RBMHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Layer the step trained, from 1 (the bottom RBM). */
  readonly layer: number
  /**
   * Mean pseudo-log-likelihood of the batch in nats per image, the stochastic estimate of
   * scikit-learn's `BernoulliRBM.score_samples` (one flipped value per image). Measured on the first
   * step of every epoch and every `pseudoLikelihoodEvery` steps (default 10) after it, carried in
   * between. Binary visible units only: left out for a Gaussian bottom layer, and when
   * `pseudoLikelihoodEvery` is 0.
   */
  readonly pseudoLikelihood?: number
  /** Squared error per image of the batch's mean-field reconstruction (v → p(h|v) → E[v|h]). */
  readonly reconstruction: number
  /**
   * Mean free energy of held-out images minus that of as many training images (the layer's input),
   * measured at the first step and at the end of every epoch, carried in between. It grows as the
   * model overfits (Hinton's practical guide, §6). Left out when `validationSplit` is 0.
   */
  readonly freeEnergyGap?: number
}

/** A Gibbs chain walking from noise (or from images), recorded at evenly spaced steps. */
export interface RBMGibbsChain {
  /** `chains × frames` images, chain by chain: image `c × frames + f` is chain `c` at frame `f`. */
  readonly images: ImageBatch
  /** Number of chains. */
  readonly chains: number
  /** Images per chain. */
  readonly frames: number
  /** The Gibbs step of each frame (the first is 0: the start). */
  readonly steps: Int32Array
}

/** A held-out log-likelihood estimate by annealed importance sampling. */
export interface RBMLogLikelihood {
  /** Mean log-likelihood of the images in nats per image: `−F(v) − log Z`, averaged. */
  readonly meanLogLikelihood: number
  /** Log-likelihood of each image. */
  readonly logLikelihoods: Float32Array
  /** The AIS estimate of log Z. */
  readonly logZ: number
  /** Standard error of the log Z estimate (delta method over the runs' importance weights). */
  readonly logZStandardError: number
  /**
   * `log(Ẑ − 3σ̂)` and `log(Ẑ + 3σ̂)`: the spread Salakhutdinov & Murray report, `σ̂` the standard
   * error of the mean importance weight (the low end is `-Infinity` when `3σ̂ ≥ Ẑ`).
   */
  readonly logZRange: readonly [number, number]
  /** log Z by enumerating the hidden states, when asked for (`exact: true`, at most 20 hidden units). */
  readonly exactLogZ: number | undefined
  /** AIS runs and intermediate distributions used. */
  readonly runs: number
  readonly steps: number
}

/** Options of `gibbsChain` as the client takes them. */
export interface ClientRBMGibbsChainOptions extends RBMGibbsChainOptions {
  /** Images the chains start from (one chain each, `n` is then their count). Default: noise. */
  readonly start?: DataInput
}

/** The facts an RBM reports. */
export interface RBMFacts {
  /** Hidden units of each layer, bottom first. */
  readonly layers: readonly number[] | undefined
  /** The bottom layer's visible units. */
  readonly visible: RBMVisibleUnits | undefined
}

const sampleArguments = (options: RBMGibbsChainOptions | undefined, action: string) => {
  const checked = optionsArgument(options, action, '{ steps: 200, seed: 1 }')
  validateRBMSampleOptions(checked)
  return checked
}

/** The RBM family (one RBM, or a deep belief network of several). */
export const rbmSpec = /* @__PURE__ */ defineFamily<
  RBMModelOptions,
  RBMTrainOptions,
  RBMHistoryPoint,
  RBMFacts
>()({
  kind: 'rbm',
  noun: 'RBM',
  modelKeys: /* @__PURE__ */ optionKeys<RBMModelOptions>()(['layers', 'visible', 'seed']),
  trainKeys: /* @__PURE__ */ optionKeys<RBMTrainOptions>()([
    'epochs',
    'batchSize',
    'learningRate',
    'sampler',
    'gibbsSteps',
    'momentum',
    'weightDecay',
    'validationSplit',
    'pseudoLikelihoodEvery',
    'fusedKernels',
    'kernelThreads',
  ]),
  validateModel: validateRBMModelOptions,
  validateTrain: validateRBMTrainOptions,
  chart: {
    series: [
      { key: 'pseudoLikelihood', label: 'pseudo-log-likelihood' },
      { key: 'reconstruction', label: 'reconstruction error' },
    ],
    unit: 'nats / squared error per image',
    title: 'Pseudo-log-likelihood and reconstruction error',
  },
  actions: {
    /**
     * `n` images from Gibbs chains started at noise, run `steps` steps (default 200) at the top
     * RBM, then passed down the network (mean-field).
     */
    sample: /* @__PURE__ */ defineAction<ImageBatch>()(
      (_, n: number, options?: RBMSampleOptions) =>
        [checkCount(n, 'sample count'), sampleArguments(options, 'sample')] as const,
    ),
    /**
     * `n` Gibbs chains from noise (or from `options.start`'s images), each recorded at `frames`
     * evenly spaced steps from 0 to `steps` (default 100): the images a chain walks through.
     */
    gibbsChain: /* @__PURE__ */ defineAction<RBMGibbsChain>()(
      (context, n: number, options?: ClientRBMGibbsChainOptions) => {
        const { start, ...rest } = optionsArgument(options, 'gibbsChain', '{ steps: 100 }')
        const checked = sampleArguments(rest, 'gibbsChain')
        const images = start === undefined ? undefined : context.images(start)
        return [images ? images.shape[0] : checkCount(n, 'chain count'), checked, images] as const
      },
    ),
    /** Hidden probabilities of the top layer (the up-pass), `[n, top layer size]`. */
    transform: /* @__PURE__ */ imagesAction<LatentBatch>(),
    /** The same as `transform` (the name the components use). */
    encode: /* @__PURE__ */ imagesAction<LatentBatch>(),
    /** `images` up the network and back down, mean-field (no sampling). */
    reconstruct: reconstructAction,
    /** Held-out accuracy of a logistic regression on the top layer's hidden probabilities. */
    probe: probeAction,
    /** The bottom RBM's weights as images, one per hidden unit: its receptive fields. */
    filters: /* @__PURE__ */ defineAction<ImageBatch>()(() => [] as const),
    /** Free energy of each image under the bottom RBM (lower is more probable). */
    freeEnergy: /* @__PURE__ */ imagesAction<Float32Array>(),
    /**
     * Log-likelihood of `images` in nats per image, with log Z estimated by annealed importance
     * sampling (one RBM only; a deep belief network is refused with `INVALID_OPTION`).
     */
    logLikelihood: /* @__PURE__ */ defineAction<RBMLogLikelihood>()(
      (context, images: DataInput, options?: RBMLogLikelihoodOptions) =>
        [
          context.images(images),
          resolveRBMLogLikelihoodOptions(
            optionsArgument(options, 'logLikelihood', '{ runs: 100, steps: 3000 }'),
          ),
        ] as const,
    ),
  },
})
