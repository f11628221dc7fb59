/**
 * InfoGAN's mutual-information term L_I (Chen et al., 2016) on the outputs of the Q head, with its
 * gradient: a softmax cross-entropy per categorical code and a Gaussian negative log-likelihood with
 * fixed unit variance per continuous code (half the squared error; the constant is left out); and
 * that gradient weighted by λ (and λ_cont for the continuous codes when given).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ResolvedInfoGANOptions } from '../infoCodes'

/** L_I on a batch and its gradient. */
export interface InformationTerm {
  /** L_I, batch mean (nats). */
  readonly loss: tf.Scalar
  /** Share of categorical codes whose most probable value is the drawn one; absent without any. */
  readonly accuracy: tf.Scalar | undefined
  /** d(sum over rows of L_I)/d(Q outputs), `[rows, codeSize]`: divide by the batch for the mean. */
  readonly gradient: tf.Tensor2D
}

/**
 * L_I of Q's outputs `q` (`[rows, codeSize]`: a block of logits per categorical code, then the
 * continuous means) against the codes the generator was given, `codes` (same layout: one-hot blocks,
 * then values). Call inside `tf.tidy`.
 */
export function informationTerm(
  info: ResolvedInfoGANOptions,
  q: tf.Tensor2D,
  codes: tf.Tensor2D,
): InformationTerm {
  const rows = q.shape[0]
  const losses: tf.Tensor[] = []
  const gradients: tf.Tensor2D[] = []
  const hits: tf.Tensor[] = []
  let at = 0
  for (const count of info.categorical) {
    const logits = tf.slice(q, [0, at], [rows, count])
    const target = tf.slice(codes, [0, at], [rows, count])
    losses.push(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)))))
    gradients.push(tf.sub(tf.softmax(logits), target) as tf.Tensor2D)
    hits.push(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(target, 1)), 'float32')))
    at += count
  }
  if (info.continuous > 0) {
    const mean = tf.slice(q, [0, at], [rows, info.continuous])
    const target = tf.slice(codes, [0, at], [rows, info.continuous])
    const error = tf.sub(mean, target) as tf.Tensor2D
    losses.push(tf.mul(tf.sum(tf.square(error)), 0.5))
    gradients.push(error)
  }
  const categorical = info.categorical.length
  return {
    loss: tf.div(tf.addN(losses), rows) as tf.Scalar,
    accuracy:
      categorical > 0 ? (tf.div(tf.addN(hits), rows * categorical) as tf.Scalar) : undefined,
    gradient: gradients.length === 1 ? (gradients[0] as tf.Tensor2D) : tf.concat(gradients, 1),
  }
}

/**
 * The gradient of the weighted L_I batch mean, `(λ·L_cat + λ_cont·L_cont) / batch`, at Q's outputs,
 * from a term's unweighted `gradient` (`[rows, codeSize]`): the categorical columns times
 * `info.weight`, the continuous ones times `info.continuousWeight`. Without `continuousWeight` every
 * column is multiplied by `weight / batch` in one operation, as before the option existed, so such
 * models train to the same bits. Call inside `tf.tidy`.
 */
export function weightedInformationGradient(
  info: ResolvedInfoGANOptions,
  gradient: tf.Tensor2D,
  batch: number,
): tf.Tensor2D {
  const continuousWeight = info.continuousWeight
  if (continuousWeight === undefined || info.continuous === 0) {
    return tf.mul(gradient, info.weight / batch)
  }
  const [rows, size] = gradient.shape
  const categorical = size - info.continuous
  const continuous = tf.mul(
    tf.slice(gradient, [0, categorical], [rows, info.continuous]),
    continuousWeight / batch,
  ) as tf.Tensor2D
  if (categorical === 0) return continuous
  const blocks = tf.mul(
    tf.slice(gradient, [0, 0], [rows, categorical]),
    info.weight / batch,
  ) as tf.Tensor2D
  return tf.concat([blocks, continuous], 1)
}
