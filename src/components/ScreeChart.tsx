'use client'
import { useId, useMemo, type HTMLAttributes } from 'react'
import { ChartFrame } from './chartFrame'
import { classNames } from './composeProps'
import { SCREE_MARGIN, screeBars, screeSummary, screeY } from './screeGeometry'

/** What a scree chart shows: explained-variance ratios, largest first (e.g. `usePCA().components`). */
export interface ScreeSource {
  /** Fraction of the total variance along each component. */
  readonly explainedVarianceRatio: ArrayLike<number>
}

/** Props of {@link ScreeChart}. Other attributes (`style`, `id`, handlers, …) pass through to the `<figure>`. */
export interface ScreeChartProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The fitted PCA's view (e.g. `usePCA().components`); empty axes while undefined. */
  source: ScreeSource | undefined
  /** Draw the cumulative explained variance as a line over the bars. Default `true`. */
  cumulative?: boolean
  /** Highlight the first `highlight` bars (e.g. the components a reconstruction uses). Default none. */
  highlight?: number
  /** Width of the plot in CSS pixels. Default `480`. */
  width?: number
  /** Height of the plot in CSS pixels. Default `200`. */
  height?: number
  /** Visible title above the chart. Default `'Explained variance'`. */
  title?: string
  /** Accessible name of the chart. Default: `title`. */
  label?: string
  /** Show the text summary under the chart (it is always available to screen readers). Default `true`. */
  showSummary?: boolean
}

const BAR = 'var(--lk-series-1, #2563eb)'
const BAR_MUTED = 'var(--lk-muted, #cbd5e1)'
const LINE = 'var(--lk-series-2, #16a34a)'

/**
 * A scree chart: one bar per principal component (its fraction of the variance) and the cumulative
 * fraction as a line, as SVG with an accessible text summary. Renders on the server too.
 */
export function ScreeChart({
  source,
  cumulative = true,
  highlight,
  width = 480,
  height = 200,
  title = 'Explained variance',
  label,
  showSummary = true,
  className,
  ...figureProps
}: ScreeChartProps) {
  const summaryId = useId()
  const ratios = useMemo(
    () => Array.from(source?.explainedVarianceRatio ?? []),
    [source?.explainedVarianceRatio],
  )
  const axisMax = cumulative ? 1 : Math.max(...ratios, 1e-12)
  const bars = screeBars(ratios, width, height, axisMax)
  const summary = screeSummary(ratios)
  const bottom = height - SCREE_MARGIN.bottom
  const line = bars
    .map(
      (b) =>
        `${(b.x + b.width / 2).toFixed(1)},${screeY(b.cumulative, height, axisMax).toFixed(1)}`,
    )
    .join(' ')
  return (
    <figure {...figureProps} className={classNames('lk-scree-chart', className)}>
      <figcaption className="lk-scree-chart__title">{title}</figcaption>
      <ChartFrame
        block="lk-scree-chart"
        width={width}
        height={height}
        margin={SCREE_MARGIN}
        isEmpty={false}
        svgProps={{ 'aria-label': label ?? title, 'aria-describedby': summaryId }}
      >
        <text
          x={SCREE_MARGIN.left - 4}
          y={SCREE_MARGIN.top + 4}
          textAnchor="end"
          fontSize={10}
          fill="currentColor"
        >
          {`${Math.round(axisMax * 1000) / 10} %`}
        </text>
        <text
          x={SCREE_MARGIN.left - 4}
          y={bottom}
          textAnchor="end"
          fontSize={10}
          fill="currentColor"
        >
          0
        </text>
        {bars.length > 0 ? (
          <>
            <text x={SCREE_MARGIN.left} y={height - 6} fontSize={10} fill="currentColor">
              component 1
            </text>
            <text
              x={width - SCREE_MARGIN.right}
              y={height - 6}
              textAnchor="end"
              fontSize={10}
              fill="currentColor"
            >
              {bars.length}
            </text>
          </>
        ) : null}
        {bars.map((b) => (
          <rect
            key={b.component}
            className="lk-scree-chart__bar"
            x={b.x}
            y={b.y}
            width={b.width}
            height={b.height}
            fill={highlight === undefined || b.component <= highlight ? BAR : BAR_MUTED}
          >
            <title>{`component ${b.component}: ${(100 * b.ratio).toFixed(2)} % (cumulative ${(100 * b.cumulative).toFixed(1)} %)`}</title>
          </rect>
        ))}
        {cumulative && bars.length > 0 ? (
          <polyline
            className="lk-scree-chart__cumulative"
            points={line}
            fill="none"
            strokeWidth={1.5}
            stroke={LINE}
          />
        ) : null}
      </ChartFrame>
      <p
        id={summaryId}
        className="lk-scree-chart__summary"
        style={showSummary ? { fontSize: 12, margin: '4px 0 0' } : HIDDEN}
      >
        {summary}
      </p>
    </figure>
  )
}

/** Visually hidden, still read by screen readers. */
const HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const
