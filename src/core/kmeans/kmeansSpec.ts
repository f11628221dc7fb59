/** The k-means family's TF-free half: options, history, chart, facts and actions. */
import type { DataInput, ImageBatch, LatentBatch } from '../dataset'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import { imagesAction, probeAction } from '../family/commonActions'
import {
  validateKMeansClustersOptions,
  validateKMeansFeaturesOptions,
  validateKMeansModelOptions,
  validateKMeansTrainOptions,
  type KMeansAlgorithm,
  type KMeansClustersOptions,
  type KMeansFeaturesOptions,
  type KMeansModelOptions,
  type KMeansTrainOptions,
} from './kmeansOptions'

/** What one k-means step reports. */
export interface KMeansHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1 (a Lloyd iteration is one epoch of one step). */
  readonly epoch: number
  /**
   * Mean squared distance of the step's rows to their nearest centroid, before the step moved the
   * centroids: every row for Lloyd (the inertia divided by the rows), the batch for mini-batch.
   */
  readonly inertia: number
  /** Sum over centroids of the squared distance each moved in this step. */
  readonly centerShift: number
  /** Clusters that were empty (Lloyd) or nearly unused (mini-batch) and were moved to far rows. */
  readonly reassigned: number
}

/** Cluster labels of a set of images. */
export interface KMeansAssignment {
  /** The nearest centroid of each image, `0 … k − 1`. */
  readonly labels: Int32Array
  /** Squared distance of each image to its centroid. */
  readonly distances: Float32Array
  /** Sum of `distances`: the images' inertia (scikit-learn's `inertia_` on the training data). */
  readonly inertia: number
}

/**
 * The clusters of a set of images, for display (`ClusterGrid`). For a patch model (`patchSize`), the
 * clusters of patches of the images (every position, at most 10,000 drawn at random with the model's
 * seed): centroids and members are patches `[·, p, p, c]`, normalised as the model normalises them
 * (zero-mean, so signed) and shown without whitening.
 */
export interface KMeansClusters {
  /** The centroids as images `[k, h, w, c]` (patch models: the filters, as `centroids()` gives them). */
  readonly centroids: ImageBatch
  /** Images assigned to each centroid (length k). */
  readonly sizes: Int32Array
  /** Members per cluster in `members` (and `memberIndices`). */
  readonly membersPerCluster: number
  /**
   * `membersPerCluster` images of each cluster in turn, `[k × m, h, w, c]`, spread over the cluster
   * from the nearest to the farthest; zeros where a cluster has fewer members.
   */
  readonly members: ImageBatch
  /**
   * Index of each member in the images (patch models: of the image the patch is from), `-1` where a
   * cluster has fewer members (length k × m).
   */
  readonly memberIndices: Int32Array
  /** Sum of squared distances of the images (patch models: of the patches) to their centroids. */
  readonly inertia: number
}

/** Options of the `readClusters` action as the client takes them. */
export interface ClientKMeansClustersOptions extends KMeansClustersOptions {
  /** Images to group. Default: the data the model was trained on. */
  readonly data?: DataInput
}

/** The facts a k-means model reports. */
export interface KMeansFacts {
  /** Number of clusters. */
  readonly k: number | undefined
  /** How the centroids are learned. */
  readonly algorithm: KMeansAlgorithm | undefined
  /** Lloyd: true once an iteration moved the centroids less than the tolerance. Mini-batch: false. */
  readonly converged: boolean | undefined
  /** Side of the patches a patch model clusters; undefined for whole-image models. */
  readonly patchSize: number | undefined
}

/** The k-means family. */
export const kMeansSpec = /* @__PURE__ */ defineFamily<
  KMeansModelOptions,
  KMeansTrainOptions,
  KMeansHistoryPoint,
  KMeansFacts
