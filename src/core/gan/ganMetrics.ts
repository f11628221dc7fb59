/** Sample-quality measures for GANs. Pure TypeScript. */
import { InvalidInputError } from '../errors'

/** Coverage of a ring of Gaussians by generated points (Metz et al., 2017; Srivastava et al., 2017). */
export interface ModeCoverage {
  /** Modes holding at least `minShare` of the samples within 3σ of their centre. */
  readonly modesCovered: number
  /** Share of samples within 3σ of some mode. */
  readonly highQualityShare: number
  /** Samples near each mode. */
  readonly perMode: readonly number[]
}

/** Counts modes covered by `points` (`[n, 2]` flat): a mode counts with ≥ `minShare` (1%) of samples within 3σ. */
export function modeCoverage(
  points: Float32Array,
  centres: Float32Array,
  sigma: number,
  minShare = 0.01,
): ModeCoverage {
  const n = points.length / 2
  const modes = centres.length / 2
  const perMode = new Array<number>(modes).fill(0)
  let near = 0
  const limit = (3 * sigma) ** 2
  for (let i = 0; i < n; i++) {
    const x = points[i * 2] as number
    const y = points[i * 2 + 1] as number
    let best = -1
    let bestDistance = Infinity
    for (let k = 0; k < modes; k++) {
      const d = (x - (centres[k * 2] as number)) ** 2 + (y - (centres[k * 2 + 1] as number)) ** 2
      if (d < bestDistance) {
        bestDistance = d
        best = k
      }
    }
    if (bestDistance <= limit && best >= 0) {
      perMode[best] = (perMode[best] as number) + 1
      near++
    }
  }
  return {
    modesCovered: perMode.filter((count) => count >= minShare * n).length,
    highQualityShare: n > 0 ? near / n : 0,
    perMode,
  }
}

/** Mean Euclidean distance between all pairs of rows of `rows` (`[n, d]` flat). */
export function meanPairwiseDistance(rows: Float32Array, d: number): number {
  const n = rows.length / d
  let total = 0
  let pairs = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sum = 0
      for (let k = 0; k < d; k++)
        sum += ((rows[i * d + k] as number) - (rows[j * d + k] as number)) ** 2
      total += Math.sqrt(sum)
      pairs++
    }
  }
  return pairs > 0 ? total / pairs : 0
}

/** Health signals computed from recent GAN history. */
export interface GANHealth {
  /** The discriminator separates real from fake almost perfectly (mean D loss of the last steps < 0.05). */
  readonly discriminatorWinning: boolean
  /** Latest sample diversity relative to the data's (1 ≈ as diverse as the data). */
  readonly diversity: number | undefined
  /**
   * Diversity fell below 0.25 of the data's and to under half its highest value in the history:
   * samples are collapsing onto few outputs. (An untrained generator starts with little diversity;
   * that is not a fall.)
   */
  readonly collapsing: boolean
}

/** Health of a GAN from its history points (newest last). */
export function ganHealth(
  history: readonly {
    readonly discriminatorLoss: number
    readonly diversity?: number | undefined
  }[],
  window = 20,
): GANHealth {
  const recent = history.slice(-window)
  const meanLoss =
    recent.length > 0
      ? recent.reduce((s, p) => s + p.discriminatorLoss, 0) / recent.length
      : Infinity
  let diversity: number | undefined
  let peak = 0
  for (const point of history) {
    if (point.diversity === undefined) continue
    diversity = point.diversity
    peak = Math.max(peak, point.diversity)
  }
  return {
    discriminatorWinning: recent.length >= Math.min(window, 5) && meanLoss < 0.05,
    diversity,
    collapsing: diversity !== undefined && diversity < 0.25 && diversity < 0.5 * peak,
  }
}

/** An extent `[xMin, xMax, yMin, yMax]` of the plane. */
export type PlaneBounds = readonly [xMin: number, xMax: number, yMin: number, yMax: number]

