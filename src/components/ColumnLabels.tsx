'use client'
import type { GridLayout } from './imagePixels'
import { tileOrigin } from './imagePixels'

/** Props of {@link ColumnLabels}. */
interface ColumnLabelsProps {
  /** The grid the labels go under. */
  readonly layout: GridLayout
  /** One label per column, first column first. */
  readonly labels: readonly string[]
  /** The list's accessible name. */
  readonly name: string
  /** The list's class (`lk-gibbs-chain__steps`). */
  readonly className: string
}

/**
 * A row of labels, each centred under its column of a grid canvas. Placed in percentages of the
 * canvas width, so they stay aligned when the canvas is shrunk to fit its container.
 */
export function ColumnLabels({ layout, labels, name, className }: ColumnLabelsProps) {
  const percent = (pixels: number): string => `${(100 * pixels) / layout.width}%`
  return (
    <ol
      className={className}
      aria-label={name}
      style={{
        position: 'relative',
        listStyle: 'none',
        margin: 0,
        padding: 0,
        height: '1.4em',
        fontSize: 11,
        fontVariantNumeric: 'tabular-nums',
      }}
    >
      {labels.slice(0, layout.columns).map((text, column) => (
        <li
          key={column}
          style={{
            position: 'absolute',
            left: percent(tileOrigin(layout, column).x),
            width: percent(layout.tileWidth),
            display: 'flex',
            justifyContent: 'center',
            whiteSpace: 'nowrap',
          }}
        >
          {text}
        </li>
      ))}
    </ol>
  )
}
