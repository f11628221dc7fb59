/**
 * One step of k-means on the host: per-cluster sums of the rows read back from the device, then a
 * Lloyd iteration (every centre to its mean, empty clusters relocated) or a mini-batch update (each
 * centre moving by 1 / its count per row, unused centres reassigned), in float64.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ImageBatch } from '../../dataset'
import type { Random } from '../../random'
import type { KMeansHistoryPoint } from '../kmeansSpec'
import { nearestRows, type RunStages } from './centroidStages'
import type { KMeansCentroids } from './kmeansCentroids'
import { clusterSums } from './kmeansPasses'
import { gatheredChunk, type RowChunk } from './rowChunks'
import type { FusedClusterSums } from './fusedClusterSums'

/** What a step reports: the history point less its step and epoch. */
export type StepPoint = Omit<KMeansHistoryPoint, 'step' | 'epoch'>

/** Per-cluster sums of a step, read back from the device. */
interface StepSums {
  readonly sums: Float64Array
  readonly counts: Float64Array
  inertia: number
}

/** Mean per-feature variance of `rows` (`n × d`): what Lloyd's tolerance is relative to. */
export function meanVariance(rows: Float32Array, n: number, d: number): number {
  const mean = new Float64Array(d)
  const squares = new Float64Array(d)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      const v = rows[r * d + i] as number
      mean[i] = (mean[i] as number) + v
      squares[i] = (squares[i] as number) + v * v
    }
  }
  let total = 0
  for (let i = 0; i < d; i++) {
    const m = (mean[i] as number) / n
    total += Math.max(0, (squares[i] as number) / n - m * m)
  }
  return total / d
}

/**
 * Each row's `‖x‖²` (`n` rows of `d` values), summed in float64 in order: computed once per
 * mini-batch call, so a step adds its rows' `Σ‖x‖²` with one addition per row instead of a chain over
 * every value of the batch.
 */
export function rowSquares(rows: Float32Array, n: number, d: number): Float64Array {
  const squares = new Float64Array(n)
  for (let r = 0; r < n; r++) {
    let sum = 0
    for (let j = r * d; j < (r + 1) * d; j++) sum += (rows[j] as number) ** 2
    squares[r] = sum
  }
  return squares
}

/**
 * Per-cluster sums of the rows of `chunks`, accumulated in float64: on the fused WebAssembly kernels
 * when `fused` is given, else as TF.js operations.
 */
async function sumChunks(
  centroids: KMeansCentroids,
  chunks: readonly RowChunk[],
  fused: FusedClusterSums | undefined,
): Promise<StepSums> {
  const { k } = centroids.options
  const d = centroids.size
  const total: StepSums = {
    sums: new Float64Array(k * d),
    counts: new Float64Array(k),
    inertia: 0,
  }
  if (fused) {
    fused.setCentroids(centroids.centroids)
    for (const part of chunks) {
      fused.accumulate(part.values, part.count, total)
      total.inertia += part.squares
    }
    return total
  }
  for (const part of chunks) {
    const flat = tf.tidy(() => clusterSums(part.rows(), centroids.tensors(), k))
    const values = (await flat.data()) as Float32Array
    flat.dispose()
    for (let i = 0; i < k * d; i++)
      total.sums[i] = (total.sums[i] as number) + (values[i] as number)
    for (let c = 0; c < k; c++) {
      total.counts[c] = (total.counts[c] as number) + (values[k * d + c] as number)
    }
    total.inertia += (values[k * d + k] as number) + part.squares
  }
  return total
}

/**
 * {@link sumChunks} of the rows `indices` of `data` on the fused kernels, gathered in kernel memory;
 * `squares` is their `Σ‖x‖²`.
 */
function fusedBatchSums(
  centroids: KMeansCentroids,
  data: ImageBatch,
  indices: ArrayLike<number>,
  fused: FusedClusterSums,
  squares: number,
): StepSums {
  const { k } = centroids.options
  const total: StepSums = {
    sums: new Float64Array(k * centroids.size),
    counts: new Float64Array(k),
    inertia: 0,
  }
  fused.setCentroids(centroids.centroids)
  fused.accumulateRows(data.data, indices, total)
  total.inertia += squares
  return total
}

/**
 * Moves each empty cluster to one of the rows farthest from their centroids (scikit-learn's
 * relocation): the row leaves its cluster's sums and becomes the empty cluster's only member.
 */
async function relocateEmpty(
  centroids: KMeansCentroids,
  run: RunStages,
  data: ImageBatch,
  sums: StepSums,
): Promise<number> {
  const { k } = centroids.options
  const d = centroids.size
  const empty: number[] = []
  for (let c = 0; c < k; c++) if (sums.counts[c] === 0) empty.push(c)
  if (empty.length === 0) return 0
  const { labels, distances } = await nearestRows(centroids, run, 'train', data.data, data.shape[0])
  const far = Array.from(distances.keys())
    .sort((a, b) => (distances[b] as number) - (distances[a] as number) || a - b)
    .slice(0, empty.length)
  empty.forEach((cluster, i) => {
    const row = far[i] as number
    const from = labels[row] as number
    const values = data.data.subarray(row * d, (row + 1) * d)
    for (let j = 0; j < d; j++) {
      sums.sums[from * d + j] = (sums.sums[from * d + j] as number) - (values[j] as number)
      sums.sums[cluster * d + j] = values[j] as number
    }
    sums.counts[from] = (sums.counts[from] as number) - 1
    sums.counts[cluster] = 1
  })
  return empty.length
}