/** A square extent `[xMin, xMax, yMin, yMax]` around 2-D points (`[n, 2]` flat) with a 15% margin. */
export function planeExtent(points: Float32Array): PlaneBounds {
  let xMin = Infinity
  let xMax = -Infinity
  let yMin = Infinity
  let yMax = -Infinity
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] as number
    const y = points[i + 1] as number
    xMin = Math.min(xMin, x)
    xMax = Math.max(xMax, x)
    yMin = Math.min(yMin, y)
    yMax = Math.max(yMax, y)
  }
  const half = (Math.max(xMax - xMin, yMax - yMin, 1e-6) / 2) * 1.15
  const cx = (xMin + xMax) / 2
  const cy = (yMin + yMax) / 2
  return [cx - half, cx + half, cy - half, cy + half]
}

/**
 * A snapshot's recorded plane extent (`network.bounds`): four finite numbers, `xMin < xMax` and
 * `yMin < yMax`, for a model of 2-D data; `null` for any other. Else `INVALID_INPUT`.
 */
export function readPlaneBounds(value: unknown, twoDimensional: boolean): PlaneBounds | null {
  const valid = twoDimensional
    ? Array.isArray(value) &&
      value.length === 4 &&
      value.every(Number.isFinite) &&
      value[0] < value[1] &&
      value[2] < value[3]
    : value === null
  if (!valid) {
    throw new InvalidInputError(
      `snapshot network.bounds must be ${twoDimensional ? '[xMin, xMax, yMin, yMax] (finite, increasing) for 2-D data' : 'null for images'}; got ${JSON.stringify(value)}`,
      { field: 'network.bounds' },
    )
  }
  return value === null ? null : ([...(value as PlaneBounds)] as const)
}

/** Improved precision and recall of generated samples (Kynkäänniemi et al., 2019). */
export interface PrecisionRecall {
  /** Share of generated samples inside the real data's k-NN manifold (quality). */
  readonly precision: number
  /** Share of real samples inside the generated samples' k-NN manifold (coverage). */
  readonly recall: number
}

function squaredDistances(a: Float32Array, b: Float32Array, d: number): Float64Array {
  const n = a.length / d
  const m = b.length / d
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0
      for (let k = 0; k < d; k++) sum += ((a[i * d + k] as number) - (b[j * d + k] as number)) ** 2
      out[i * m + j] = sum
    }
  }
  return out
}

/** Squared distance of each row to its k-th nearest other row. */
function kthNeighbourRadii(within: Float64Array, n: number, k: number): Float64Array {
  const radii = new Float64Array(n)
  const row = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    row.set(within.subarray(i * n, (i + 1) * n))
    row.sort()
    // row[0] is the point itself (distance 0).
    radii[i] = row[Math.min(k, n - 1)] as number
  }
  return radii
}

function coveredShare(
  cross: Float64Array,
  radii: Float64Array,
  queries: number,
  refs: number,
): number {
  let inside = 0
  for (let q = 0; q < queries; q++) {
    for (let r = 0; r < refs; r++) {
      if ((cross[q * refs + r] as number) <= (radii[r] as number)) {
        inside++
        break
      }
    }
  }
  return queries > 0 ? inside / queries : 0
}

/**
 * Precision and recall of `fake` against `real` (both `[n, d]` flat) with k-nearest-neighbour
 * manifolds (default k = 3, as in the paper). Exact, O(n²·d): meant for a few thousand samples.
 */
export function precisionRecall(
  real: Float32Array,
  fake: Float32Array,
  d: number,
  k = 3,
): PrecisionRecall {
  const nReal = real.length / d
  const nFake = fake.length / d
  const realRadii = kthNeighbourRadii(squaredDistances(real, real, d), nReal, k)
  const fakeRadii = kthNeighbourRadii(squaredDistances(fake, fake, d), nFake, k)
  const fakeToReal = squaredDistances(fake, real, d)
  const realToFake = squaredDistances(real, fake, d)
  return {
    precision: coveredShare(fakeToReal, realRadii, nFake, nReal),
    recall: coveredShare(realToFake, fakeRadii, nReal, nFake),
  }
}
