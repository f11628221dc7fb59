/** How well two clusterings of the same items agree. Pure TypeScript. */
import { ShapeMismatchError } from '../errors'

/**
 * The adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985): 1 for the same
 * partition (whatever the label names), about 0 for unrelated ones. Labels are integers ≥ 0. Equals
 * scikit-learn's `adjusted_rand_score`. `SHAPE_MISMATCH` when the lengths differ.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  if (b.length !== n) {
    throw new ShapeMismatchError(
      `the labelings have ${n} and ${b.length} items; pass two labelings of the same items`,
      { expected: n, actual: b.length },
    )
  }
  const pairs = (count: number): number => (count * (count - 1)) / 2
  const table = new Map<string, number>()
  const rows = new Map<number, number>()
  const columns = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const x = a[i] as number
    const y = b[i] as number
    table.set(`${x},${y}`, (table.get(`${x},${y}`) ?? 0) + 1)
    rows.set(x, (rows.get(x) ?? 0) + 1)
    columns.set(y, (columns.get(y) ?? 0) + 1)
  }
  let index = 0
  for (const count of table.values()) index += pairs(count)
  let rowPairs = 0
  for (const count of rows.values()) rowPairs += pairs(count)
  let columnPairs = 0
  for (const count of columns.values()) columnPairs += pairs(count)
  const expected = (rowPairs * columnPairs) / Math.max(pairs(n), 1)
  const most = (rowPairs + columnPairs) / 2
  // One cluster on both sides (or a single item): the partitions are the same.
  if (most === expected) return 1
  return (index - expected) / (most - expected)
}
