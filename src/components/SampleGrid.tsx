'use client'
import { useEffect, useMemo, useRef, type HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import { EmptyState } from './EmptyState'
import { classNames, composeHandlers, gridCanvasStyle } from './composeProps'
import { drawImageGrid, resolveBackground, type TileGridAppearance } from './drawGrid'
import { gridLayout, type ImageColorMap } from './imagePixels'
import { useGridSelection } from './useGridSelection'
import { isTrained, type SampleSource } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'

/**
 * Props of {@link SampleGrid}. Other attributes pass through to the root: the `<canvas>`, or the
 * empty state's `<div>`. Your `onClick` and `onKeyDown` run after the grid's own selection; your
 * `style` goes over the grid's, except `imageRendering` (set by `pixelated`); the canvas size
 * follows the layout.
 */
export interface SampleGridProps
  extends Omit<HTMLAttributes<HTMLElement>, 'onSelect' | 'children'>, TileGridAppearance {
  /** A model to sample from (e.g. the result of `useVAE`); redraws as it trains. */
  model?: SampleSource
  /** Images to show instead of samples (`[n, h, w, c]`); wins over `model`. */
  images?: ImageBatch
  /** Rows of the grid. Default `4`. */
  rows?: number
  /** Columns of the grid. Default `8`. */
  columns?: number
  /** Seed of the latent draws: the same seed shows the same latents as the model learns; change it to regenerate. Default `0`. */
  seed?: number
  /** `'grayscale'` (default: 0 black, 1 white) or `'inverted'` (dark ink on white). */
  colorMap?: ImageColorMap
  /** Called with the index of a clicked tile, or the focused tile on Enter/Space. Makes the grid focusable. */
  onSelect?: (index: number) => void
  /** Accessible name. Default: "Grid of N generated images" (or "images"). */
  label?: string
}

/**
 * A grid of images on one canvas: samples from a model (live while it trains) or given images.
 * SSR-safe: draws only in effects.
 */
export function SampleGrid({
  model,
  images,
  rows = 4,
  columns = 8,
  scale = 4,
  gap = 2,
  seed = 0,
  colorMap = 'grayscale',
  pixelated = true,
  background,
  onSelect,
  label,
  renderEmpty,
  className,
  style,
  onClick,
  onKeyDown,
  ...rest
}: SampleGridProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const count = rows * columns
  const sampleKey =
    !images && model && isTrained(model) ? `${model.modelVersion}:${count}:${seed}` : undefined
  const sampled = useLatestAsync(sampleKey, () =>
    model ? model.sample(count, { seed }) : Promise.reject(new Error('no model')),
  )
  const shown = images ?? (model && isTrained(model) ? sampled : undefined)
  const total = shown ? Math.min(shown.shape[0], count) : 0
  const layout = useMemo(
    () =>
      shown ? gridLayout(shown.shape[1], shown.shape[2], rows, columns, scale, gap) : undefined,
    [shown, rows, columns, scale, gap],
  )
  const { focused, handleClick, handleKeyDown } = useGridSelection(layout, total, onSelect)

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas || !shown || !layout) return
    drawImageGrid(canvas, shown, {
      layout,
      colorMap,
      pixelated,
      background: resolveBackground(canvas, background),
      highlight: onSelect ? focused : undefined,
    })
  }, [shown, layout, colorMap, pixelated, background, focused, onSelect])

  if (!shown || !layout) {
    return (
      <EmptyState
        block="lk-sample-grid"
        renderEmpty={renderEmpty}
        fallback="No samples yet: train the model to see what it generates."
        {...rest}
        className={className}
        style={style}
        onClick={onClick}
        onKeyDown={onKeyDown}
      />
    )
  }

  const name = label ?? `Grid of ${total} ${images ? 'images' : 'generated images'}`
  return (
    <canvas
      role="img"
      aria-label={
        onSelect
          ? `${name}; image ${focused + 1} of ${total} focused, arrow keys move, Enter selects`
          : name
      }
      tabIndex={onSelect ? 0 : undefined}
      data-lk-version={model?.modelVersion}
      {...rest}
      ref={canvasRef}
      width={layout.width}
      height={layout.height}
      className={classNames('lk-sample-grid', className)}
      style={gridCanvasStyle(pixelated, style)}
      onClick={composeHandlers(handleClick, onClick)}
      onKeyDown={composeHandlers(handleKeyDown, onKeyDown)}
    />
  )
}
