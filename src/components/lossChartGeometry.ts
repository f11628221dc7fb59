/** Pure geometry and wording of the loss chart. No DOM. */

/** A point of training history: a step number and named numeric values (e.g. `VAEHistoryPoint`). */
export interface HistoryPointLike {
  readonly step: number
}

/** The value named `key` of a history point, if it is a number. */
export function valueAt(point: HistoryPointLike, key: string): number | undefined {
  const value = (point as unknown as Record<string, unknown>)[key]
  return typeof value === 'number' ? value : undefined
}

/** One line of the chart. */
export interface LossSeries {
  /** Key of the value in each history point. */
  readonly key: string
  /** Name shown in the legend and the summary. */
  readonly label: string
  /** Stroke colour; default: `var(--lk-series-N)` with a fallback. */
  readonly color?: string
}

/** A family's chart defaults, as a model hook's `history` carries them (see `TrainingHistory`). */
export interface LossChartDefaults {
  readonly series: readonly LossSeries[]
  readonly unit: string
  readonly title?: string
}

/** A history, possibly tagged with its family's chart defaults. */
export type LossChartHistory<Point extends HistoryPointLike = HistoryPointLike> =
  readonly Point[] & {
    readonly chart?: LossChartDefaults
  }

const POSITION_KEYS = new Set(['step', 'epoch'])

/**
 * The lines, unit and title to draw `history` with when the caller gives none: its family's (a hook's
 * history carries them), else every numeric value of its latest point.
 */
export function chartDefaults(history: LossChartHistory): Required<LossChartDefaults> {
  if (history.chart) return { title: 'Training loss', ...history.chart }
  const last = history[history.length - 1]
  const keys = last
    ? Object.keys(last).filter((key) => !POSITION_KEYS.has(key) && valueAt(last, key) !== undefined)
    : []
  return { series: keys.map((key) => ({ key, label: key })), unit: '', title: 'Training loss' }
}

/** Keeps at most `maxPoints` points, evenly spaced, always including the last. */
export function downsample<T>(points: readonly T[], maxPoints: number): readonly T[] {
  if (points.length <= maxPoints || maxPoints < 2) return points
  const out: T[] = []
  const stride = (points.length - 1) / (maxPoints - 1)
  for (let i = 0; i < maxPoints; i++) out.push(points[Math.round(i * stride)] as T)
  return out
}

/** Smallest and largest finite value over the given series (log scale ignores values ≤ 0). */
export function valueRange(
  points: readonly HistoryPointLike[],
  keys: readonly string[],
  logScale: boolean,
): { min: number; max: number } | undefined {
  let min = Infinity
  let max = -Infinity
  for (const point of points) {
    for (const key of keys) {
      const value = valueAt(point, key)
      if (value === undefined || !Number.isFinite(value) || (logScale && value <= 0)) continue
      if (value < min) min = value
      if (value > max) max = value
    }
  }
  if (min > max) return undefined
  if (min === max) return { min: min - 1, max: max + 1 }
  return { min, max }
}

/** Formats a loss value with 3 significant digits. */
export function formatValue(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(3)
}

/**
 * An accessible one-paragraph summary: the latest values, and how the first series moved since the
 * first step.
 */
export function summarise(
  points: readonly HistoryPointLike[],
  series: readonly LossSeries[],
  unit: string,
): string {
  const first = points[0]
  const last = points[points.length - 1]
  if (!first || !last) return 'No training steps yet.'
  const values = series
    .filter((s) => Number.isFinite(valueAt(last, s.key)))
    .map((s) => `${s.label} ${formatValue(valueAt(last, s.key) as number)}`)
    .join(', ')
  const lead = series[0]
  let trend = ''
  const start = lead ? valueAt(first, lead.key) : undefined
  const end = lead ? valueAt(last, lead.key) : undefined
  if (
    lead &&
    start !== undefined &&
    end !== undefined &&
    Number.isFinite(start) &&
    Number.isFinite(end) &&
    points.length > 1
  ) {
    const change = start !== 0 ? ((end - start) / Math.abs(start)) * 100 : 0
    const direction = change < 0 ? 'down' : 'up'
    trend = `; ${lead.label} ${direction} ${Math.abs(change).toFixed(0)}% from ${formatValue(start)} at step ${first.step}`
  }
  return `After step ${last.step}: ${values}${unit ? ` ${unit}` : ''}${trend}.`
}
