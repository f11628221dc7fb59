/** The deep embedded clustering family's TF-free half: options, history, chart, facts and actions. */
import type { LatentBatch } from '../dataset'
import { defineAction, defineFamily, mergeActions, optionKeys } from '../family/familySpec'
import { imagesAction, latentActions } from '../family/commonActions'
import {
  validateDECModelOptions,
  validateDECTrainOptions,
  type DECModelOptions,
  type DECTrainOptions,
} from './decOptions'

/** The two phases of DEC training: autoencoder pretraining, then clustering refinement. */
export type DECPhase = 'pretrain' | 'refine'

/**
 * What one DEC step reports. Pretraining and refinement are one history; `phase` says which. The
 * clustering values are there from the first refinement step on; `accuracy` and `nmi` only when
 * `train` was given `labels`.
 */
export interface DECHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Which phase the step belongs to. */
  readonly phase: DECPhase
  /**
   * What the step minimised: the reconstruction error when pretraining; KL(P‖Q) per image when
   * refining, plus `reconstructionWeight ×` the reconstruction error for IDEC.
   */
  readonly loss: number
  /** Mean squared error per value of the step's reconstructions. */
  readonly reconstruction: number
  /** Refinement: KL(P‖Q) per image, P the target of the last update and Q the step's soft assignments. */
  readonly clustering?: number
  /** Refinement: share of the rows whose cluster changed at the last target update. */
  readonly changed?: number
  /** Refinement with labels: clustering accuracy (best one-to-one matching) at the last target update. */
  readonly accuracy?: number
  /** Refinement with labels: normalized mutual information at the last target update. */
  readonly nmi?: number
}

/** Hard cluster labels of a set of images. */
export interface DECAssignment {
  /** The most probable cluster of each image, `0 … clusters − 1`. */
  readonly labels: Int32Array
  /** The soft assignment q of that cluster, for each image. */
  readonly confidence: Float32Array
}

/** The facts a DEC model reports. */
export interface DECFacts {
  /** Number of clusters. */
  readonly clusters: number | undefined
  /** Size of the embedding. */
  readonly latentDim: number | undefined
  /** True for IDEC (reconstruction loss kept during refinement). */
  readonly idec: boolean | undefined
  /** The phase the model is in: pretraining until the clusters are placed, then refinement. */
  readonly phase: DECPhase | undefined
  /** True when the last call of `train` ended because fewer than `tolerance` of the assignments changed between two target updates (each call refines again). */
  readonly converged: boolean | undefined
}

/** The deep embedded clustering family (DEC and IDEC). */
export const decSpec = /* @__PURE__ */ defineFamily<
  DECModelOptions,
  DECTrainOptions,
  DECHistoryPoint,
  DECFacts
>()({
  kind: 'dec',
  noun: 'DEC model',
  modelKeys: /* @__PURE__ */ optionKeys<DECModelOptions>()([
    'clusters',
    'architecture',
    'codeSize',
    'hiddenUnits',
    'idec',
    'reconstructionWeight',
    'seed',
  ]),
  trainKeys: /* @__PURE__ */ optionKeys<DECTrainOptions>()([
    'epochs',
    'pretrainLearningRate',
    'pretrainMasking',
    'refineSteps',
    'learningRate',
    'batchSize',
    'updateInterval',
    'tolerance',
    'kmeansRuns',
    'labels',
    'fusedKernels',
    'kernelThreads',
  ]),
  validateModel: validateDECModelOptions,
  validateTrain: validateDECTrainOptions,
  chart: {
    series: [
      { key: 'loss', label: 'loss' },
      { key: 'reconstruction', label: 'reconstruction' },
    ],
    unit: 'per image',
    title: 'Reconstruction error (pretraining), then KL(P‖Q) (refinement)',
  },
  actions: /* @__PURE__ */ mergeActions(latentActions, {
    /** The most probable cluster of each image and its soft assignment. */
    assign: /* @__PURE__ */ imagesAction<DECAssignment>(),
    /** Soft assignments Q (Student's t, α = 1), `[n, clusters]`, rows summing to 1. */
    softAssign: /* @__PURE__ */ imagesAction<LatentBatch>(),
    /** The cluster centres in the embedding, `[clusters, codeSize]`. */
    centres: /* @__PURE__ */ defineAction<LatentBatch>()(() => [] as const),
    /** Training images assigned to each cluster (length `clusters`). */
    clusterSizes: /* @__PURE__ */ defineAction<Int32Array>()(() => [] as const),
  }),
})
