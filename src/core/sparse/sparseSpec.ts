/** The sparse coding family's TF-free half: options, history, chart and actions. */
import type { DataInput, ImageBatch, ImageShape } from '../dataset'
import { defineAction, defineFamily, optionKeys } from '../family/familySpec'
import { probeAction } from '../family/commonActions'
import type { SparseCodes } from './sparseCodes'
import {
  validateSparseCodingModelOptions,
  validateSparseCodingTrainOptions,
  validateSparseEncodeOptions,
  type SparseCodingModelOptions,
  type SparseCodingTrainOptions,
  type SparseEncodeOptions,
} from './sparseOptions'

/** What one step of dictionary learning reports, per patch of its mini-batch. */
export interface SparseCodingHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Mean lasso objective ½‖x − Dᵀa‖² + λ‖a‖₁ per patch (in coding space). */
  readonly objective: number
  /** Mean fraction of coefficients that are non-zero. */
  readonly nonZeroFraction: number
  /** Reconstruction PSNR in dB, in pixel space, with the data's range as peak. */
  readonly psnr: number
}

/** The dictionary as images, for display. */
export interface SparseDictionaryView {
  /** Atoms as patch images `[atoms, p, p, c]`, whitening undone; values around 0 (unit norm). */
  readonly atoms: ImageBatch
  /** Running fraction of patches whose code uses each atom (0 … 1). */
  readonly usage: Float32Array
}

/** Quality of the codes of a set of images. */
export interface SparseCodingEvaluation {
  /** Mean lasso objective per patch (in coding space). */
  readonly objective: number
  /** Mean fraction of non-zero coefficients. */
  readonly nonZeroFraction: number
  /** Mean squared reconstruction error per value, in pixel space. */
  readonly meanSquaredError: number
  /** PSNR in dB with the training data's range as peak. */
  readonly psnr: number
  /** Patches coded. */
  readonly patches: number
}

/** The facts a sparse coding model reports. */
export interface SparseCodingFacts {
  /** Shape of one patch, `[p, p, channels]`, once built. */
  readonly patchShape: ImageShape | undefined
}

const codedImages = <Result>() =>
  /* @__PURE__ */ defineAction<Result>()(
    (context, images: DataInput, options: SparseEncodeOptions = {}) => {
      validateSparseEncodeOptions(options)
      return [context.images(images), options] as const
    },
  )

/** The sparse coding family. */
export const sparseCodingSpec = /* @__PURE__ */ defineFamily<
  SparseCodingModelOptions,
  SparseCodingTrainOptions,
  SparseCodingHistoryPoint,
  SparseCodingFacts
>()({
  kind: 'sparse',
  noun: 'sparse coding model',
  modelKeys: /* @__PURE__ */ optionKeys<SparseCodingModelOptions>()([
    'atoms',
    'patchSize',
    'lambda',
    'nonNegative',
    'normalization',
    'whiten',
    'seed',
  ]),
  trainKeys: /* @__PURE__ */ optionKeys<SparseCodingTrainOptions>()([
    'epochs',
    'batchSize',
    'patchesPerEpoch',
    'codingIterations',
    'codingTolerance',
    'solver',
  ]),
  validateModel: validateSparseCodingModelOptions,
  validateTrain: validateSparseCodingTrainOptions,
  chart: {
    series: [{ key: 'objective', label: 'objective' }],
    unit: 'per patch',
    title: 'Lasso objective',
  },
  actions: {
    /** Sparse codes (non-zeros only) of the patches of `images`; patches tile each image by default. */
    encode: /* @__PURE__ */ codedImages<SparseCodes>(),
    /** `images` rebuilt from the codes of all their overlapping patches (averaged). */
    reconstruct: /* @__PURE__ */ codedImages<ImageBatch>(),
    /** `images` with the noise the atoms cannot describe removed; raise `options.lambda` for more. */
    denoise: /* @__PURE__ */ codedImages<ImageBatch>(),
    /** The atoms as patch images, with how often each is used (the hook keeps a live copy in `dictionary`). */
    readDictionary: /* @__PURE__ */ defineAction<SparseDictionaryView>()(() => [] as const),
    /**
     * Held-out accuracy of a logistic regression on the images' codes (tiled patches, positive and
     * negative parts sum-pooled over quadrants), fitted with few labels (see `ProbeOptions`).
     */
    probe: probeAction,
  },
})
