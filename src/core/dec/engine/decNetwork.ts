import * as tf from '@tensorflow/tfjs-core'
import { AutoencoderNetwork } from '../../autoencoder/engine/autoencoderNetwork'
import { ConvAutoencoderNetwork } from '../../autoencoder/engine/convAutoencoderNetwork'
import { imageSize, type ImageShape } from '../../dataset'
import type { ResolvedAutoencoderOptions } from '../../autoencoder/autoencoderOptions'
import type { ResolvedDECOptions } from '../decOptions'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'

/** Loss terms of one refinement batch, scalar means per image. */
export interface DECLossTerms {
  /** KL(P‖Q) plus the weighted reconstruction error (IDEC). */
  readonly total: tf.Scalar
  /** KL(P‖Q) per image. */
  readonly clustering: tf.Scalar
  /** Mean squared error per value. */
  readonly reconstruction: tf.Scalar
}

/** Variable names must be unique in the whole TF.js engine. */
let nextCentresId = 1

/**
 * Student's t soft assignments (α = 1) of embeddings `z` `[n, d]` to `centres` `[k, d]`:
 * `q_ij ∝ 1 / (1 + ‖z_i − μ_j‖²)`, each row summing to 1. Call inside `tf.tidy`.
 */
export function studentT(z: tf.Tensor2D, centres: tf.Tensor2D): tf.Tensor2D {
  const squares = tf.sum(tf.square(z), 1, true)
  const centreSquares = tf.reshape(tf.sum(tf.square(centres), 1), [1, -1])
  const cross = tf.matMul(z, centres, false, true)
  const distances = tf.relu(tf.add(tf.sub(squares, tf.mul(cross, 2)), centreSquares))
  const kernel = tf.reciprocal(tf.add(distances, 1))
  return tf.div(kernel, tf.sum(kernel, 1, true)) as tf.Tensor2D
}

/**
 * DEC's sharpened target `p_ij = (q_ij² / f_j) / Σ_j' (q_ij'² / f_j')`, `f_j = Σ_i q_ij` the soft
 * cluster frequencies over every row of `q` (`n × k`, row by row), in float64 on the host.
 */
export function targetDistribution(q: Float32Array, n: number, k: number): Float32Array {
  const frequency = new Float64Array(k)
  for (let i = 0; i < n * k; i++) frequency[i % k] = (frequency[i % k] as number) + (q[i] as number)
  const p = new Float32Array(n * k)
  const row = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < k; j++) {
      const value = (q[i * k + j] as number) ** 2 / Math.max(frequency[j] as number, 1e-12)
      row[j] = value
      sum += value
    }
    for (let j = 0; j < k; j++) p[i * k + j] = (row[j] as number) / Math.max(sum, 1e-30)
  }
  return p
}

/**
 * A DEC network: a dense or convolutional autoencoder (the autoencoder family's networks, pretrained
 * by reconstruction) and the cluster centres in its code space, a `[clusters, codeSize]` variable.
 * Tensor-returning methods must run inside `tf.tidy`.
 */
export class DECNetwork {
  /** The autoencoder the embedding comes from. */
  readonly autoencoder: AutoencoderNetwork | ConvAutoencoderNetwork
  /** Cluster centres μ in the embedding. */
  readonly centres: tf.Variable<tf.Rank.R2>
  /** Values per image. */
  readonly inputSize: number

  constructor(
    readonly shape: ImageShape,
    readonly options: ResolvedDECOptions,
    readonly output: ReconstructionOutput,
  ) {
    this.inputSize = imageSize(shape)
    const autoencoderOptions: ResolvedAutoencoderOptions = {
      kind: 'plain',
      architecture: options.architecture,
      codeSize: options.codeSize,
      hiddenUnits: options.hiddenUnits,
      corruption: 'gaussian',
      corruptionLevel: 0.05,
      sparsity: 0,
      seed: options.seed,
    }
    this.autoencoder =
      options.architecture === 'conv'
        ? new ConvAutoencoderNetwork(shape, autoencoderOptions, output)
        : new AutoencoderNetwork(this.inputSize, autoencoderOptions, output)
    const zeros = tf.zeros([options.clusters, options.codeSize])
    this.centres = tf.variable(
      zeros,
      true,
      `decCentres${nextCentresId++}`,
    ) as tf.Variable<tf.Rank.R2>
    zeros.dispose()
  }

