/** Geometry and text of a scree chart (explained variance per component). Pure TypeScript. */

/** One bar of a scree chart. */
export interface ScreeBar {
  /** Component number, from 1. */
  readonly component: number
  /** Its fraction of the total variance. */
  readonly ratio: number
  /** Fraction explained by it and every component before it. */
  readonly cumulative: number
  /** The bar's rectangle in the SVG, in CSS pixels. */
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** Space around the plot, in CSS pixels. */
export const SCREE_MARGIN = { top: 8, right: 12, bottom: 24, left: 40 } as const

/**
 * The bars of `ratios` (fractions of the total variance, largest first) in a plot of `width` ×
 * `height`, on an axis from 0 to `axisMax` (1 when the cumulative line is drawn, else the largest
 * ratio).
 */
export function screeBars(
  ratios: ArrayLike<number>,
  width: number,
  height: number,
  axisMax: number,
): ScreeBar[] {
  const plotWidth = width - SCREE_MARGIN.left - SCREE_MARGIN.right
  const plotHeight = height - SCREE_MARGIN.top - SCREE_MARGIN.bottom
  const slot = ratios.length > 0 ? plotWidth / ratios.length : 0
  const bars: ScreeBar[] = []
  let cumulative = 0
  for (let i = 0; i < ratios.length; i++) {
    const ratio = Math.max(0, ratios[i] as number)
    cumulative += ratio
    const barHeight = axisMax > 0 ? (Math.min(ratio, axisMax) / axisMax) * plotHeight : 0
    bars.push({
      component: i + 1,
      ratio,
      cumulative,
      x: SCREE_MARGIN.left + i * slot + slot * 0.1,
      y: SCREE_MARGIN.top + plotHeight - barHeight,
      width: Math.max(slot * 0.8, 0.5),
      height: barHeight,
    })
  }
  return bars
}

/** The y coordinate of `value` on an axis from 0 to `axisMax` in a plot of `height`. */
export function screeY(value: number, height: number, axisMax: number): number {
  const plotHeight = height - SCREE_MARGIN.top - SCREE_MARGIN.bottom
  return (
    SCREE_MARGIN.top + plotHeight * (1 - (axisMax > 0 ? Math.min(value, axisMax) / axisMax : 0))
  )
}

/** How many leading components explain at least `fraction` of the variance (`undefined` if none do). */
export function componentsFor(ratios: ArrayLike<number>, fraction: number): number | undefined {
  let sum = 0
  for (let i = 0; i < ratios.length; i++) {
    sum += ratios[i] as number
    if (sum >= fraction - 1e-9) return i + 1
  }
  return undefined
}

const percent = (value: number): string => `${(100 * value).toFixed(1)} %`

/** A sentence for screen readers and the caption: what the first components explain. */
export function screeSummary(ratios: ArrayLike<number>): string {
  if (ratios.length === 0) return 'No components yet.'
  let total = 0
  for (let i = 0; i < ratios.length; i++) total += ratios[i] as number
  const first = ratios[0] as number
  const half = componentsFor(ratios, 0.5)
  const most = componentsFor(ratios, 0.9)
  const count = (n: number): string => `${n} component${n === 1 ? '' : 's'}`
  return (
    `${count(ratios.length)} explain ${percent(total)} of the variance; the first ${percent(first)}` +
    (half ? `; 50 % with ${count(half)}` : '') +
    (most ? `, 90 % with ${most}` : '') +
    '.'
  )
}
