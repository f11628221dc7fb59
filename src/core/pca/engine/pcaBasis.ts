/**
 * What a fitted PCA keeps: the mean, the components and their variances (host arrays, saved by
 * snapshots), and the device tensors that project and rebuild rows, made on first use after a change.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ImageShape } from '../../dataset'
import type { HostWeight } from '../../engine/modelSnapshot'
import type { Eigenpairs } from '../eigenSolvers'
import type { PCAChosenSolver, ResolvedPCAOptions } from '../pcaOptions'

interface BasisTensors {
  /** `[1, size]`. */
  readonly mean: tf.Tensor2D
  /** Components as columns, `[size, k]` (a plain matMul projects: no transpose flag). */
  readonly projection: tf.Tensor2D
  /** Components as rows, `[k, size]`. */
  readonly components: tf.Tensor2D
  /** What codes are divided by: √variance when whitening, else 1, `[k]`. */
  readonly codeScale: tf.Tensor1D
}

/** Index of each scalar in {@link PCABasis.summary}. */
const TOTAL_VARIANCE = 0
const NOISE_VARIANCE = 1
const SAMPLES = 2

/** A PCA basis for images of `imageShape`; zero (unfitted) until {@link PCABasis.setFit}. */
export class PCABasis {
  /** Values per image. */
  readonly size: number
  /** Mean image of the training data. */
  readonly mean: Float32Array
  /** Components as rows, `nComponents × size`, unit norm. */
  readonly components: Float32Array
  /** Variance along each component (n − 1 normalised), largest first. */
  readonly explainedVariance: Float32Array
  /** Total variance, noise variance, training images (what a snapshot saves beside the arrays). */
  readonly summary: Float32Array
  private tensors: BasisTensors | undefined

  constructor(
    readonly options: ResolvedPCAOptions,
    readonly imageShape: ImageShape,
    readonly solver: PCAChosenSolver,
  ) {
    this.size = imageShape[0] * imageShape[1] * imageShape[2]
    this.mean = new Float32Array(this.size)
    this.components = new Float32Array(options.nComponents * this.size)
    this.explainedVariance = new Float32Array(options.nComponents)
    this.summary = new Float32Array(3)
  }

  /** True once a fit (or a snapshot) has set the basis. */
  get fitted(): boolean {
    return (this.summary[SAMPLES] as number) > 0
  }

  /** Sum of the variances of every value of the training images. */
  get totalVariance(): number {
    return this.summary[TOTAL_VARIANCE] as number
  }

  /** Mean variance of the directions left out (0 when none are). */
  get noiseVariance(): number {
    return this.summary[NOISE_VARIANCE] as number
  }

  /** Training images the basis was fitted on (0 before a fit). */
  get samples(): number {
    return this.summary[SAMPLES] as number
  }

  /** What a snapshot saves, in this order. */
  weights(): HostWeight[] {
    const k = this.options.nComponents
    return [
      { values: this.mean, shape: [this.size] },
      { values: this.components, shape: [k, this.size] },
      { values: this.explainedVariance, shape: [k] },
      { values: this.summary, shape: [3] },
    ]
  }

  /** Installs a fit: the mean, the eigenpairs of the covariance, its trace and the row count. */
  setFit(mean: Float64Array, pairs: Eigenpairs, totalVariance: number, samples: number): void {
    const k = this.options.nComponents
    this.mean.set(mean)
    this.components.set(pairs.vectors)
    this.explainedVariance.set(pairs.values)
    const kept = pairs.values.reduce((sum, v) => sum + v, 0)
    const leftOut = Math.min(samples, this.size) - k
    this.summary[TOTAL_VARIANCE] = totalVariance
    this.summary[NOISE_VARIANCE] = leftOut > 0 ? Math.max(totalVariance - kept, 0) / leftOut : 0
    this.summary[SAMPLES] = samples
    this.changed()
  }

  /** Call after the host arrays changed (a fit or a restore). */
  changed(): void {
    if (!this.tensors) return
    for (const tensor of Object.values(this.tensors)) tensor.dispose()
    this.tensors = undefined
  }

  /** What codes are divided by, per component. */
  codeScales(): Float32Array {
    const floor = 1e-12 * Math.max(this.totalVariance, 1e-30)
    return this.explainedVariance.map((v) =>
      this.options.whiten ? Math.sqrt(Math.max(v, floor)) : 1,
    )
  }

  /** The device tensors (kept even when first asked for inside a `tf.tidy`). */
  onDevice(): BasisTensors {
    if (!this.tensors) {
      const k = this.options.nComponents
      const components = tf.keep(tf.tensor2d(this.components, [k, this.size]))
      this.tensors = {
        mean: tf.keep(tf.tensor2d(this.mean, [1, this.size])),
        components,
        projection: tf.keep(tf.tidy(() => tf.transpose(components))),
        codeScale: tf.keep(tf.tensor1d(this.codeScales())),
      }
    }
    return this.tensors
  }

  /** Codes of rows `x` (`[n, size]`): `(x − mean)·Vᵀ`, divided by √variance when whitening. */
  project(x: tf.Tensor2D): tf.Tensor2D {
    const { mean, projection, codeScale } = this.onDevice()
    const codes: tf.Tensor2D = tf.matMul(tf.sub(x, mean) as tf.Tensor2D, projection)
    if (!this.options.whiten) return codes
    return tf.div(codes, codeScale) as tf.Tensor2D
  }

  /** Rows rebuilt from codes `[n, k]` (undoing the whitening): `codes·V + mean`. */
  rebuild(codes: tf.Tensor2D): tf.Tensor2D {
    const { mean, components, codeScale } = this.onDevice()
    const scaled = this.options.whiten ? (tf.mul(codes, codeScale) as tf.Tensor2D) : codes
    return tf.add(tf.matMul(scaled, components), mean)
  }

  /** Rows `x` projected on the first `kept` components and rebuilt. */
  reconstruct(x: tf.Tensor2D, kept: number): tf.Tensor2D {
    const { mean, projection, components } = this.onDevice()
    const k = this.options.nComponents
    const codes = tf.matMul(tf.sub(x, mean) as tf.Tensor2D, projection)
    // A mask, not a slice: one program shape whatever `kept` (a slider compiles nothing new).
    const mask = tf.tensor1d(Float32Array.from({ length: k }, (_, i) => (i < kept ? 1 : 0)))
    return tf.add(tf.matMul(tf.mul(codes, mask) as tf.Tensor2D, components), mean)
  }

  /** Frees the device tensors (the host arrays stay). */
  dispose(): void {
    this.changed()
  }
}