>()({
  kind: 'kmeans',
  noun: 'k-means model',
  modelKeys: /* @__PURE__ */ optionKeys<KMeansModelOptions>()([
    'k',
    'algorithm',
    'seed',
    'patchSize',
    'normalization',
    'whiten',
  ]),
  trainKeys: /* @__PURE__ */ optionKeys<KMeansTrainOptions>()([
    'epochs',
    'batchSize',
    'tolerance',
    'initSize',
    'reassignmentRatio',
    'patchesPerImage',
    'fusedKernels',
    'kernelThreads',
  ]),
  validateModel: validateKMeansModelOptions,
  validateTrain: validateKMeansTrainOptions,
  chart: {
    series: [{ key: 'inertia', label: 'inertia' }],
    unit: 'per image',
    title: 'Inertia (mean squared distance to the nearest centroid)',
  },
  actions: {
    /**
     * The nearest centroid of each image, with its squared distance and the images' inertia. Patch
     * models take patches `[n, p, p, c]` (normalised and whitened as in training).
     */
    assign: /* @__PURE__ */ imagesAction<KMeansAssignment>(),
    /**
     * Euclidean distance of each image to every centroid, `[n, k]` (scikit-learn's `transform`).
     * Patch models take patches `[n, p, p, c]`, and measure in whitened space.
     */
    transform: /* @__PURE__ */ imagesAction<LatentBatch>(),
    /**
     * Held-out accuracy of a logistic regression fitted with few labels (see `ProbeOptions`) on the
     * distances to the centroids, or, for a patch model, on `features(images)`.
     */
    probe: probeAction,
    /**
     * The centroids as images, `[k, h, w, c]`. Patch models: the filters `[k, p, p, c]`, whitening
     * undone (in the space of normalised patches, signed: draw them with `FilterGrid`).
     */
    centroids: /* @__PURE__ */ defineAction<ImageBatch>()(() => [] as const),
    /**
     * Patch models (clustering learning, Coates, Lee & Ng 2011): `[n, 4k]` features of images of any
     * size at least the patch's, with the training data's channels. At every patch position
     * (`options.stride`, default 1) the patch is normalised and whitened, `z_j` is its distance to
     * centroid `j`, and the triangle activation `f_j = max(0, mean(z) − z_j)`; the activations are
     * summed over the positions whose centre is in each quadrant of the image (over the whole image
     * when no two positions fit across it: `[n, k]`). `INVALID_OPTION` on a whole-image model.
     */
    features: /* @__PURE__ */ defineAction<LatentBatch>()(
      (context, images: DataInput, options?: KMeansFeaturesOptions) => {
        const { stride } = optionsArgument(options, 'features', '{ stride: 1 }')
        const checked: KMeansFeaturesOptions = stride === undefined ? {} : { stride }
        validateKMeansFeaturesOptions(checked)
        return [context.images(images), checked] as const
      },
    ),
    /**
     * Patch models: the triangle activations before pooling, as images `[n, rows, columns, k]`
     * (one pixel per patch position, one channel per filter) — train a second patch model on them to
     * stack a second layer (see the README). `INVALID_OPTION` on a whole-image model.
     */
    featureMaps: /* @__PURE__ */ defineAction<ImageBatch>()(
      (context, images: DataInput, options?: KMeansFeaturesOptions) => {
        const { stride } = optionsArgument(options, 'featureMaps', '{ stride: 1 }')
        const checked: KMeansFeaturesOptions = stride === undefined ? {} : { stride }
        validateKMeansFeaturesOptions(checked)
        return [context.images(images), checked] as const
      },
    ),
    /**
     * Centroids, cluster sizes and a few members of each cluster of `options.data` (default: the
     * training data); the hook keeps a live copy in `clusters`.
     */
    readClusters: /* @__PURE__ */ defineAction<KMeansClusters>()(
      (context, options?: ClientKMeansClustersOptions) => {
        const { data, members } = optionsArgument(options, 'readClusters', '{ members: 8 }')
        const checked: KMeansClustersOptions = members === undefined ? {} : { members }
        validateKMeansClustersOptions(checked)
        return [data === undefined ? undefined : context.images(data), checked] as const
      },
    ),
  },
})
