/**
 * How rows of an action reach a k-means model's centroids: the stage a pass runs in the centroids'
 * space (a patch model's whitening first, for patches not yet whitened), the nearest centroid of
 * each row, and the type of the model's chunked runner that the helpers of `KMeans` are lent.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { RowRequest, RowStage } from '../../engine/trainableModel'
import type { KMeansAssignment } from '../kmeansSpec'
import type { KMeansCentroids } from './kmeansCentroids'
import { nearestCentroids } from './kmeansPasses'

/**
 * Runs `rows` rows of `input` through `stages` in chunks that fit the call budget: the model's
 * `throughStages`, lent to the functions that work for it.
 */
export type RunStages = (
  request: RowRequest,
  input: Float32Array,
  rows: number,
  stages: readonly RowStage[],
) => Promise<Float32Array>

/**
 * The stage rows of an action go through: `pass` on rows in the centroids' space, with a patch
 * model's whitening first when `raw` (normalised patches, not yet whitened).
 */
export function centroidStage(
  centroids: KMeansCentroids,
  name: string,
  outputSize: number,
  pass: (x: tf.Tensor2D) => tf.Tensor,
  raw: boolean,
): RowStage {
  const whiten = raw && centroids.whitening !== undefined
  return {
    name: whiten ? `${name}:whitened` : name,
    inputSize: centroids.size,
    outputSize,
    pass: whiten ? (x) => pass(centroids.toCentroidSpace(x)) : pass,
  }
}

/**
 * The nearest centroid and squared distance of each of `rows` rows of `values`, and their sum;
 * `raw` rows are normalised patches a patch model still whitens. `noun` and `action` name the rows
 * and the call in a refusal.
 */
export async function nearestRows(
  centroids: KMeansCentroids,
  run: RunStages,
  action: string,
  values: Float32Array,
  rows: number,
  raw = false,
  noun = 'row',
): Promise<KMeansAssignment> {
  const stage = centroidStage(
    centroids,
    'nearest',
    2,
    (x) => nearestCentroids(x, centroids.tensors()),
    raw,
  )
  const data = await run({ noun, action }, values, rows, [stage])
  const labels = new Int32Array(rows)
  const distances = new Float32Array(rows)
  let inertia = 0
  for (let r = 0; r < rows; r++) {
    labels[r] = data[2 * r] as number
    distances[r] = data[2 * r + 1] as number
    inertia += distances[r] as number
  }
  return { labels, distances, inertia }
}
