'use client'
/**
 * What the charts share (`LossChart`, `RepresentationReport`, `ScreeChart`): the SVG with its two
 * axes, or the caller's placeholder while there is nothing to plot, and the legend beneath.
 */
import type { ReactNode, SVGAttributes } from 'react'

/** Room around the plot, in pixels, for tick labels and axis titles. */
export interface ChartMargin {
  readonly top: number
  readonly right: number
  readonly bottom: number
  readonly left: number
}

/** Props of {@link ChartFrame}. */
export interface ChartFrameProps {
  /** The component's class, e.g. `lk-loss-chart`: the frame adds `__chart` and `__empty`. */
  readonly block: string
  readonly width: number
  readonly height: number
  readonly margin: ChartMargin
  /** Nothing to plot yet: {@link ChartFrameProps.renderEmpty}'s placeholder is shown, when given. */
  readonly isEmpty: boolean
  /** The placeholder while {@link ChartFrameProps.isEmpty}; without it the empty axes show. */
  readonly renderEmpty?: () => ReactNode
  /** Accessible name and description of the SVG (`aria-label`, `aria-labelledby`, …). */
  readonly svgProps?: SVGAttributes<SVGSVGElement>
  /** The plot's marks and tick labels, drawn over the axes. */
  readonly children?: ReactNode
}

/** The chart's SVG with its left and bottom axes, or the placeholder in a box of the same size. */
export function ChartFrame({
  block,
  width,
  height,
  margin,
  isEmpty,
  renderEmpty,
  svgProps,
  children,
}: ChartFrameProps): ReactNode {
  if (isEmpty && renderEmpty) {
    return (
      <div
        className={`${block}__empty`}
        style={{ width, height, maxWidth: '100%', display: 'grid', placeItems: 'center' }}
      >
        {renderEmpty()}
      </div>
    )
  }
  const bottom = height - margin.bottom
  return (
    <svg
      role="img"
      {...svgProps}
      className={`${block}__chart`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      style={{ maxWidth: '100%', height: 'auto', overflow: 'visible' }}
    >
      <line
        x1={margin.left}
        x2={margin.left}
        y1={margin.top}
        y2={bottom}
        stroke="var(--lk-axis, #9ca3af)"
      />
      <line
        x1={margin.left}
        x2={width - margin.right}
        y1={bottom}
        y2={bottom}
        stroke="var(--lk-axis, #9ca3af)"
      />
      {children}
    </svg>
  )
}

/** One line of a {@link ChartLegend}. */
export interface ChartLegendItem {
  readonly key: string
  readonly label: ReactNode
  readonly color: string
}

/** The series' colours and names under a chart; hidden from assistive technology (the chart's text says it). */
export function ChartLegend({
  block,
  items,
}: {
  /** The component's class: the legend is `${block}__legend`, each swatch `${block}__swatch`. */
  readonly block: string
  readonly items: readonly ChartLegendItem[]
}): ReactNode {
  return (
    <ul
      className={`${block}__legend`}
      aria-hidden="true"
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 12,
        listStyle: 'none',
        padding: 0,
        margin: 0,
        fontSize: 12,
      }}
    >
      {items.map((item) => (
        <li key={item.key} data-series={item.key}>
          <span className={`${block}__swatch`} style={{ color: item.color }}>
            ■
          </span>{' '}
          {item.label}
        </li>
      ))}
    </ul>
  )
}