  /** What a snapshot saves: the autoencoder's variables, then the centres. */
  weights(): tf.Variable[] {
    return [...this.autoencoder.weights(), this.centres]
  }

  /** What refinement trains: the encoder and the centres, and the decoder too for IDEC. */
  refineVariables(): tf.Variable[] {
    const decoder = this.options.idec
      ? this.autoencoder.variables().slice(this.autoencoder.encoderVariables().length)
      : []
    return [...this.autoencoder.encoderVariables(), ...decoder, this.centres]
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return this.autoencoder.encode(x)
  }

  /** Soft assignments of images `x` to the clusters. */
  softAssign(x: tf.Tensor2D): tf.Tensor2D {
    return studentT(this.encode(x), this.centres)
  }

  /**
   * Refinement loss of images `x` against their targets `p` (`[n, clusters]`) and its exact
   * gradients, in {@link DECNetwork.refineVariables} order, by an explicit backward pass. With
   * `K_ij = 1 / (1 + ‖z_i − μ_j‖²)` and `W = K ⊙ (P − Q)`, KL(P‖Q)'s gradients are
   * `∂/∂z_i = 2 Σ_j W_ij (z_i − μ_j)` and `∂/∂μ_j = −2 Σ_i W_ij (z_i − μ_j)` (Xie et al., α = 1).
   */
  refineLossAndGradients(
    x: tf.Tensor2D,
    p: tf.Tensor2D,
  ): { terms: DECLossTerms; gradients: tf.Tensor[] } {
    const batch = x.shape[0]
    const encoded = this.autoencoder.encoderPass(x)
    const z = encoded.output
    const centres = this.centres as tf.Tensor2D
    const squares = tf.sum(tf.square(z), 1, true)
    const centreSquares = tf.reshape(tf.sum(tf.square(centres), 1), [1, -1])
    const cross = tf.matMul(z, centres, false, true)
    const distances = tf.relu(tf.add(tf.sub(squares, tf.mul(cross, 2)), centreSquares))
    const kernel = tf.reciprocal(tf.add(distances, 1)) as tf.Tensor2D
    const q = tf.div(kernel, tf.sum(kernel, 1, true)) as tf.Tensor2D
    const clustering = tf.div(
      tf.sum(tf.mul(p, tf.sub(tf.log(tf.add(p, 1e-12)), tf.log(tf.add(q, 1e-12))))),
      batch,
    ) as tf.Scalar
    const w = tf.mul(kernel, tf.sub(p, q)) as tf.Tensor2D
    const scale = 2 / batch
    let codeGradient = tf.mul(
      tf.sub(tf.mul(z, tf.sum(w, 1, true)), tf.matMul(w, centres)),
      scale,
    ) as tf.Tensor2D
    const centresGradient = tf.mul(
      tf.sub(tf.mul(centres, tf.reshape(tf.sum(w, 0), [-1, 1])), tf.matMul(w, z, true, false)),
      scale,
    )
    const decoded = this.autoencoder.decoderPass(z)
    const error = tf.sub(decoded.output, x) as tf.Tensor2D
    const reconstruction = tf.mean(tf.square(error)) as tf.Scalar
    const weight = this.options.reconstructionWeight
    let total = clustering
    let decoderGradients: tf.Tensor[] = []
    if (weight > 0) {
      total = tf.add(clustering, tf.mul(reconstruction, weight)) as tf.Scalar
      const back = decoded.backward(
        tf.mul(error, (2 * weight) / (batch * this.inputSize)) as tf.Tensor2D,
        true,
      )
      decoderGradients = back.grads
      codeGradient = tf.add(codeGradient, back.input as tf.Tensor2D) as tf.Tensor2D
    }
    const encoder = encoded.backward(codeGradient, false)
    return {
      terms: { total, clustering, reconstruction },
      gradients: [...encoder.grads, ...decoderGradients, centresGradient],
    }
  }

  dispose(): void {
    this.autoencoder.dispose()
    this.centres.dispose()
  }
}
