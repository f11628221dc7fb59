/** How well two clusterings of the same items agree. Pure TypeScript. */
import { InvalidInputError, ShapeMismatchError } from '../errors'

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

/** Throws `SHAPE_MISMATCH` unless the two labelings have the same length. */
function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (b.length !== a.length) {
    throw new ShapeMismatchError(
      `the labelings have ${a.length} and ${b.length} items; pass two labelings of the same items`,
      { expected: a.length, actual: b.length },
    )
  }
}

/**
 * The minimum-cost one-to-one assignment of rows to columns of a cost matrix (the Hungarian
 * algorithm, Kuhn–Munkres with potentials, O(n²m)): `cost` holds `rows × columns` values row by row,
 * `rows ≤ columns` (pad or transpose otherwise). Returns the column of each row; no column twice.
 * `INVALID_INPUT` for more rows than columns, a wrong length or a non-finite cost.
 */
export function minimumCostAssignment(
  cost: ArrayLike<number>,
  rows: number,
  columns: number,
): Int32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || rows > columns) {
    throw new InvalidInputError(
      `a cost matrix of ${rows} rows and ${columns} columns cannot be assigned one to one; pass rows ≤ columns (transpose the matrix)`,
      { rows, columns },
    )
  }
  if (cost.length !== rows * columns) {
    throw new InvalidInputError(
      `the cost matrix has ${cost.length} values; ${rows} × ${columns} needs ${rows * columns}`,
      { expected: rows * columns, actual: cost.length },
    )
  }
  for (let i = 0; i < cost.length; i++) {
    if (!Number.isFinite(cost[i])) {
      throw new InvalidInputError(`cost ${i} is ${cost[i]}; every cost must be finite`, {
        index: i,
      })
    }
  }
  // 1-based potentials u (rows) and v (columns); owner[j] is the row holding column j (0: none).
  const u = new Float64Array(rows + 1)
  const v = new Float64Array(columns + 1)
  const owner = new Int32Array(columns + 1)
  const way = new Int32Array(columns + 1)
  for (let row = 1; row <= rows; row++) {
    owner[0] = row
    let column = 0
    const least = new Float64Array(columns + 1).fill(Infinity)
    const used = new Uint8Array(columns + 1)
    do {
      used[column] = 1
      const current = owner[column] as number
      let delta = Infinity
      let next = 0
      for (let j = 1; j <= columns; j++) {
        if (used[j]) continue
        const reduced =
          (cost[(current - 1) * columns + j - 1] as number) -
          (u[current] as number) -
          (v[j] as number)
        if (reduced < (least[j] as number)) {
          least[j] = reduced
          way[j] = column
        }
        if ((least[j] as number) < delta) {
          delta = least[j] as number
          next = j
        }
      }
      for (let j = 0; j <= columns; j++) {
        if (used[j]) {
          const r = owner[j] as number
          u[r] = (u[r] as number) + delta
          v[j] = (v[j] as number) - delta
        } else {
          least[j] = (least[j] as number) - delta
        }
      }
      column = next
    } while (owner[column] !== 0)
    do {
      const previous = way[column] as number
      owner[column] = owner[previous] as number
      column = previous
    } while (column !== 0)
  }
  const assignment = new Int32Array(rows)
  for (let j = 1; j <= columns; j++) {
    const row = owner[j] as number
    if (row > 0) assignment[row - 1] = j - 1
  }
  return assignment
}

/** Distinct values of a labeling, sorted, with each item's index among them. */
function indexLabels(labels: ArrayLike<number>): { count: number; index: Int32Array } {
  const values = Array.from(new Set(Array.from(labels))).sort((x, y) => x - y)
  const position = new Map(values.map((value, i) => [value, i]))
  const index = new Int32Array(labels.length)
  for (let i = 0; i < labels.length; i++) index[i] = position.get(labels[i] as number) as number
  return { count: values.length, index }
}

