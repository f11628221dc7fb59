/** The PCA family's TF-free half: options, history, chart and actions. */
import type { DataInput, ImageBatch, LatentBatch } from '../dataset'
import { imagesAction, latentPayload, probeAction, type LatentInput } from '../family/commonActions'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import {
  validatePCAModelOptions,
  validatePCAReconstructOptions,
  validatePCATrainOptions,
  type PCAChosenSolver,
  type PCAModelOptions,
  type PCAReconstructOptions,
  type PCATrainOptions,
} from './pcaOptions'

/** What one step of a PCA fit reports: how much of the data the covariance holds so far. */
export interface PCAHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch (pass over the data) the step belongs to, from 1. */
  readonly epoch: number
  /** Images added to the covariance so far in this pass. */
  readonly imagesSeen: number
  /** Total variance (sum of the per-value variances) of the images seen so far in this pass. */
  readonly totalVariance: number
}

/** A fitted PCA, for display and comparison. */
export interface PCAComponentsView {
  /** Principal axes as images `[nComponents, h, w, c]`, unit norm, largest variance first. */
  readonly components: ImageBatch
  /** Mean image of the training data, `[1, h, w, c]`. */
  readonly mean: ImageBatch
  /** Variance of the data along each component (eigenvalues of the covariance, n − 1 normalised). */
  readonly explainedVariance: Float32Array
  /** Fraction of the total variance along each component; their sum is at most 1. */
  readonly explainedVarianceRatio: Float32Array
  /** Singular values of the centred data matrix, `sqrt(explainedVariance · (n − 1))`. */
  readonly singularValues: Float32Array
  /** Sum of the variances of every value of the images. */
  readonly totalVariance: number
  /** Mean variance of the directions left out (scikit-learn's `noise_variance_`); 0 when none are. */
  readonly noiseVariance: number
  /** Training images the PCA was fitted on. */
  readonly samples: number
  /** Solver that computed the components. */
  readonly solver: PCAChosenSolver
}

/** The facts a PCA model reports. */
export interface PCAFacts {
  /** Solver used, once fitted. */
  readonly solver: PCAChosenSolver | undefined
  /** True once the components exist (after the first decomposition, at the end of a pass). */
  readonly fitted: boolean
}

/** Codes of images on the components, `[n, nComponents]` (whitened when the model whitens). */
const transformAction = /* @__PURE__ */ imagesAction<LatentBatch>()

/** The PCA family. */
export const pcaSpec = /* @__PURE__ */ defineFamily<
  PCAModelOptions,
  PCATrainOptions,
  PCAHistoryPoint,
  PCAFacts
>()({
  kind: 'pca',
  noun: 'PCA model',
  modelKeys: /* @__PURE__ */ optionKeys<PCAModelOptions>()([
    'nComponents',
    'whiten',
    'solver',
    'powerIterations',
    'seed',
  ]),
  trainKeys: /* @__PURE__ */ optionKeys<PCATrainOptions>()(['epochs', 'batchSize']),
  validateModel: validatePCAModelOptions,
  validateTrain: validatePCATrainOptions,
  chart: {
    series: [{ key: 'totalVariance', label: 'total variance' }],
    unit: 'of the images seen so far',
    title: 'Total variance',
  },
  actions: {
    /** Codes of `images` on the components, `[n, nComponents]` (whitened when `whiten` is set). */
    transform: transformAction,
    /** The same as `transform`, under the name the other encoders use. */
    encode: transformAction,
    /** Images rebuilt from codes `[n, nComponents]` (the inverse of `transform`). */
    inverseTransform: /* @__PURE__ */ defineAction<ImageBatch>()(
      (_, codes: LatentInput) => [latentPayload(codes, 'codes')] as const,
    ),
    /** `images` projected on the first `options.components` components (default all) and rebuilt. */
    reconstruct: /* @__PURE__ */ defineAction<ImageBatch>()(
      (context, images: DataInput, options?: PCAReconstructOptions) => {
        const checked = optionsArgument(options, 'reconstruct', '{ components: 8 }')
        validatePCAReconstructOptions(checked, context.model?.latentDim)
        return [context.images(images), checked] as const
      },
    ),
    /** The components as images, the mean image and the explained variance (the hook keeps a live copy). */
    readComponents: /* @__PURE__ */ defineAction<PCAComponentsView>()(() => [] as const),
    /** Held-out accuracy of a logistic regression on the PCA codes, fitted with few labels. */
    probe: probeAction,
  },
})
