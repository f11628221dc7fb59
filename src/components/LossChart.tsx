'use client'
import { useId, useMemo, type HTMLAttributes, type ReactNode } from 'react'
import { ChartFrame, ChartLegend } from './chartFrame'
import { classNames } from './composeProps'
import { seriesColorAt } from './seriesColors'
import {
  chartDefaults,
  downsample,
  formatValue,
  summarise,
  valueRange,
  valueAt,
  type HistoryPointLike,
  type LossChartHistory,
  type LossSeries,
} from './lossChartGeometry'
import { describePhases, phaseStarts } from './lossChartPhases'

/** Props of {@link LossChart}. Other attributes (`style`, `id`, handlers, …) pass through to the `<figure>`. */
export interface LossChartProps<
  Point extends HistoryPointLike = HistoryPointLike,
> extends HTMLAttributes<HTMLElement> {
  /**
   * Training history, oldest first (e.g. `useVAE().history`). A hook's history carries its family's
   * lines, unit and title, used when the props below are not given.
   */
  history: LossChartHistory<Point>
  /**
   * Lines to draw. Default: the family's (a VAE: loss, reconstruction and KL; a GAN: generator and
   * discriminator; sparse coding: the lasso objective; …), or every numeric value of a plain history.
   */
  series?: readonly LossSeries[]
  /** Width of the plot in CSS pixels. Default `480`. */
  width?: number
  /** Height of the plot in CSS pixels. Default `220`. */
  height?: number
  /** Logarithmic value axis. Default `false`. */
  logScale?: boolean
  /** Most points drawn per line (the history is evenly thinned beyond it). Default `400`. */
  maxPoints?: number
  /** Visible title above the chart (not the HTML `title` tooltip). Default: the family's, else `'Training loss'`. */
  title?: string
  /** Accessible name of the chart. Default: `title`. */
  label?: string
  /** Unit of the values, used in the summary. Default: the family's (a VAE: `'nats per image'`), else none. */
  unit?: string
  /** Show the text summary under the chart (it is always available to screen readers). Default `true`. */
  showSummary?: boolean
  /**
   * Mark where the history's `phase` changes (DEC's pretraining and refinement, a stacked
   * autoencoder's `'layer 1'`, `'layer 2'`, …, `'fine-tune'`): a dashed line and the phase's name at
   * its first step, and the phases in words under the chart. Default `true` (nothing is drawn for a
   * history without phases).
   */
  showPhases?: boolean
  /** Rendered in place of the plot, at its size, while the history is empty. Default: empty axes (the summary says "No training steps yet."). */
  renderEmpty?: () => ReactNode
}

/** The series' own colour, else the theme's `--lk-series-N`, else a built-in one. */
function seriesColor(series: LossSeries, index: number): string {
  return series.color ?? seriesColorAt(index)
}

const MARGIN = { top: 8, right: 12, bottom: 24, left: 48 }

