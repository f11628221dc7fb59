/**
 * The learned state of a k-means model: its centroids and per-centre counts, kept on the host (a few
 * kilobytes), and the device tensors a pass needs, made from them per call.
 */
import * as tf from '@tensorflow/tfjs-core'
import { imageSize, type ImageShape } from '../../dataset'
import type { HostWeight } from '../../engine/modelSnapshot'
import type { ResolvedKMeansOptions } from '../kmeansOptions'

/** The centroids as a pass takes them: transposed (`[d, k]`, so no matMul needs a transpose flag) and their squared norms. */
export interface CentroidTensors {
  readonly transposed: tf.Tensor2D
  readonly norms: tf.Tensor2D
}

/** `options.k` centroids for images of `imageShape` (zero until set by k-means++ or a snapshot). */
export class KMeansCentroids {
  /** Values per image. */
  readonly size: number
  /** Centroids as rows, `k × size`. Changed in place by training. */
  readonly centroids: Float32Array
  /**
   * Rows each centre has absorbed: mini-batch's per-centre counts (its learning rate is 1 / count);
   * under Lloyd, the cluster sizes of the last iteration.
   */
  readonly counts: Float64Array

  constructor(
    readonly options: ResolvedKMeansOptions,
    readonly imageShape: ImageShape,
  ) {
    this.size = imageSize(imageShape)
    this.centroids = new Float32Array(options.k * this.size)
    this.counts = new Float64Array(options.k)
  }

  /** What a snapshot saves: the centroids, then the counts. */
  weights(): HostWeight[] {
    return [
      { values: this.centroids, shape: [this.options.k, this.size] },
      { values: this.counts, shape: [this.options.k] },
    ]
  }

  /** The centroids on the device, for one pass. Call inside `tf.tidy`. */
  tensors(): CentroidTensors {
    const centroids = tf.tensor2d(this.centroids, [this.options.k, this.size])
    return {
      transposed: tf.transpose(centroids),
      norms: tf.reshape(tf.sum(tf.square(centroids), 1), [1, this.options.k]),
    }
  }

  /** Nothing on the device outlives a pass. */
  dispose(): void {}
}
