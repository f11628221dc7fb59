/**
 * The device passes of k-means, each on a chunk of rows inside `tf.tidy`: squared distances to the
 * centroids, the nearest centroid, and the per-cluster sums a Lloyd or mini-batch step needs.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { CentroidTensors } from './kmeansCentroids'

/**
 * `‖c‖² − 2 x·c` for every row and centroid, `[n, k]`: the squared distance less the row's own
 * `‖x‖²`, which neither the nearest centroid nor a step's sums need.
 */
function centroidScores(x: tf.Tensor2D, centroids: CentroidTensors): tf.Tensor2D {
  return tf.sub(centroids.norms, tf.mul(tf.matMul(x, centroids.transposed), 2)) as tf.Tensor2D
}

/** Squared Euclidean distances `[n, k]` of the rows of `x` to the centroids, never below 0. */
export function squaredDistances(x: tf.Tensor2D, centroids: CentroidTensors): tf.Tensor2D {
  const rowNorms = tf.sum(tf.square(x), 1, true)
  return tf.relu(tf.add(rowNorms, centroidScores(x, centroids))) as tf.Tensor2D
}

/** Per row, `[nearest centroid, squared distance to it]`: `[n, 2]`. */
export function nearestCentroids(x: tf.Tensor2D, centroids: CentroidTensors): tf.Tensor2D {
  const distances = squaredDistances(x, centroids)
  return tf.stack(
    [tf.cast(tf.argMin(distances, 1), 'float32'), tf.min(distances, 1)],
    1,
  ) as tf.Tensor2D
}

/**
 * What a step needs from a chunk of rows, flat: the sum of the rows assigned to each centroid
 * (`k × d`), how many there are (`k`), and the sum over rows of `‖c‖² − 2 x·c` for the nearest
 * centroid (1): the chunk's inertia less its `Σ‖x‖²`, which the caller adds on the host.
 */
export function clusterSums(x: tf.Tensor2D, centroids: CentroidTensors, k: number): tf.Tensor1D {
  const scores = centroidScores(x, centroids)
  const members = tf.cast(tf.oneHot(tf.argMin(scores, 1), k), 'float32')
  const sums = tf.matMul(tf.transpose(members), x)
  return tf.concat([
    tf.reshape(sums, [-1]),
    tf.sum(members, 0),
    tf.reshape(tf.sum(tf.min(scores, 1)), [1]),
  ]) as tf.Tensor1D
}

/**
 * Triangle ("k-means") activations of the rows of `x` (Coates, Lee & Ng 2011), `[n, k]`: with `z_j`
 * the Euclidean distance of a row to centroid `j`, `f_j = max(0, mean(z) − z_j)` — non-zero for the
 * centroids nearer than average, about half of them.
 */
export function triangleActivations(x: tf.Tensor2D, centroids: CentroidTensors): tf.Tensor2D {
  const z = tf.sqrt(squaredDistances(x, centroids))
  return tf.relu(tf.sub(tf.mean(z, 1, true), z)) as tf.Tensor2D
}
