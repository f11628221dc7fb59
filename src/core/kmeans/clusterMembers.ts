/** Picking a few members of each cluster to show beside its centroid. Pure TypeScript. */

/** Cluster sizes and the members chosen to show. */
export interface ChosenMembers {
  /** Rows assigned to each cluster (length k). */
  readonly sizes: Int32Array
  /** `m` row indices per cluster in turn, `-1` where a cluster has fewer than `m` rows. */
  readonly memberIndices: Int32Array
}

/**
 * Sizes of the `k` clusters of `labels`, and `m` members of each, spread over the cluster from the
 * nearest row to its centroid to the farthest (by `distances`), so a row shows both the typical and
 * the unusual members. Ties keep row order.
 */
export function chooseMembers(
  labels: Int32Array,
  distances: Float32Array,
  k: number,
  m: number,
): ChosenMembers {
  const sizes = new Int32Array(k)
  for (const label of labels) sizes[label] = (sizes[label] as number) + 1
  const starts = new Int32Array(k + 1)
  for (let c = 0; c < k; c++) starts[c + 1] = (starts[c] as number) + (sizes[c] as number)
  const byCluster = new Int32Array(labels.length)
  const next = starts.slice(0, k)
  labels.forEach((label, row) => {
    byCluster[next[label] as number] = row
    next[label] = (next[label] as number) + 1
  })
  const memberIndices = new Int32Array(k * m).fill(-1)
  for (let c = 0; c < k; c++) {
    const rows = Array.from(byCluster.subarray(starts[c], starts[c + 1]))
    rows.sort((a, b) => (distances[a] as number) - (distances[b] as number) || a - b)
    const s = rows.length
    for (let j = 0; j < Math.min(m, s); j++) {
      const rank = s <= m || m === 1 ? j : Math.round((j * (s - 1)) / (m - 1))
      memberIndices[c * m + j] = rows[rank] as number
    }
  }
  return { sizes, memberIndices }
}
