'use client'
import { useMemo, type HTMLAttributes } from 'react'
import type { DataInput, ImageBatch } from '../core/dataset'
import { createObjectIds } from '../core/objectIds'
import { GridCanvas } from './GridCanvas'
import type { TileGridAppearance } from './drawGrid'
import { gridProblem, type ImageColorMap } from './imagePixels'
import { useImageGrid } from './useImageGrid'
import { isTrained, type ActionResult } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'

/** A model that rebuilds images (`useAutoencoder`, `useVAE`). */
export interface ReconstructionSource {
  /** Increases whenever the weights change; the grid redraws when it moves. */
  readonly modelVersion: number
  /** Facts about the model; nothing is drawn until `trainedSteps > 0`. */
  readonly model: { readonly trainedSteps: number } | undefined
  /** Images through the model and back. */
  reconstruct(images: DataInput): ActionResult<ImageBatch>
}

/**
 * Props of {@link ReconstructionGrid}. Other attributes pass through to the root: the `<canvas>`, or
 * the empty state's `<div>`. Your `style` goes over the grid's, except `imageRendering` (set by
 * `pixelated`); the canvas size follows the layout.
 */
export interface ReconstructionGridProps
  extends Omit<HTMLAttributes<HTMLElement>, 'children'>, TileGridAppearance {
  /** The model (redraws live as it trains). */
  model: ReconstructionSource
  /** The inputs `[n, h, w, c]`. */
  images: ImageBatch
  /** Input/reconstruction pairs per row. Default `8`. */
  columns?: number
  /** `'grayscale'` (default) or `'inverted'`. */
  colorMap?: ImageColorMap
  /** Accessible name. Default: "N inputs, each above its reconstruction". */
  label?: string
}

/** A number per batch object, so a new `images` prop asks for new reconstructions. */
const batchId = createObjectIds<ImageBatch>()

/** Rows of inputs, each followed by the row of their reconstructions. */
export function pairRows(inputs: ImageBatch, rebuilt: ImageBatch, columns: number): ImageBatch {
  const [n, h, w, c] = inputs.shape
  const size = h * w * c
  const rows = Math.ceil(n / columns)
  const data = new Float32Array(rows * 2 * columns * size)
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / columns)
    const column = i % columns
    data.set(inputs.data.subarray(i * size, (i + 1) * size), (row * 2 * columns + column) * size)
    data.set(
      rebuilt.data.subarray(i * size, (i + 1) * size),
      ((row * 2 + 1) * columns + column) * size,
    )
  }
  return { data, shape: [rows * 2 * columns, h, w, c] }
}

/**
 * Inputs beside their reconstructions (each input above its own), live while the model trains.
 * SSR-safe: draws only in effects.
 */
export function ReconstructionGrid({
  model,
  images,
  columns = 8,
  scale = 4,
  gap = 2,
  colorMap = 'grayscale',
  pixelated = true,
  background,
  label,
  renderEmpty,
  ...rest
}: ReconstructionGridProps) {
  const key = isTrained(model) ? `${model.modelVersion}:${batchId(images)}` : undefined
  const rebuilt = useLatestAsync(key, () => model.reconstruct(images))
  const fresh = rebuilt && rebuilt.data.length === images.data.length ? rebuilt : undefined
  const count = images.shape[0]
  const shownColumns = Math.min(columns, count)
  const problem = gridProblem('ReconstructionGrid', { rows: 1, columns: shownColumns, scale, gap })
  const pairs = useMemo(
    () => (fresh && !problem ? pairRows(images, fresh, shownColumns) : undefined),
    [fresh, problem, images, shownColumns],
  )
  const grid = useImageGrid('ReconstructionGrid', pairs, {
    rows: 2 * Math.ceil(count / shownColumns),
    columns: shownColumns,
    scale,
    gap,
    colorMap,
    pixelated,
    background,
  })

  return (
    <GridCanvas
      block="lk-reconstruction-grid"
      grid={grid}
      pixelated={pixelated}
      renderEmpty={renderEmpty}
      fallback="No reconstructions yet: train the model."
      version={model.modelVersion}
      label={label ?? `${count} inputs, each above its reconstruction`}
      {...rest}
    />
  )
}
