'use client'
import { useEffect, useRef, type HTMLAttributes, type ReactNode } from 'react'
import { classNames } from './composeProps'
import { drawImageGrid } from './drawGrid'
import { gridLayout, MAX_GRID_SIDE, type ImageColorMap } from './imagePixels'
import type { TraversalRow } from './latentTraversalRows'

/** Props of {@link LatentTraversal}. Other attributes (`style`, `id`, handlers, …) go to the outer `<div>`. */
export interface LatentTraversalProps extends HTMLAttributes<HTMLDivElement> {
  /**
   * The rows: a label and the images as that code or dimension sweeps its range (from
   * `useLatentTraversal`, or built by hand). Undefined or empty shows the empty state.
   */
  rows: readonly TraversalRow[] | undefined
  /** Canvas pixels per image pixel. Default `3`. */
  scale?: number
  /** Canvas pixels between images. Default `2`. */
  gap?: number
  /** `'grayscale'` (default) or `'inverted'`. */
  colorMap?: ImageColorMap
  /** Keep hard pixel edges. Default `true`. */
  pixelated?: boolean
  /** Accessible name of the whole traversal. Default `'Latent traversal'`. */
  label?: string
  /** Shown instead of `rows` when there is a problem (e.g. `useLatentTraversal`'s `problem`). */
  problem?: string
  /** Rendered while there are no rows. Default: a short text. */
  renderEmpty?: () => ReactNode
}

function sizeProblem(scale: number, gap: number): string | undefined {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 64)) {
    return `LatentTraversal: scale must be a number in (0, 64]; got ${String(scale)}`
  }
  if (!(Number.isInteger(gap) && gap >= 0 && gap <= 64)) {
    return `LatentTraversal: gap must be an integer from 0 to 64; got ${String(gap)}`
  }
  return undefined
}

/** The accessible text of one row: its label and the values it sweeps. */
function rowText(row: TraversalRow): string {
  const count = row.images.shape[0]
  const values = row.values
  if (!values || values.length === 0) return `${row.label}: ${count} images`
  const show = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2))
  return `${row.label}: ${count} images as it sweeps from ${show(values[0] as number)} to ${show(values[values.length - 1] as number)}, the rest fixed`
}

interface RowCanvasProps {
  readonly row: TraversalRow
  readonly scale: number
  readonly gap: number
  readonly colorMap: ImageColorMap
  readonly pixelated: boolean
}

function RowCanvas({ row, scale, gap, colorMap, pixelated }: RowCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null)
  const [count, height, width] = row.images.shape
  const columns = Math.min(count, MAX_GRID_SIDE)
  useEffect(() => {
    const canvas = ref.current
    if (!canvas || columns < 1) return
    drawImageGrid(canvas, row.images, {
      layout: gridLayout(height, width, 1, columns, scale, gap),
      colorMap,
      pixelated,
      background: 'transparent',
    })
  }, [row, columns, height, width, scale, gap, colorMap, pixelated])
  const layout = gridLayout(height, width, 1, Math.max(1, columns), scale, gap)
  return (
    <canvas
      ref={ref}
      className="lk-latent-traversal__images"
      role="img"
      aria-label={rowText(row)}
      width={layout.width}
      height={layout.height}
      style={{ imageRendering: pixelated ? 'pixelated' : 'auto', maxWidth: '100%' }}
    />
  )
}

/**
 * A latent traversal: one row per code or latent dimension, its images as that value sweeps its
 * range with the rest fixed. Rows come from `useLatentTraversal` (InfoGAN codes, VAE or β-VAE
 * latents, autoencoder codes) or by hand. Pure: draws on canvas in effects, SSR-safe.
 */
export function LatentTraversal({
  rows,
  scale = 3,
  gap = 2,
  colorMap = 'grayscale',
  pixelated = true,
  label = 'Latent traversal',
  problem,
  renderEmpty,
  className,
  ...divProps
}: LatentTraversalProps) {
  const wrong = problem ?? sizeProblem(scale, gap)
  if (wrong || !rows || rows.length === 0) {
    return (
      <div
        role="status"
        {...divProps}
        className={classNames('lk-latent-traversal', 'lk-latent-traversal--empty', className)}
      >
        {wrong ?? (renderEmpty ? renderEmpty() : 'Train the model to see its latent traversal.')}
      </div>
    )
  }
  return (
    <div
      role="group"
      aria-label={label}
      {...divProps}
      className={classNames('lk-latent-traversal', className)}
    >
      {rows.map((row, i) => (
        <div
          key={`${i}:${row.label}`}
          className="lk-latent-traversal__row"
          style={{ display: 'flex', alignItems: 'center', gap: '0.5em' }}
        >
          <span className="lk-latent-traversal__label" style={{ minWidth: '7em' }}>
            {row.label}
          </span>
          <RowCanvas row={row} scale={scale} gap={gap} colorMap={colorMap} pixelated={pixelated} />
        </div>
      ))}
    </div>
  )
}
