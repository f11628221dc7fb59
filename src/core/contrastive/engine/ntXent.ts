/**
 * The NT-Xent loss of SimCLR (Chen et al. 2020), with its exact gradient written out (no autodiff):
 * projections of `2n` views, where row `i`'s positive is row `(i + n) mod 2n` and the other `2n − 2`
 * rows are its negatives. Similarities are cosines divided by the temperature τ:
 * `ℓ_i = −s_{i,p(i)} + log Σ_{k≠i} exp(s_{i,k})`, and the loss is the mean of `ℓ_i` over the rows.
 */
import * as tf from '@tensorflow/tfjs-core'

/** What one NT-Xent evaluation gives. Call inside `tf.tidy`. */
export interface NTXentResult {
  /** Mean of ℓ_i over the `2n` rows. */
  readonly loss: tf.Scalar
  /** Fraction of rows whose most similar other row is their positive (top-1 of the pair task). */
  readonly accuracy: tf.Scalar
  /** d loss / d projections, `[2n, size]`. */
  readonly gradient: tf.Tensor2D
}

/** Added to the diagonal so a row is never its own candidate. */
const SELF = -1e9
/** Keeps the norm of an all-zero projection away from 0. */
const EPSILON = 1e-12

/**
 * NT-Xent of `projections` (`[2n, size]`, first views then second views) at `temperature`, its
 * gradient and the pair task's top-1 accuracy. Call inside `tf.tidy`.
 */
export function ntXent(projections: tf.Tensor2D, temperature: number): NTXentResult {
  const rows = projections.shape[0]
  const half = rows / 2
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(projections), 1, true), EPSILON))
  const u = tf.div(projections, norms) as tf.Tensor2D
  const selfMask = tf.mul(tf.eye(rows), SELF)
  const logits = tf.add(tf.div(tf.matMul(u, u, false, true), temperature), selfMask) as tf.Tensor2D
  const positives = tf.tensor1d(
    Int32Array.from({ length: rows }, (_, i) => (i + half) % rows),
    'int32',
  )
  const target = tf.cast(tf.oneHot(positives, rows), 'float32') as tf.Tensor2D
  const logProbabilities = tf.logSoftmax(logits)
  const loss = tf.neg(tf.div(tf.sum(tf.mul(target, logProbabilities)), rows)) as tf.Scalar
  const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), positives), 'float32'))
  // d loss / d logits = (softmax − target) / rows; logits = u uᵀ / τ (symmetric in its two factors).
  const g = tf.div(tf.sub(tf.exp(logProbabilities), target), rows) as tf.Tensor2D
  const du = tf.div(tf.matMul(tf.add(g, tf.transpose(g)), u), temperature) as tf.Tensor2D
  // Through u = z / ‖z‖: dz = (du − u (u · du)) / ‖z‖.
  const radial = tf.sum(tf.mul(u, du), 1, true)
  const gradient = tf.div(tf.sub(du, tf.mul(u, radial)), norms) as tf.Tensor2D
  return { loss, accuracy: accuracy as tf.Scalar, gradient }
}
