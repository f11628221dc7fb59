/**
 * UMAP's fuzzy graph from exact neighbours, in typed arrays and in time slices: each row's smooth
 * k-NN distance (ρ, the nearest positive distance; σ by binary search so the memberships sum to
 * log₂ k), the membership exp(−(d − ρ)/σ) of each neighbour, and the fuzzy union
 * w = a + b − a·b of the two directions. The same arithmetic as umap-js 1.4
 * (`fuzzySimplicialSet` with local connectivity 1 and a pure union), so the same neighbours give
 * the same weights to the last bit, without its string-keyed sparse matrices, which spent seconds
 * in one synchronous stretch on 20,000 rows.
 */
import type { Neighbours } from './nearestNeighbors'
import type { TimeSlicer } from './timeSlice'

/** The symmetric fuzzy graph: its edges sorted by row, then column. */
export interface FuzzyGraph {
  /** Vertices (rows of codes). */
  readonly n: number
  /** Edges kept. */
  readonly size: number
  /** The row of each edge. */
  readonly rows: Int32Array
  /** The column of each edge. */
  readonly cols: Int32Array
  /** The weight of each edge, in (0, 1]. */
  readonly weights: Float64Array
}

/** umap-learn's tolerance on the memberships' sum, and floor of σ (as a share of mean distance). */
const SMOOTH_K_TOLERANCE = 1e-5
const MIN_K_DIST_SCALE = 1e-3
/** Bisection steps of σ. */
const SIGMA_STEPS = 64
/** Rows (or columns) between two looks at the clock. */
const CHECK_EVERY = 64

const meanOf = (values: Float64Array, from: number, count: number): number => {
  let sum = values[from] as number
  for (let j = 1; j < count; j++) sum += values[from + j] as number
  return sum / count
}

/** ρ and σ of row `i` (its k distances from `at`), σ before its floor. */
function smoothRow(distances: Float64Array, at: number, k: number, target: number) {
  let rho = 0
  for (let j = 0; j < k; j++) {
    const d = distances[at + j] as number
    if (d > 0) {
      rho = d
      break
    }
  }
  let lo = 0
  let hi = Infinity
  let mid = 1
  for (let step = 0; step < SIGMA_STEPS; step++) {
    let sum = 0
    for (let j = 1; j < k; j++) {
      const d = (distances[at + j] as number) - rho
      sum += d > 0 ? Math.exp(-(d / mid)) : 1
    }
    if (Math.abs(sum - target) < SMOOTH_K_TOLERANCE) break
    if (sum > target) {
      hi = mid
      mid = (lo + hi) / 2
    } else {
      lo = mid
      mid = hi === Infinity ? mid * 2 : (lo + hi) / 2
    }
  }
  return { rho, sigma: mid }
}

/**
 * Each neighbour's membership in its row's fuzzy set, `n × k` in the places of `knn` (the row
 * itself: 0). Yields whenever `slicer` says its slice is spent.
 */
export async function memberships(knn: Neighbours, slicer: TimeSlicer): Promise<Float64Array> {
  const { k, indices, distances } = knn
  const n = indices.length / k
  const target = Math.log(k) / Math.log(2)
  const strengths = new Float64Array(n * k)
  let meanAll = NaN
  for (let i = 0; i < n; i++) {
    if (i % CHECK_EVERY === 0 && slicer.due()) await slicer.yield()
    const at = i * k
    const { rho, sigma: found } = smoothRow(distances, at, k, target)
    let sigma = found
    if (rho > 0) {
      const floor = MIN_K_DIST_SCALE * meanOf(distances, at, k)
      if (sigma < floor) sigma = floor
    } else {
      // Every neighbour at distance 0: the floor is the mean of the rows' means, found once.
      if (Number.isNaN(meanAll)) {
        let sum = meanOf(distances, 0, k)
        for (let r = 1; r < n; r++) sum += meanOf(distances, r * k, k)
        meanAll = sum / n
      }
      if (sigma < MIN_K_DIST_SCALE * meanAll) sigma = MIN_K_DIST_SCALE * meanAll
    }
    for (let j = 0; j < k; j++) {
      const d = (distances[at + j] as number) - rho
      strengths[at + j] = indices[at + j] === i ? 0 : d <= 0 ? 1 : Math.exp(-(d / sigma))
    }
  }
  return strengths
}

/** The membership of `col` in row `row`'s fuzzy set (0 when it is not among the neighbours). */
function memberOf(knn: Neighbours, strengths: Float64Array, row: number, col: number): number {
  const at = row * knn.k
  for (let j = 0; j < knn.k; j++) {
    if (knn.indices[at + j] === col) return strengths[at + j] as number
  }
  return 0
}

/** For each row, the rows that hold it among their neighbours (compressed: `starts`, `from`). */
function reverseNeighbours(knn: Neighbours, n: number) {
  const starts = new Int32Array(n + 1)
  for (const id of knn.indices) starts[id + 1] = (starts[id + 1] as number) + 1
  for (let i = 0; i < n; i++) starts[i + 1] = (starts[i + 1] as number) + (starts[i] as number)
  const fill = starts.slice(0, n)
  const from = new Int32Array(knn.indices.length)
  for (let e = 0; e < knn.indices.length; e++) {
    const id = knn.indices[e] as number
    from[fill[id] as number] = Math.floor(e / knn.k)
    fill[id] = (fill[id] as number) + 1
  }
  return { starts, from }
}

/**
 * The fuzzy union of the neighbours' fuzzy sets, edges with weight at least `1/epochs` of the
 * largest (what UMAP's layout would never sample is dropped, as umap-js drops it), sorted by row
 * then column. Yields whenever `slicer` says its slice is spent.
 */
export async function fuzzyGraph(
  knn: Neighbours,
  epochs: number,
  slicer: TimeSlicer,
): Promise<FuzzyGraph> {
  const { k, indices } = knn
  const n = indices.length / k
  const strengths = await memberships(knn, slicer)
  const { starts, from } = reverseNeighbours(knn, n)
  const capacity = 2 * n * k
  const rows = new Int32Array(capacity)
  const cols = new Int32Array(capacity)
  const weights = new Float64Array(capacity)
  let size = 0
  let largest = 0
  const scratch = new Int32Array(k + n)
  for (let i = 0; i < n; i++) {
    if (i % CHECK_EVERY === 0 && slicer.due()) await slicer.yield()
    const inStart = starts[i] as number
    const inCount = (starts[i + 1] as number) - inStart
    const columns = scratch.subarray(0, k + inCount)
    columns.set(indices.subarray(i * k, i * k + k))
    columns.set(from.subarray(inStart, inStart + inCount), k)
    columns.sort()
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c] as number
      if (c > 0 && col === columns[c - 1]) continue
      const a = memberOf(knn, strengths, i, col)
      const b = memberOf(knn, strengths, col, i)
      const weight = a + b - a * b
      if (weight > largest) largest = weight
      rows[size] = i
      cols[size] = col
      weights[size] = weight
      size++
    }
  }
  // Weights below largest/epochs would be sampled less than once: umap-js sets them to 0 and drops
  // them (with the zeros of each row's own entry).
  const threshold = largest / epochs
  let kept = 0
  for (let e = 0; e < size; e++) {
    const weight = weights[e] as number
    if (weight < threshold || weight === 0) continue
    rows[kept] = rows[e] as number
    cols[kept] = cols[e] as number
    weights[kept] = weight
    kept++
  }
  return {
    n,
    size: kept,
    rows: rows.slice(0, kept),
    cols: cols.slice(0, kept),
    weights: weights.slice(0, kept),
  }
}
