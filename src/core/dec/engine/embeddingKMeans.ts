/** k-means in DEC's embedding, through the k-means family's model: the best of several starts. */
import type { LatentBatch } from '../../dataset'
import { deriveSeed } from '../../random'
import { KMeans } from '../../kmeans/engine/kmeans'

/** Where k-means put the clusters. */
export interface EmbeddingClusters {
  /** Centres, `clusters × codeSize` values row by row. */
  readonly centres: Float32Array
  /** Cluster of each row. */
  readonly labels: Int32Array
  /** Sum of squared distances of the rows to their centres. */
  readonly inertia: number
}

/**
 * Lloyd k-means (k-means++ starts) on `codes`, `runs` times with seeds derived from `seed`; the run
 * of least inertia wins (scikit-learn's `n_init`).
 */
export async function embeddingKMeans(
  codes: LatentBatch,
  clusters: number,
  runs: number,
  seed: number,
): Promise<EmbeddingClusters> {
  const [n, d] = codes.shape
  const rows = { data: codes.data, shape: [n, 1, d, 1] as const }
  let best: EmbeddingClusters | undefined
  for (let run = 0; run < runs; run++) {
    const model = new KMeans({ k: clusters, seed: deriveSeed(seed, 100 + run) })
    try {
      await model.fit(rows, { epochs: 300 })
      const { labels, inertia } = await model.assign(rows)
      if (!best || inertia < best.inertia) {
        best = { centres: model.centroidImages().data, labels, inertia }
      }
    } finally {
      model.dispose()
    }
  }
  return best as EmbeddingClusters
}
