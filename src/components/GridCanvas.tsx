'use client'
import type { HTMLAttributes, ReactNode } from 'react'
import { EmptyState } from './EmptyState'
import { classNames, gridCanvasStyle } from './composeProps'
import type { ImageGrid } from './useImageGrid'

/** Props of {@link GridCanvas}: other attributes go to the canvas, or to the empty state's `<div>`. */
interface GridCanvasProps extends HTMLAttributes<HTMLElement> {
  /** The component's class (`lk-sample-grid`). */
  readonly block: string
  /** The grid from `useImageGrid`: no layout yet means nothing to draw. */
  readonly grid: Pick<ImageGrid, 'canvasRef' | 'layout' | 'problem'>
  readonly pixelated: boolean
  /** The user's `renderEmpty`, if any. */
  readonly renderEmpty: (() => ReactNode) | undefined
  /** What the empty state shows without `renderEmpty`. */
  readonly fallback: ReactNode
  /** The model version drawn (`data-lk-version`, for tests and styling). */
  readonly version: number | undefined
  /** The canvas's accessible name (the empty state speaks for itself). */
  readonly label: string
}

/**
 * A grid component's root: its canvas once there is something to draw, else its empty state (which
 * says what is wrong when a geometry prop is unusable).
 */
export function GridCanvas({
  block,
  grid,
  pixelated,
  renderEmpty,
  fallback,
  version,
  label,
  className,
  style,
  ...rest
}: GridCanvasProps) {
  const { canvasRef, layout, problem } = grid
  if (!layout) {
    return (
      <EmptyState
        block={block}
        renderEmpty={problem ? undefined : renderEmpty}
        fallback={problem ?? fallback}
        {...rest}
        className={className}
        style={style}
      />
    )
  }
  return (
    <canvas
      role="img"
      aria-label={label}
      data-lk-version={version}
      {...rest}
      ref={canvasRef}
      width={layout.width}
      height={layout.height}
      className={classNames(block, className)}
      style={gridCanvasStyle(pixelated, style)}
    />
  )
}
