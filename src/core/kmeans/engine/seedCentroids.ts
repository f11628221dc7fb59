/**
 * How a k-means fit chooses its first centroids: greedy k-means++ on every row (Lloyd), or on
 * `initSize` random rows of the data (mini-batch), with the pass whose memory sizes its chunks.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ImageBatch } from '../../dataset'
import { checkRows, hostLimit, type RowPass } from '../../engine/memoryBudget'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedKMeansTrainOptions } from '../kmeansOptions'
import type { FusedClusterSums } from './fusedClusterSums'
import type { KMeansCentroids } from './kmeansCentroids'
import { candidateDistances, kMeansPlusPlus, localTrials } from './kmeansPlusPlus'
import { disposeChunks, splitRows, type RowChunk } from './rowChunks'

/** The pass of k-means++'s distances to its candidates on a chunk of rows, for the memory budget. */
export function seedPass(centroids: KMeansCentroids, fixedBytes: number): RowPass {
  const d = centroids.size
  const trials = localTrials(centroids.options.k)
  return {
    name: 'seed',
    run: (rows) => candidateDistances(tf.zeros([rows, d]), tf.zeros([trials, d])),
    hostValuesPerRow: trials + 3,
    fixedBytes,
  }
}

/**
 * Sets the centroids by k-means++ on the rows of `chunks` (the rows of `data`), or, for
 * mini-batch, on `initSize` random rows of the data, split in chunks of `sampleChunk()` rows; the
 * counts start at zero. The distances run on `fused`'s kernels when given (the same draws).
 */
export async function seedCentroids(
  centroids: KMeansCentroids,
  data: ImageBatch,
  train: ResolvedKMeansTrainOptions,
  chunks: readonly RowChunk[],
  sampleChunk: () => number,
  fused?: FusedClusterSums,
): Promise<void> {
  const { k, algorithm, seed } = centroids.options
  const random = createRandom(deriveSeed(seed, 1))
  const n = data.shape[0]
  const d = centroids.size
  let values = data.data
  let rows = n
  let sample: RowChunk[] = []
  try {
    if (algorithm === 'minibatch') {
      const wanted = train.initSize ?? Math.max(3 * train.batchSize, 3 * k)
      const count = Math.min(n, Math.max(wanted, k))
      checkRows(
        {
          what: 'initSize',
          option: 'initSize',
          actual: count,
          advice: (most) => `use initSize ≤ ${most}`,
        },
        hostLimit(d + localTrials(k) + 3),
      )
      const picked = random.permutation(n).subarray(0, count)
      values = new Float32Array(count * d)
      picked.forEach((row, i) => values.set(data.data.subarray(row * d, (row + 1) * d), i * d))
      rows = count
      if (!fused) sample = splitRows(values, count, d, sampleChunk(), false)
    }
    const chosen = fused
      ? await kMeansPlusPlus(values, [], d, k, random, fused, rows)
      : await kMeansPlusPlus(values, sample.length > 0 ? sample : chunks, d, k, random)
    chosen.forEach((row, c) =>
      centroids.centroids.set(values.subarray(row * d, (row + 1) * d), c * d),
    )
  } finally {
    disposeChunks(sample)
  }
  centroids.counts.fill(0)
}
