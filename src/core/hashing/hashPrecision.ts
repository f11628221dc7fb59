/** Retrieval quality of binary codes by label. Pure TypeScript: tests and the bench share it. */
import { HammingIndex } from './hammingIndex'

/**
 * Mean precision@k by label: for each query code, the share of its `k` nearest indexed codes by
 * Hamming distance (ties broken by lower index) whose label equals the query's.
 */
export function hashPrecisionAtK(
  indexCodes: Uint32Array,
  indexLabels: ArrayLike<number>,
  queryCodes: Uint32Array,
  queryLabels: ArrayLike<number>,
  bits: number,
  k = 10,
): number {
  const index = new HammingIndex(indexCodes, bits)
  const { indices, offsets } = index.search(queryCodes, { k })
  let total = 0
  for (let q = 0; q + 1 < offsets.length; q++) {
    const from = offsets[q] as number
    const to = offsets[q + 1] as number
    let same = 0
    for (let m = from; m < to; m++) {
      if (indexLabels[indices[m] as number] === queryLabels[q]) same++
    }
    total += same / Math.max(1, to - from)
  }
  return total / Math.max(1, offsets.length - 1)
}
