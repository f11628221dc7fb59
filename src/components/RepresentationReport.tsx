'use client'
import { useId, type HTMLAttributes, type ReactNode } from 'react'
import {
  DEFAULT_LABELS_PER_CLASS,
  type LabelsPerClass,
  type ReportRow,
} from '../core/report/reportOptions'
import { ChartFrame, ChartLegend } from './chartFrame'
import { classNames } from './composeProps'
import {
  accuracyRange,
  bandPoints,
  cellText,
  cellsByColumn,
  columnLabel,
  columnPositions,
  polylinePoints,
  spreadOf,
  type ReportSpread,
} from './reportChartGeometry'
import { seriesColorAt } from './seriesColors'

/**
 * Props of {@link RepresentationReport}. Other attributes (`style`, `id`, handlers, …) pass through
 * to the `<figure>`.
 */
export interface RepresentationReportProps extends HTMLAttributes<HTMLElement> {
  /** One row per encoder (e.g. `useRepresentationReport().rows`; a row may hold only its first cells). */
  rows: readonly ReportRow[]
  /** The columns. Default: those of the rows' cells in their order, else `[1, 5, 10, 50, 'all']`. */
  labelsPerClass?: readonly LabelsPerClass[]
  /** The spread drawn and written: `'standardError'` (mean ± standard error, default) or `'range'` (the draws' lowest to highest). */
  spread?: ReportSpread
  /** Line colours by row. Default: the theme's `--lk-series-N`, else a built-in palette. */
  colors?: readonly string[]
  /** Width of the plot in CSS pixels. Default `480`. */
  width?: number
  /** Height of the plot in CSS pixels. Default `240`. */
  height?: number
  /** Visible title, also the table's caption. Default `'Linear-probe accuracy with few labels'`. */
  title?: string
  /** Show the table beneath the chart (a real `<table>`). Default `true`. */
  showTable?: boolean
  /** Rendered in place of the plot, at its size, while there are no rows. Default: empty axes. */
  renderEmpty?: () => ReactNode
}

const MARGIN = { top: 10, right: 16, bottom: 34, left: 44 }

/** The columns the rows hold, in the order they first appear. */
function columnsOf(rows: readonly ReportRow[]): LabelsPerClass[] {
  const seen: LabelsPerClass[] = []
  for (const row of rows) {
    for (const cell of row.cells) {
      if (!seen.includes(cell.labelsPerClass)) seen.push(cell.labelsPerClass)
    }
  }
  return seen
}

/**
 * The few-labels report: held-out accuracy of a linear probe against labels per class (log-ish
 * axis: 1, 5, 10, 50, all), one line per encoder with its spread as a band, a legend, and the table
 * beneath it. SVG and a real `<table>`: renders on the server too.
 */
export function RepresentationReport({
  rows,
  labelsPerClass,
  spread = 'standardError',
  colors,
  width = 480,
  height = 240,
  title = 'Linear-probe accuracy with few labels',
  showTable = true,
  renderEmpty,
  className,
  ...figureProps
}: RepresentationReportProps) {
  const titleId = useId()
  const found = columnsOf(rows)
  const columns = labelsPerClass ?? (found.length > 0 ? found : DEFAULT_LABELS_PER_CLASS)
  const positions = columnPositions(columns)
  const range = accuracyRange(rows, spread)
  const plotWidth = width - MARGIN.left - MARGIN.right
  const plotHeight = height - MARGIN.top - MARGIN.bottom
  const x = (i: number): number => MARGIN.left + (positions[i] ?? 0) * plotWidth
  const y = (accuracy: number): number =>
    MARGIN.top + plotHeight * (1 - (accuracy - range.min) / (range.max - range.min))
  const colorOf = (i: number): string => colors?.[i] ?? seriesColorAt(i)
  const ticks = [range.min, (range.min + range.max) / 2, range.max]
  const spreadName = spread === 'range' ? 'lowest–highest of the draws' : 'mean ± standard error'

  const plot = (
    <ChartFrame
      block="lk-report"
      width={width}
      height={height}
      margin={MARGIN}
      isEmpty={rows.length === 0}
      renderEmpty={renderEmpty}
      svgProps={{ 'aria-labelledby': titleId }}
    >
      {ticks.map((tick) => (
        <text
          key={tick}
          x={MARGIN.left - 4}
          y={y(tick) + 3}
          textAnchor="end"
          fontSize={10}
          fill="currentColor"
        >
          {tick.toFixed(2)}
        </text>
      ))}
      {columns.map((column, i) => (
        <text
          key={columnLabel(column)}
          x={x(i)}
          y={MARGIN.top + plotHeight + 14}
          textAnchor="middle"
          fontSize={10}
          fill="currentColor"
        >
          {columnLabel(column)}
        </text>
      ))}
      <text
        x={MARGIN.left + plotWidth / 2}
        y={height - 4}
        textAnchor="middle"
        fontSize={10}
        fill="currentColor"
      >
        labels per class
      </text>
      {rows.map((row, r) => {
        const cells = cellsByColumn(row, columns)
        const measured = cells.flatMap((cell, i) => (cell ? [{ cell, i }] : []))
        const color = colorOf(r)
        const middle = measured.map(({ cell, i }) => [x(i), y(cell.mean)] as const)
        const upper = measured.map(({ cell, i }) => [x(i), y(spreadOf(cell, spread)[1])] as const)
        const lower = measured.map(({ cell, i }) => [x(i), y(spreadOf(cell, spread)[0])] as const)
        return (
          <g key={row.encoder} className="lk-report__series" data-encoder={row.encoder}>
            <polygon
              className="lk-report__band"
              points={bandPoints(upper, lower)}
              fill={color}
              fillOpacity={0.15}
              stroke="none"
            />
            <polyline
              className="lk-report__line"
              points={polylinePoints(middle)}
              fill="none"
              strokeWidth={1.75}
              stroke={color}
            />
            {middle.map(([cx, cy], k) => (
              <circle key={k} cx={cx} cy={cy} r={2.5} fill={color} />
            ))}
          </g>
        )
      })}
    </ChartFrame>
  )

  return (
    <figure {...figureProps} className={classNames('lk-report', className)}>
      <figcaption id={titleId} className="lk-report__title">
        {title}
      </figcaption>
      {plot}
      <ChartLegend
        block="lk-report"
        items={rows.map((row, r) => ({ key: row.encoder, label: row.encoder, color: colorOf(r) }))}
      />
      {showTable ? (
        <table className="lk-report__table" style={{ fontSize: 12, borderCollapse: 'collapse' }}>
          <caption style={{ textAlign: 'left', fontSize: 12 }}>
            {title}: held-out accuracy by labels per class ({spreadName})
          </caption>
          <thead>
            <tr>
              <th scope="col" style={{ textAlign: 'left' }}>
                encoder
              </th>
              <th scope="col">features</th>
              {columns.map((column) => (
                <th scope="col" key={columnLabel(column)}>
                  {column === 'all' ? 'all labels' : `${column} per class`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.encoder}>
                <th scope="row" style={{ textAlign: 'left', fontWeight: 'normal' }}>
                  {row.encoder}
                </th>
                <td style={{ textAlign: 'right', padding: '0 8px' }}>{row.featureSize}</td>
                {cellsByColumn(row, columns).map((cell, i) => (
                  <td
                    key={columnLabel(columns[i] as LabelsPerClass)}
                    style={{ textAlign: 'right', padding: '0 8px' }}
                  >
                    {cell ? (
                      cellText(cell, spread)
                    ) : (
                      <span title="not measured yet" aria-label="not measured yet">
                        …
                      </span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </figure>
  )
}
