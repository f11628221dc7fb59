/** Lays the clusters of a k-means model out as tiles: a centroid, a gap, its members. No DOM. */
import type { ImageBatch } from '../core/dataset'
import { weightOrder } from './tileOrder'

/** What `ClusterGrid` shows: centroids and, optionally, sizes and members (`useKMeans().clusters`). */
export interface ClusterSource {
  /** Centroids as images `[k, h, w, c]`. */
  readonly centroids: ImageBatch
  /** Images in each cluster (length k). */
  readonly sizes?: ArrayLike<number>
  /** `membersPerCluster` images of each cluster in turn, `[k × m, h, w, c]`. */
  readonly members?: ImageBatch
  /** Members per cluster in `members`. */
  readonly membersPerCluster?: number
  /** Index of each member in its data set; `-1` marks a missing member (drawn as background). */
  readonly memberIndices?: ArrayLike<number>
}

/** The tiles of a cluster grid, row by row, and which of them are left blank. */
export interface ClusterTiles {
  /** `rows × columns` images: each row a centroid, a blank spacer, then members. */
  readonly images: ImageBatch
  /** 1 where a tile is blank (the spacer, a missing member). */
  readonly blank: Uint8Array
  /** Cluster shown in each row. */
  readonly order: readonly number[]
  /** Tiles per row: the centroid, then (with members) a spacer and the members. */
  readonly columns: number
}

/** Order of the clusters to show: as given, or largest first (needs `sizes`). */
export function clusterOrder(source: ClusterSource, sort: 'none' | 'size'): number[] {
  return weightOrder(source.centroids.shape[0], source.sizes, sort === 'size' ? 'weight' : 'none')
}

/** Members given for `cluster`: those before the first `-1` index (all when there are no indices). */
function presentMembers(source: ClusterSource, cluster: number, available: number): number {
  const indices = source.memberIndices
  if (!indices) return available
  let present = 0
  while (present < available && (indices[cluster * available + present] ?? -1) >= 0) present++
  return present
}

/**
 * The tiles of `source` with at most `members` members per row (spread over the ones given, which
 * run from the nearest to the farthest), clusters in `order`.
 */
export function clusterTiles(
  source: ClusterSource,
  order: readonly number[],
  members: number,
): ClusterTiles {
  const [, h, w, c] = source.centroids.shape
  const size = h * w * c
  const available = source.members ? (source.membersPerCluster ?? 0) : 0
  const shown = Math.max(0, Math.min(members, available))
  const columns = shown > 0 ? 2 + shown : 1
  const data = new Float32Array(order.length * columns * size)
  const blank = new Uint8Array(order.length * columns)
  order.forEach((cluster, row) => {
    const base = row * columns
    data.set(source.centroids.data.subarray(cluster * size, (cluster + 1) * size), base * size)
    if (shown > 0) blank[base + 1] = 1
    const present = presentMembers(source, cluster, available)
    for (let j = 0; j < shown; j++) {
      if (j >= present || !source.members) {
        blank[base + 2 + j] = 1
        continue
      }
      // Fewer shown than given: keep the spread from the nearest to the farthest.
      const pick =
        present <= shown || shown === 1 ? j : Math.round((j * (present - 1)) / (shown - 1))
      const from = cluster * available + pick
      data.set(source.members.data.subarray(from * size, (from + 1) * size), (base + 2 + j) * size)
    }
  })
  return { images: { data, shape: [order.length * columns, h, w, c] }, blank, order, columns }
}