/** Live training curves as SVG, with an accessible text summary. Renders on the server too. */
export function LossChart<Point extends HistoryPointLike>({
  history,
  series: seriesProp,
  width = 480,
  height = 220,
  logScale = false,
  maxPoints = 400,
  title: titleProp,
  label: labelProp,
  unit: unitProp,
  showSummary = true,
  showPhases = true,
  renderEmpty,
  className,
  ...figureProps
}: LossChartProps<Point>) {
  const defaults = chartDefaults(history)
  const series = seriesProp ?? defaults.series
  const title = titleProp ?? defaults.title
  const label = labelProp ?? title
  const unit = unitProp ?? defaults.unit
  const summaryId = useId()
  const points = useMemo(() => downsample(history, maxPoints), [history, maxPoints])
  const keys = series.map((s) => s.key)
  const range = valueRange(points, keys, logScale)
  const summary = summarise(history, series, unit)
  const phases = useMemo(() => (showPhases ? phaseStarts(history) : []), [history, showPhases])
  const plotWidth = width - MARGIN.left - MARGIN.right
  const plotHeight = height - MARGIN.top - MARGIN.bottom
  const firstStep = points[0]?.step ?? 0
  const lastStep = points[points.length - 1]?.step ?? 1
  const scaleValue = (value: number): number => {
    if (!range) return 0
    const f = logScale
      ? (Math.log(value) - Math.log(range.min)) / (Math.log(range.max) - Math.log(range.min))
      : (value - range.min) / (range.max - range.min)
    return MARGIN.top + plotHeight * (1 - f)
  }
  const scaleStep = (step: number): number =>
    MARGIN.left +
    (lastStep > firstStep ? ((step - firstStep) / (lastStep - firstStep)) * plotWidth : 0)

  const plot = (
    <ChartFrame
      block="lk-loss-chart"
      width={width}
      height={height}
      margin={MARGIN}
      isEmpty={points.length === 0}
      renderEmpty={renderEmpty}
      svgProps={{ 'aria-label': label, 'aria-describedby': summaryId }}
    >
      {range ? (
        <>
          <text
            x={MARGIN.left - 4}
            y={MARGIN.top + 4}
            textAnchor="end"
            fontSize={10}
            fill="currentColor"
          >
            {formatValue(range.max)}
          </text>
          <text
            x={MARGIN.left - 4}
            y={MARGIN.top + plotHeight}
            textAnchor="end"
            fontSize={10}
            fill="currentColor"
          >
            {formatValue(range.min)}
          </text>
          <text x={MARGIN.left} y={height - 6} fontSize={10} fill="currentColor">
            step {firstStep}
          </text>
          <text
            x={MARGIN.left + plotWidth}
            y={height - 6}
            textAnchor="end"
            fontSize={10}
            fill="currentColor"
          >
            step {lastStep}
          </text>
        </>
      ) : null}
      {phases.map(({ phase, step }) => (
        <g key={`${phase}@${step}`} className="lk-loss-chart__phase">
          <line
            x1={scaleStep(step)}
            x2={scaleStep(step)}
            y1={MARGIN.top}
            y2={MARGIN.top + plotHeight}
            stroke="var(--lk-phase, #9ca3af)"
            strokeDasharray="3 3"
          />
          <text x={scaleStep(step) + 3} y={MARGIN.top + 10} fontSize={10} fill="currentColor">
            {phase}
          </text>
        </g>
      ))}
      {range
        ? series.map((s, i) => {
            const path = points
              .filter((p) => {
                const v = valueAt(p, s.key)
                return v !== undefined && Number.isFinite(v) && (!logScale || v > 0)
              })
              .map(
                (p) =>
                  `${scaleStep(p.step).toFixed(1)},${scaleValue(valueAt(p, s.key) as number).toFixed(1)}`,
              )
              .join(' ')
            return (
              <polyline
                key={s.key}
                className={`lk-loss-chart__line lk-loss-chart__line--${s.key}`}
                points={path}
                fill="none"
                strokeWidth={1.5}
                stroke={seriesColor(s, i)}
              />
            )
          })
        : null}
    </ChartFrame>
  )

  return (
    <figure {...figureProps} className={classNames('lk-loss-chart', className)}>
      <figcaption className="lk-loss-chart__title">{title}</figcaption>
      {plot}
      <ChartLegend
        block="lk-loss-chart"
        items={series.map((s, i) => ({ key: s.key, label: s.label, color: seriesColor(s, i) }))}
      />
      <p
        id={summaryId}
        className="lk-loss-chart__summary"
        style={
          showSummary
            ? { fontSize: 12, margin: '4px 0 0' }
            : {
                position: 'absolute',
                width: 1,
                height: 1,
                overflow: 'hidden',
                clip: 'rect(0 0 0 0)',
              }
        }
      >
        {summary}
      </p>
      {phases.length > 0 ? (
        <p className="lk-loss-chart__phases" style={{ fontSize: 12, margin: '2px 0 0' }}>
          {describePhases(phases)}
        </p>
      ) : null}
    </figure>
  )
}
