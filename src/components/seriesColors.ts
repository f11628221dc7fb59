/** The colours of chart lines: the theme's `--lk-series-N`, else a built-in palette. */

/** Built-in line colours, in order (used when the theme sets no `--lk-series-N`). */
export const SERIES_COLORS: readonly string[] = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
  '#4b5563',
  '#65a30d',
]

/** The colour of line `index` (from 0): `var(--lk-series-{index + 1}, <built-in>)`. */
export function seriesColorAt(index: number): string {
  return `var(--lk-series-${index + 1}, ${SERIES_COLORS[index % SERIES_COLORS.length]})`
}
