/** The k-means family's TF-free half: options, history, chart, facts and actions. */
import type { DataInput, ImageBatch, LatentBatch } from '../dataset'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import { probeAction } from '../family/commonActions'
import {
  validateKMeansClustersOptions,
  validateKMeansModelOptions,
  validateKMeansTrainOptions,
  type KMeansAlgorithm,
  type KMeansClustersOptions,
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

/** The clusters of a set of images, for display (`ClusterGrid`). */
export interface KMeansClusters {
  /** The centroids as images `[k, h, w, c]`. */
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
  /** Index of each member in the images, `-1` where a cluster has fewer members (length k × m). */
  readonly memberIndices: Int32Array
  /** Sum of squared distances of the images to their centroids. */
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
}

const imagesAction = <Result>() =>
  /* @__PURE__ */ defineAction<Result>()(
    (context, images: DataInput) => [context.images(images)] as const,
  )

/** The k-means family. */
export const kMeansSpec = /* @__PURE__ */ defineFamily<
  KMeansModelOptions,
  KMeansTrainOptions,
  KMeansHistoryPoint,
  KMeansFacts
>()({
  kind: 'kmeans',
  noun: 'k-means model',
  modelKeys: /* @__PURE__ */ optionKeys<KMeansModelOptions>()(['k', 'algorithm', 'seed']),
  trainKeys: /* @__PURE__ */ optionKeys<KMeansTrainOptions>()([
    'epochs',
    'batchSize',
    'tolerance',
    'initSize',
    'reassignmentRatio',
  ]),
  validateModel: validateKMeansModelOptions,
  validateTrain: validateKMeansTrainOptions,
  chart: {
    series: [{ key: 'inertia', label: 'inertia' }],
    unit: 'per image',
    title: 'Inertia (mean squared distance to the nearest centroid)',
  },
  actions: {
    /** The nearest centroid of each image, with its squared distance and the images' inertia. */
    assign: /* @__PURE__ */ imagesAction<KMeansAssignment>(),
    /** Euclidean distance of each image to every centroid, `[n, k]` (scikit-learn's `transform`). */
    transform: /* @__PURE__ */ imagesAction<LatentBatch>(),
    /**
     * Held-out accuracy of a logistic regression on the distances to the centroids, fitted with
     * few labels (see `ProbeOptions`).
     */
    probe: probeAction,
    /** The centroids as images, `[k, h, w, c]`. */
    centroids: /* @__PURE__ */ defineAction<ImageBatch>()(() => [] as const),
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
