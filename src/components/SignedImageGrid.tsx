'use client'
import { interpolateRdBu } from 'd3-scale-chromatic'
import { useMemo, type HTMLAttributes, type ReactNode } from 'react'
import type { ImageBatch } from '../core/dataset'
import { colorLookup, cssGradient, type ColorScale } from './colorScale'
import { EmptyState } from './EmptyState'
import { classNames } from './composeProps'
import { signedToRGBA } from './divergingPixels'
import type { TileGridAppearance } from './drawGrid'
import { pickImages } from './imagePixels'
import { useImageGrid } from './useImageGrid'
import { weightOrder } from './tileOrder'

/** What the shared grid draws and how it names it; each public grid fills this in. */
export interface SignedImageGridProps
  extends Omit<HTMLAttributes<HTMLDivElement>, 'onSelect' | 'children'>, TileGridAppearance {
  /** The images `[k, h, w, c]` (signed values) and a weight per image, or undefined. */
  readonly images: ImageBatch | undefined
  readonly weights: Float32Array | undefined
  readonly sort: 'none' | 'weight'
  readonly columns: number
  readonly colorScale?: ColorScale
  readonly legend: boolean
  /** Called with the index (in source order) of the clicked or Enter-selected tile. */
  readonly onSelectIndex: ((index: number) => void) | undefined
  /** The component's name, for size problems (`'FilterGrid'`). */
  readonly component: string
  /** The block class (`'lk-filter-grid'`). */
  readonly block: string
  /** Accessible name of the canvas. */
  readonly name: string
  /** Spoken for the focused tile: `"atom 3 focused (used by 4.1 % of patches)"`. */
  readonly describeFocus: (index: number) => string
  /** Shown while there is nothing to draw. */
  readonly emptyText: string
  readonly renderEmpty?: () => ReactNode
}

/**
 * Signed images as tiles, each on a diverging colour scale centred on zero and scaled to its own
 * largest magnitude, optionally sorted by weight; click or keyboard selection. The drawing shared by
 * `FilterGrid` and `DictionaryGrid`. SSR-safe: draws only in effects.
 */
export function SignedImageGrid({
  images,
  weights,
  sort,
  columns,
  scale = 4,
  gap = 2,
  colorScale = interpolateRdBu,
  pixelated = true,
  background,
  legend,
  onSelectIndex,
  component,
  block,
  name,
  describeFocus,
  emptyText,
  renderEmpty,
  className,
  style,
  ...rest
}: SignedImageGridProps) {
  const count = images?.shape[0] ?? 0
  const order = useMemo(() => weightOrder(count, weights, sort), [count, weights, sort])
  const shown = useMemo(() => (images ? pickImages(images, order) : undefined), [images, order])
  const rgba = useMemo(() => {
    const lookup = colorLookup(colorScale)
    return (batch: ImageBatch, index: number) => signedToRGBA(batch, index, lookup)
  }, [colorScale])
  const choose = onSelectIndex
    ? (place: number): void => {
        const index = order[place]
        if (index !== undefined) onSelectIndex(index)
      }
    : undefined
  const { canvasRef, layout, problem, focused, handleClick, handleKeyDown } = useImageGrid(
    component,
    shown,
    {
      rows: Math.max(1, Math.ceil(count / columns)),
      columns: count > 0 ? Math.min(columns, count) : columns,
      scale,
      gap,
      colorMap: 'grayscale',
      rgba,
      pixelated,
      background,
    },
    count,
    choose,
  )

  if (!images || !shown || !layout) {
    return (
      <EmptyState
        block={block}
        renderEmpty={problem ? undefined : renderEmpty}
        fallback={problem ?? emptyText}
        {...rest}
        className={className}
        style={style}
      />
    )
  }

  const focusText = describeFocus(order[focused] ?? 0)
  return (
    <div {...rest} className={classNames(block, className)} style={style}>
      <canvas
        ref={canvasRef}
        width={layout.width}
        height={layout.height}
        className={`${block}__canvas`}
        style={{
          imageRendering: pixelated ? 'pixelated' : 'auto',
          maxWidth: '100%',
          display: 'block',
        }}
        role="img"
        aria-label={onSelectIndex ? `${name}; ${focusText}; arrow keys move, Enter selects` : name}
        tabIndex={onSelectIndex ? 0 : undefined}
        onClick={handleClick}
        onKeyDown={handleKeyDown}
      />
      {legend ? (
        <div className={`${block}__legend`} aria-hidden="true" style={{ maxWidth: layout.width }}>
          <div
            className={`${block}__scale`}
            style={{ height: 8, borderRadius: 2, background: cssGradient(colorScale) }}
          />
          <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 11 }}>
            <span>negative</span>
            <span>0</span>
            <span>positive</span>
          </div>
        </div>
      ) : null}
    </div>
  )
}
