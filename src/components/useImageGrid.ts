'use client'
import { useEffect, useMemo, useRef, type RefObject } from 'react'
import type { ImageBatch } from '../core/dataset'
import { drawImageGrid, resolveBackground, type DrawGridOptions } from './drawGrid'
import { gridLayout, gridProblem, type GridLayout } from './imagePixels'
import { useGridSelection, type GridSelection } from './useGridSelection'

/** Where the tiles go and how they are painted. */
export interface ImageGridView extends Omit<
  DrawGridOptions,
  'layout' | 'background' | 'highlight'
> {
  readonly rows: number
  readonly columns: number
  /** Screen pixels per image pixel. */
  readonly scale: number
  /** Pixels between tiles. */
  readonly gap: number
  /** Fill behind the tiles; default: the theme's `--lk-grid-background`, else a dark slate. */
  readonly background: string | undefined
}

/** A grid canvas: its ref, its layout once there are images, and tile selection. */
export interface ImageGrid extends GridSelection {
  /** What is wrong with the geometry props (the grid draws nothing then), in words. */
  readonly problem: string | undefined
  readonly canvasRef: RefObject<HTMLCanvasElement | null>
  readonly layout: GridLayout | undefined
}

/**
 * Lays `images` out as a grid and paints them onto the returned canvas ref after each change
 * (in an effect, so it is SSR-safe). With `onSelect`, the first `total` tiles can be picked by
 * pointer or keyboard and the focused one is outlined. `view.rgba` should be stable (memoised).
 */
export function useImageGrid(
  component: string,
  images: ImageBatch | undefined,
  view: ImageGridView,
  total = 0,
  onSelect?: (index: number) => void,
): ImageGrid {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const { rows, columns, scale, gap, colorMap, rgba, pixelated, background } = view
  const side = images ? Math.max(images.shape[1], images.shape[2]) : 1
  const problem = gridProblem(component, { rows, columns, scale, gap }, side)
  const layout = useMemo(
    () =>
      images && !problem
        ? gridLayout(images.shape[1], images.shape[2], rows, columns, scale, gap)
        : undefined,
    [images, problem, rows, columns, scale, gap],
  )
  const selection = useGridSelection(layout, total, onSelect)
  const highlight = onSelect ? selection.focused : undefined
  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas || !images || !layout) return
    drawImageGrid(canvas, images, {
      layout,
      colorMap,
      rgba,
      pixelated,
      highlight,
      background: resolveBackground(canvas, background),
    })
  }, [images, layout, colorMap, rgba, pixelated, background, highlight])
  return { canvasRef, layout, problem, ...selection }
}
