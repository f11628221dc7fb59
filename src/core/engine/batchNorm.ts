/**
 * Batch normalisation over every axis but the last (channels), with an explicit backward pass. In
 * training it normalises by the batch's statistics and folds them into running averages; for
 * inference it uses the running averages, so a sample does not depend on what else is in its batch.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Numerical floor added to the variance. */
const EPSILON = 1e-5

/** A batch-normalisation layer: learned scale and shift, plus running statistics (not trained). */
export interface BatchNormLayer {
  readonly scale: tf.Variable
  readonly shift: tf.Variable
  readonly runningMean: tf.Variable
  readonly runningVariance: tf.Variable
  /** Weight of the old running value per update. */
  readonly momentum: number
}

let nextNormId = 1

/** A layer over `channels` channels: scale 1, shift 0, running mean 0 and variance 1. */
export function createBatchNorm(channels: number, name: string, momentum = 0.9): BatchNormLayer {
  const id = nextNormId++
  return tf.tidy(() => ({
    scale: tf.variable(tf.ones([channels]), true, `${name}/scale_n${id}`),
    shift: tf.variable(tf.zeros([channels]), true, `${name}/shift_n${id}`),
    runningMean: tf.variable(tf.zeros([channels]), false, `${name}/mean_n${id}`),
    runningVariance: tf.variable(tf.ones([channels]), false, `${name}/variance_n${id}`),
    momentum,
  }))
}

/** What a training-mode forward pass keeps for the backward pass. */
export interface BatchNormTrace<T extends tf.Tensor> {
  /** The normalised input, before scale and shift. */
  readonly normalised: T
  /** `1 / sqrt(variance + ε)` per channel. */
  readonly inverseDeviation: tf.Tensor1D
  readonly output: T
}

function reductionAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i)
}

/**
 * Training mode: normalises by the batch's statistics. With `updateRunning`, also folds them into
 * the running averages (unbiased variance). Call inside `tf.tidy`.
 */
export function applyBatchNormTraced<T extends tf.Tensor>(
  layer: BatchNormLayer,
  x: T,
  updateRunning: boolean,
): BatchNormTrace<T> {
  const axes = reductionAxes(x)
  const { mean, variance } = tf.moments(x, axes)
  const inverseDeviation = tf.rsqrt(tf.add(variance, EPSILON)) as tf.Tensor1D
  const normalised = tf.mul(tf.sub(x, mean), inverseDeviation) as T
  const output = tf.add(tf.mul(normalised, layer.scale), layer.shift) as T
  if (updateRunning) {
    const count = x.size / (x.shape[x.rank - 1] as number)
    const unbiased = tf.mul(variance, count / Math.max(count - 1, 1))
    const m = layer.momentum
    layer.runningMean.assign(tf.add(tf.mul(layer.runningMean, m), tf.mul(mean, 1 - m)))
    layer.runningVariance.assign(tf.add(tf.mul(layer.runningVariance, m), tf.mul(unbiased, 1 - m)))
  }
  return { normalised, inverseDeviation, output }
}

/** Inference mode: normalises by the running statistics. Call inside `tf.tidy`. */
export function applyBatchNorm<T extends tf.Tensor>(layer: BatchNormLayer, x: T): T {
  const inverseDeviation = tf.rsqrt(tf.add(layer.runningVariance, EPSILON))
  const normalised = tf.mul(tf.sub(x, layer.runningMean), inverseDeviation)
  return tf.add(tf.mul(normalised, layer.scale), layer.shift) as T
}

/**
 * Gradients of scale, shift and input of a training-mode pass:
 * `dx = γ·σ⁻¹/m · (m·dy − Σdy − x̂·Σ(dy·x̂))`. Call inside `tf.tidy`.
 */
export function backpropBatchNorm<T extends tf.Tensor>(
  layer: BatchNormLayer,
  trace: BatchNormTrace<T>,
  gradOutput: T,
): { scale: tf.Tensor1D; shift: tf.Tensor1D; input: T } {
  const axes = reductionAxes(gradOutput)
  const count = gradOutput.size / (gradOutput.shape[gradOutput.rank - 1] as number)
  const shift = tf.sum(gradOutput, axes) as tf.Tensor1D
  const scale = tf.sum(tf.mul(gradOutput, trace.normalised), axes) as tf.Tensor1D
  const centred = tf.sub(tf.mul(gradOutput, count), tf.add(shift, tf.mul(trace.normalised, scale)))
  const factor = tf.div(tf.mul(layer.scale, trace.inverseDeviation), count)
  return { scale, shift, input: tf.mul(centred, factor) as T }
}

/** The layer's trained variables (scale, shift). */
export function batchNormVariables(layer: BatchNormLayer): tf.Variable[] {
  return [layer.scale, layer.shift]
}

/** The layer's running statistics (restored with the weights after a divergence). */
export function batchNormStatistics(layer: BatchNormLayer): tf.Variable[] {
  return [layer.runningMean, layer.runningVariance]
}

/** Frees the layer's variables. */
export function disposeBatchNorm(layer: BatchNormLayer): void {
  for (const v of [layer.scale, layer.shift, layer.runningMean, layer.runningVariance]) v.dispose()
}