/** Contingency table of two labelings: `table[i × columns + j]` items with label i in a, j in b. */
function contingency(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { table: Float64Array; rows: number; columns: number } {
  const x = indexLabels(a)
  const y = indexLabels(b)
  const table = new Float64Array(x.count * y.count)
  for (let i = 0; i < a.length; i++) {
    const cell = (x.index[i] as number) * y.count + (y.index[i] as number)
    table[cell] = (table[cell] as number) + 1
  }
  return { table, rows: x.count, columns: y.count }
}

/**
 * Unsupervised clustering accuracy: the share of items whose cluster, mapped one to one onto a label
 * by the best matching (Hungarian algorithm on the contingency table), equals their label — the
 * accuracy DEC and IDEC report. 1 for the same partition whatever the names; clusters left without a
 * label (more clusters than labels) count as wrong. `SHAPE_MISMATCH` when the lengths differ; 1 for
 * no items.
 */
export function clusteringAccuracy(clusters: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkSameLength(clusters, labels)
  const n = clusters.length
  if (n === 0) return 1
  const { table, rows, columns } = contingency(clusters, labels)
  // Rows ≤ columns: assign the smaller side; cost is minus the items matched.
  const transpose = rows > columns
  const small = transpose ? columns : rows
  const large = transpose ? rows : columns
  const cost = new Float64Array(small * large)
  for (let i = 0; i < small; i++) {
    for (let j = 0; j < large; j++) {
      cost[i * large + j] = -(transpose
        ? (table[j * columns + i] as number)
        : (table[i * columns + j] as number))
    }
  }
  const match = minimumCostAssignment(cost, small, large)
  let matched = 0
  match.forEach((j, i) => (matched -= cost[i * large + j] as number))
  return matched / n
}

/** Entropy and mutual information of two labelings, in nats, from their contingency table. */
function informationOf(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { ha: number; hb: number; mutual: number } {
  checkSameLength(a, b)
  const n = a.length
  if (n === 0) return { ha: 0, hb: 0, mutual: 0 }
  const { table, rows, columns } = contingency(a, b)
  const rowSums = new Float64Array(rows)
  const columnSums = new Float64Array(columns)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const count = table[i * columns + j] as number
      rowSums[i] = (rowSums[i] as number) + count
      columnSums[j] = (columnSums[j] as number) + count
    }
  }
  const entropy = (sums: Float64Array): number =>
    sums.reduce((h, count) => (count > 0 ? h - (count / n) * Math.log(count / n) : h), 0)
  let mutual = 0
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const count = table[i * columns + j] as number
      if (count === 0) continue
      mutual +=
        (count / n) * Math.log((count * n) / ((rowSums[i] as number) * (columnSums[j] as number)))
    }
  }
  return { ha: entropy(rowSums), hb: entropy(columnSums), mutual: Math.max(0, mutual) }
}

/**
 * Mutual information I(a; b) of two labelings in nats, and the entropy of each (plug-in estimates
 * from their contingency table). `SHAPE_MISMATCH` when the lengths differ.
 */
export function mutualInformation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { mutual: number; entropyA: number; entropyB: number } {
  const { ha, hb, mutual } = informationOf(a, b)
  return { mutual, entropyA: ha, entropyB: hb }
}

/**
 * Normalized mutual information of two labelings, `I(a; b) / ((H(a) + H(b)) / 2)` (arithmetic mean,
 * scikit-learn's default `normalized_mutual_info_score`): 1 for the same partition whatever the
 * names, 0 for independent ones; 1 when both have a single cluster. `SHAPE_MISMATCH` when the lengths
 * differ.
 */
export function normalizedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { ha, hb, mutual } = informationOf(a, b)
  if (a.length === 0 || (ha === 0 && hb === 0)) return 1
  const mean = (ha + hb) / 2
  return mean === 0 ? 0 : mutual / mean
}
