'use client'
import type { HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import { GridCanvas } from './GridCanvas'
import { composeHandlers } from './composeProps'
import type { TileGridAppearance } from './drawGrid'
import { gridProblem, type ImageColorMap } from './imagePixels'
import { useImageGrid } from './useImageGrid'
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
  onClick,
  onKeyDown,
  ...rest
}: SampleGridProps) {
  const count = rows * columns
  // Unusable geometry draws nothing, so it asks the model for nothing either.
  const usable = gridProblem('SampleGrid', { rows, columns, scale, gap }) === undefined
  const sampleKey =
    usable && !images && model && isTrained(model)
      ? `${model.modelVersion}:${count}:${seed}`
      : undefined
  const sampled = useLatestAsync(sampleKey, () =>
    model ? model.sample(count, { seed }) : Promise.reject(new Error('no model')),
  )
  const shown = images ?? (model && isTrained(model) ? sampled : undefined)
  const total = shown ? Math.min(shown.shape[0], count) : 0
  const grid = useImageGrid(
    'SampleGrid',
    shown,
    { rows, columns, scale, gap, colorMap, pixelated, background },
    total,
    onSelect,
  )

  const name = label ?? `Grid of ${total} ${images ? 'images' : 'generated images'}`
  return (
    <GridCanvas
      block="lk-sample-grid"
      grid={grid}
      pixelated={pixelated}
      renderEmpty={renderEmpty}
      fallback="No samples yet: train the model to see what it generates."
      version={model?.modelVersion}
      label={
        onSelect
          ? `${name}; image ${grid.focused + 1} of ${total} focused, arrow keys move, Enter selects`
          : name
      }
      tabIndex={onSelect && grid.layout ? 0 : undefined}
      {...rest}
      onClick={composeHandlers(grid.handleClick, onClick)}
      onKeyDown={composeHandlers(grid.handleKeyDown, onKeyDown)}
    />
  )
}
