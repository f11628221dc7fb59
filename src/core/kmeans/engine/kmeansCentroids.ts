/**
 * The learned state of a k-means model: its centroids and per-centre counts, kept on the host (a few
 * kilobytes), a patch model's whitening, and the device tensors a pass needs, made from them per call.
 */
import * as tf from '@tensorflow/tfjs-core'
import { imageSize, type ImageBatch, type ImageShape } from '../../dataset'
import type { HostWeight } from '../../engine/modelSnapshot'
import {
  copyWhitening,
  emptyWhitening,
  whiteningArrays,
  type Whitening,
} from '../../sparse/whitening'
import type { ResolvedKMeansOptions } from '../kmeansOptions'

/** The centroids as a pass takes them: transposed (`[d, k]`, so no matMul needs a transpose flag) and their squared norms. */
export interface CentroidTensors {
  readonly transposed: tf.Tensor2D
  readonly norms: tf.Tensor2D
}

/**
 * `options.k` centroids for rows of `imageShape` — whole images, or a patch model's patches — zero
 * until set by k-means++ or a snapshot.
 */
export class KMeansCentroids {
  /** Values per row (image or patch). */
  readonly size: number
  /** Centroids as rows, `k × size`. Changed in place by training. */
  readonly centroids: Float32Array
  /**
   * Rows each centre has absorbed: mini-batch's per-centre counts (its learning rate is 1 / count);
   * under Lloyd, the cluster sizes of the last iteration.
   */
  readonly counts: Float64Array
  /**
   * Patch models with `whiten`: the ZCA whitening patches go through before clustering (zero until
   * fitted by the first fit, or set by a snapshot); the centroids live in whitened space.
   */
  readonly whitening: Whitening | undefined

  constructor(
    readonly options: ResolvedKMeansOptions,
    /** Shape of one row: the images' for whole-image models, `[p, p, channels]` for patch models. */
    readonly imageShape: ImageShape,
    /** Patch models: smallest standard deviation a patch is divided by under `'contrast'`. */
    readonly contrastFloor = 0,
  ) {
    const size = imageSize(imageShape)
    this.size = size
    this.centroids = new Float32Array(options.k * size)
    this.counts = new Float64Array(options.k)
    this.whitening = options.whiten ? emptyWhitening(size) : undefined
  }

  /** What a snapshot saves: the centroids, then the counts, then a patch model's whitening. */
  weights(): HostWeight[] {
    const m = this.size
    return [
      { values: this.centroids, shape: [this.options.k, m] },
      { values: this.counts, shape: [this.options.k] },
      ...whiteningArrays(this.whitening),
    ]
  }

  /** Sets the whitening (fitted on the data by the first fit of a patch model with `whiten`). */
  setWhitening(fitted: Whitening): void {
    copyWhitening(this.whitening as Whitening, fitted)
  }

  /** Normalised patches `x` moved into the centroids' space (whitened, when the model whitens). Call inside `tf.tidy`. */
  toCentroidSpace(x: tf.Tensor2D): tf.Tensor2D {
    const w = this.whitening
    if (!w) return x
    return tf.matMul(tf.sub(x, tf.tensor1d(w.mean)), tf.tensor2d(w.whiten, [w.size, w.size]))
  }

  /**
   * The centroids for display: as they are, or with the whitening undone (`c·dewhiten + mean`: in the
   * space of normalised patches), `k × size`.
   */
  displayCentroids(): Float32Array {
    const w = this.whitening
    if (!w) return this.centroids.slice()
    const m = this.size
    const out = new Float32Array(this.options.k * m)
    for (let j = 0; j < this.options.k; j++) {
      for (let c = 0; c < m; c++) {
        let sum = w.mean[c] as number
        for (let i = 0; i < m; i++) {
          sum += (this.centroids[j * m + i] as number) * (w.dewhiten[i * m + c] as number)
        }
        out[j * m + c] = sum
      }
    }
    return out
  }

  /** The centroids for display as images `[k, ...imageShape]` (see {@link displayCentroids}). */
  displayImages(): ImageBatch {
    const [h, w, c] = this.imageShape
    return { data: this.displayCentroids(), shape: [this.options.k, h, w, c] }
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
