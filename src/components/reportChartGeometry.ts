/**
 * Geometry and text of the few-labels report's chart and table, pure: where each column of labels
 * per class sits on a log-ish axis, the accuracy range, each line's points and spread band, and
 * each cell's text.
 */
import type { LabelsPerClass, ReportCell, ReportRow } from '../core/report/reportOptions'

/** How a cell's spread is drawn: ± its standard error, or its draws' lowest and highest. */
export type ReportSpread = 'standardError' | 'range'

/** A column's heading: `'1'`, `'50'`, `'all'`. */
export function columnLabel(column: LabelsPerClass): string {
  return column === 'all' ? 'all' : String(column)
}

/**
 * Horizontal position of each column in [0, 1]: counts on a log scale, `'all'` one average step
 * beyond the largest count (or alone in the middle). Columns keep their order.
 */
export function columnPositions(columns: readonly LabelsPerClass[]): number[] {
  const counts = columns.filter((c): c is number => c !== 'all')
  if (columns.length === 1) return [0.5]
  const logs = counts.map((c) => Math.log(c))
  const low = Math.min(...logs)
  const high = Math.max(...logs)
  const distinct = new Set(counts).size
  const step = distinct > 1 ? (high - low) / (distinct - 1) : 1
  const allAt = counts.length > 0 ? high + step : 0
  const end = counts.length > 0 ? allAt : 1
  const positions = columns.map((c) => (c === 'all' ? allAt : Math.log(c)))
  const start = counts.length > 0 ? low : 0
  return positions.map((p) => (end > start ? (p - start) / (end - start) : 0.5))
}

/** Lower and upper edge of a cell's spread. */
export function spreadOf(cell: ReportCell, spread: ReportSpread): [number, number] {
  return spread === 'range'
    ? [cell.min, cell.max]
    : [cell.mean - cell.standardError, cell.mean + cell.standardError]
}

/**
 * The accuracy axis: from the lowest spread edge rounded down to a tenth (at most 0.9, at least 0)
 * up to 1.
 */
export function accuracyRange(
  rows: readonly ReportRow[],
  spread: ReportSpread,
): { min: number; max: number } {
  let lowest = 1
  for (const row of rows) {
    for (const cell of row.cells) lowest = Math.min(lowest, spreadOf(cell, spread)[0])
  }
  return { min: Math.max(0, Math.min(0.9, Math.floor(lowest * 10) / 10)), max: 1 }
}

/** A row's cells by column (a column not measured yet has none). */
export function cellsByColumn(
  row: ReportRow,
  columns: readonly LabelsPerClass[],
): (ReportCell | undefined)[] {
  return columns.map((column) => row.cells.find((c) => c.labelsPerClass === column))
}

/** A cell's text: `'0.873 ± 0.012'` (standard error) or `'0.873 (0.851–0.890)'` (range). */
export function cellText(cell: ReportCell, spread: ReportSpread): string {
  const mean = cell.mean.toFixed(3)
  if (cell.accuracies.length < 2) return mean
  return spread === 'range'
    ? `${mean} (${cell.min.toFixed(3)}–${cell.max.toFixed(3)})`
    : `${mean} ± ${cell.standardError.toFixed(3)}`
}

/** The SVG `points` of a line through `(x, y)` pairs. */
export function polylinePoints(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')
}

/** The SVG `points` of a band: along the upper edge, back along the lower one. */
export function bandPoints(
  upper: readonly (readonly [number, number])[],
  lower: readonly (readonly [number, number])[],
): string {
  return polylinePoints([...upper, ...[...lower].reverse()])
}
