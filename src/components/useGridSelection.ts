'use client'
import { useState, type KeyboardEvent, type MouseEvent } from 'react'
import { tileAt, type GridLayout } from './imagePixels'

/** Pointer and keyboard selection of tiles on a grid canvas. */
export interface GridSelection {
  /** The tile the keyboard is on. */
  readonly focused: number
  readonly handleClick: (event: MouseEvent<HTMLElement>) => void
  readonly handleKeyDown: (event: KeyboardEvent<HTMLElement>) => void
}

/**
 * Click a tile, or move with the arrow keys and press Enter/Space, to call `onSelect` with its
 * index (`total` tiles, laid out by `layout`). Without `onSelect` the handlers do nothing.
 */
export function useGridSelection(
  layout: GridLayout | undefined,
  total: number,
  onSelect: ((index: number) => void) | undefined,
): GridSelection {
  const [focused, setFocused] = useState(0)
  const select = (index: number): void => {
    setFocused(index)
    onSelect?.(index)
  }
  const handleClick = (event: MouseEvent<HTMLElement>): void => {
    if (!onSelect || !layout) return
    const rect = event.currentTarget.getBoundingClientRect()
    const x = ((event.clientX - rect.left) * layout.width) / rect.width
    const y = ((event.clientY - rect.top) * layout.height) / rect.height
    const index = tileAt(layout, x, y)
    if (index !== undefined && index < total) select(index)
  }
  const handleKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (!onSelect || !layout) return
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: layout.columns,
      ArrowUp: -layout.columns,
    }
    const move = moves[event.key]
    if (move !== undefined) {
      event.preventDefault()
      setFocused((current) => Math.min(total - 1, Math.max(0, current + move)))
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      select(focused)
    }
  }
  return { focused: Math.min(focused, Math.max(0, total - 1)), handleClick, handleKeyDown }
}
