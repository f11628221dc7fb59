/**
 * What a scatter plot says in words and colours: clusters of a labelling (sizes, centres), how well
 * they separate on the 2-D map, the text summary screen readers hear, and categorical colours.
 * No DOM.
 */
import { interpolateSinebow, schemeTableau10 } from 'd3-scale-chromatic'

/** One cluster (a label value) of a scatter plot. */
export interface ScatterCluster {
  /** The label value. */
  readonly label: number
  /** Points with this label. */
  readonly size: number
  /** Mean x of its points on the map. */
  readonly x: number
  /** Mean y of its points on the map. */
  readonly y: number
}

/** The clusters of a labelling and how well they separate on the map. */
export interface ScatterClusters {
  /** Clusters by increasing label. */
  readonly clusters: readonly ScatterCluster[]
  /**
   * Between-cluster over within-cluster sum of squares on the map (Σₖ nₖ‖cₖ − c‖² / Σᵢ ‖xᵢ −
   * c₍ₖᵢ₎‖²): 0 when the clusters sit on top of each other, large when they are tight and far apart.
   * `undefined` with fewer than 2 clusters or no spread within them.
   */
  readonly separation: number | undefined
}

/**
 * Clusters of `labels` (one integer per point; non-integers and points past `labels`' end are left
 * out) over `points` (`[x, y]` pairs), and their separation. O(n).
 */
export function scatterClusters(
  points: Float32Array,
  labels: ArrayLike<number> | undefined,
): ScatterClusters {
  const count = Math.floor(points.length / 2)
  if (!labels) return { clusters: [], separation: undefined }
  const sums = new Map<number, { n: number; x: number; y: number }>()
  let totalX = 0
  let totalY = 0
  let total = 0
  for (let i = 0; i < Math.min(count, labels.length); i++) {
    const label = labels[i] as number
    const x = points[2 * i] as number
    const y = points[2 * i + 1] as number
    if (!Number.isInteger(label) || !Number.isFinite(x) || !Number.isFinite(y)) continue
    const entry = sums.get(label) ?? { n: 0, x: 0, y: 0 }
    entry.n += 1
    entry.x += x
    entry.y += y
    sums.set(label, entry)
    totalX += x
    totalY += y
    total += 1
  }
  const clusters = [...sums.entries()]
    .sort(([a], [b]) => a - b)
    .map(([label, { n, x, y }]) => ({ label, size: n, x: x / n, y: y / n }))
  if (clusters.length < 2) return { clusters, separation: undefined }
  const centre = new Map(clusters.map((c) => [c.label, c]))
  let within = 0
  for (let i = 0; i < Math.min(count, labels.length); i++) {
    const cluster = centre.get(labels[i] as number)
    const x = points[2 * i] as number
    const y = points[2 * i + 1] as number
    if (!cluster || !Number.isFinite(x) || !Number.isFinite(y)) continue
    within += (x - cluster.x) ** 2 + (y - cluster.y) ** 2
  }
  const meanX = totalX / total
  const meanY = totalY / total
  const between = clusters.reduce(
    (s, c) => s + c.size * ((c.x - meanX) ** 2 + (c.y - meanY) ** 2),
    0,
  )
  return { clusters, separation: within > 0 ? between / within : undefined }
}

/** The text summary of a scatter plot, for screen readers and the caption. */
export function scatterSummaryText(
  count: number,
  summary: ScatterClusters,
  names: (label: number) => string,
): string {
  const points = `${count.toLocaleString('en')} point${count === 1 ? '' : 's'}`
  if (summary.clusters.length === 0) return `Scatter plot of ${points}.`
  const separation =
    summary.separation === undefined
      ? ''
      : `; separation (between/within spread) ${summary.separation.toFixed(2)}`
  const largest = [...summary.clusters].sort((a, b) => b.size - a.size)[0] as ScatterCluster
  return `Scatter plot of ${points} in ${summary.clusters.length} clusters${separation}; the largest is ${names(largest.label)} with ${largest.size.toLocaleString('en')} points.`
}

/** What a screen reader hears when cluster `index` of `summary` gets the keyboard focus. */
export function clusterAnnouncement(
  summary: ScatterClusters,
  index: number,
  names: (label: number) => string,
): string {
  const cluster = summary.clusters[index]
  if (!cluster) return ''
  return `${names(cluster.label)}: ${cluster.size.toLocaleString('en')} points, centred at (${cluster.x.toFixed(2)}, ${cluster.y.toFixed(2)}); cluster ${index + 1} of ${summary.clusters.length}.`
}

/**
 * `count` distinct categorical colours: Tableau's 10 (d3-scale-chromatic) up to 10, else evenly
 * spaced hues of the sinebow.
 */
export function categoricalColors(count: number): string[] {
  if (count <= schemeTableau10.length) return schemeTableau10.slice(0, Math.max(count, 0))
  return Array.from({ length: count }, (_, i) => interpolateSinebow(i / count))
}