/**
 * One Lloyd iteration over every row of `data` (split into `chunks`): assign, relocate empty
 * clusters (their rows found through `run`), move each centroid to its mean. The assignment runs on
 * the fused kernels when `fused` is given (chunks of at most its `maxBatch` rows).
 */
export async function lloydStep(
  centroids: KMeansCentroids,
  run: RunStages,
  data: ImageBatch,
  chunks: readonly RowChunk[],
  fused?: FusedClusterSums,
): Promise<StepPoint> {
  const n = data.shape[0]
  const { k } = centroids.options
  const d = centroids.size
  const sums = await sumChunks(centroids, chunks, fused)
  const inertia = sums.inertia / n
  if (!Number.isFinite(inertia)) return { inertia, centerShift: NaN, reassigned: 0 }
  const reassigned = await relocateEmpty(centroids, run, data, sums)
  let centerShift = 0
  for (let c = 0; c < k; c++) {
    const count = sums.counts[c] as number
    centroids.counts[c] = count
    if (count <= 0) continue
    for (let j = 0; j < d; j++) {
      // Rounded as stored, so an iteration that changes no label moves nothing (strict convergence).
      const next = Math.fround((sums.sums[c * d + j] as number) / count)
      centerShift += (next - (centroids.centroids[c * d + j] as number)) ** 2
      centroids.centroids[c * d + j] = next
    }
  }
  return { inertia, centerShift, reassigned }
}

/**
 * One mini-batch update on the rows `indices` of `data`: each centre moves to the running mean of
 * the rows it has absorbed. Reassigns nothing (see {@link reassignUnused}); a non-finite inertia
 * leaves the centroids as they were. The assignment runs on the fused kernels when `fused` is given.
 */
export async function miniBatchStep(
  centroids: KMeansCentroids,
  data: ImageBatch,
  indices: Uint32Array,
  squares: Float64Array,
  fused?: FusedClusterSums,
): Promise<Omit<StepPoint, 'reassigned'>> {
  const { k } = centroids.options
  const d = centroids.size
  const b = indices.length
  let batchSquares = 0
  for (let i = 0; i < b; i++) batchSquares += squares[indices[i] as number] as number
  const sums = fused
    ? fusedBatchSums(centroids, data, indices, fused, batchSquares)
    : await sumChunks(centroids, [gatheredChunk(data, indices, d, batchSquares)], undefined)
  const inertia = sums.inertia / b
  if (!Number.isFinite(inertia)) return { inertia, centerShift: NaN }
  let centerShift = 0
  for (let c = 0; c < k; c++) {
    const added = sums.counts[c] as number
    if (added === 0) continue
    const before = centroids.counts[c] as number
    const total = before + added
    for (let j = 0; j < d; j++) {
      const old = centroids.centroids[c * d + j] as number
      const next = (old * before + (sums.sums[c * d + j] as number)) / total
      centerShift += (next - old) ** 2
      centroids.centroids[c * d + j] = next
    }
    centroids.counts[c] = total
  }
  return { inertia, centerShift }
}

/**
 * Moves centres whose count is below `ratio` × the largest to rows of the batch drawn with
 * `random`, and gives them the smallest count of the others (scikit-learn's `reassignment_ratio`).
 */
export function reassignUnused(
  centroids: KMeansCentroids,
  data: ImageBatch,
  batch: Uint32Array,
  ratio: number,
  random: Random,
): number {
  const { k } = centroids.options
  const d = centroids.size
  const counts = centroids.counts
  const most = counts.reduce((a, b) => Math.max(a, b), 0)
  if (most === 0) return 0
  let unused = Array.from(counts.keys()).filter((c) => (counts[c] as number) < ratio * most)
  if (unused.length === 0) return 0
  if (unused.length > batch.length / 2) {
    unused = unused
      .sort((a, b) => (counts[a] as number) - (counts[b] as number) || a - b)
      .slice(0, Math.floor(batch.length / 2))
  }
  const floor = Array.from(counts.keys())
    .filter((c) => !unused.includes(c))
    .reduce((low, c) => Math.min(low, counts[c] as number), Infinity)
  const picks = random.permutation(batch.length)
  unused.forEach((c, i) => {
    const row = batch[picks[i] as number] as number
    centroids.centroids.set(data.data.subarray(row * d, (row + 1) * d), c * d)
    counts[c] = Number.isFinite(floor) ? floor : 1
  })
  return Math.min(unused.length, k)
}
