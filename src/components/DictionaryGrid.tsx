'use client'
import { interpolateRdBu } from 'd3-scale-chromatic'
import { useMemo, type HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import { colorLookup, cssGradient, type ColorScale } from './colorScale'
import { EmptyState } from './EmptyState'
import { classNames } from './composeProps'
import { signedToRGBA } from './divergingPixels'
import type { TileGridAppearance } from './drawGrid'
import { pickImages } from './imagePixels'
import { useImageGrid } from './useImageGrid'

/** A dictionary to show: atoms as images and, optionally, how often each is used. */
export interface DictionarySource {
  /** Atoms `[k, p, p, c]`, signed values. */
  readonly atoms: ImageBatch
  /** Fraction of patches using each atom (length k). */
  readonly usage?: Float32Array
}

/** The atom passed to `onSelect`. */
export interface SelectedAtom {
  /** Index of the atom in the dictionary (not its place in a sorted grid). */
  readonly index: number
  /** The atom as a one-image batch `[1, p, p, c]`. */
  readonly image: ImageBatch
  /** Fraction of patches using it, when known. */
  readonly usage: number | undefined
}

/**
 * Props of {@link DictionaryGrid}. Other attributes pass through to the root `<div>` (around the
 * canvas and the legend, or the empty state). Your `onClick` and `onKeyDown` there run after the
 * grid's own selection (the canvas's events bubble to it).
 */
export interface DictionaryGridProps
  extends Omit<HTMLAttributes<HTMLDivElement>, 'onSelect' | 'children'>, TileGridAppearance {
  /** The dictionary (e.g. `useSparseCoding().dictionary`); nothing is drawn while undefined. */
  dictionary: DictionarySource | undefined
  /** `'none'` (default: dictionary order) or `'usage'` (most used first; needs `usage`). */
  sort?: 'none' | 'usage'
  /** Tiles per row. Default `16`. */
  columns?: number
  /** Diverging colour scale, t ∈ [0, 1] with 0 at t = 0.5. Default d3's `interpolateRdBu` (red negative, blue positive). */
  colorScale?: ColorScale
  /** Show a colour legend (negative, zero, positive) under the grid. Default `true`. */
  legend?: boolean
  /** Called with the clicked atom, or the focused one on Enter/Space. Makes the grid focusable. */
  onSelect?: (atom: SelectedAtom) => void
  /** Accessible name. Default: "Dictionary of N atoms" (and the sort order). */
  label?: string
}

/** Order of atoms to show: dictionary order, or most used first. */
export function atomOrder(
  count: number,
  usage: Float32Array | undefined,
  sort: 'none' | 'usage',
): number[] {
  const order = Array.from({ length: count }, (_, i) => i)
  if (sort === 'usage' && usage) order.sort((a, b) => (usage[b] ?? 0) - (usage[a] ?? 0) || a - b)
  return order
}

/**
 * The atoms of a dictionary as tiles, each on a diverging colour scale centred on zero and scaled
 * to its own largest magnitude. Sort by usage, click or use the keyboard to select an atom.
 * SSR-safe: draws only in effects.
 */
export function DictionaryGrid({
  dictionary,
  sort = 'none',
  columns = 16,
  scale = 4,
  gap = 2,
  colorScale = interpolateRdBu,
  pixelated = true,
  background,
  legend = true,
  onSelect,
  label,
  renderEmpty,
  className,
  style,
  ...rest
}: DictionaryGridProps) {
  const count = dictionary?.atoms.shape[0] ?? 0
  const order = useMemo(
    () => atomOrder(count, dictionary?.usage, sort),
    [count, dictionary?.usage, sort],
  )
  const shown = useMemo(
    () => (dictionary ? pickImages(dictionary.atoms, order) : undefined),
    [dictionary, order],
  )
  const rgba = useMemo(() => {
    const lookup = colorLookup(colorScale)
    return (images: ImageBatch, index: number) => signedToRGBA(images, index, lookup)
  }, [colorScale])
  const choose = onSelect
    ? (place: number): void => {
        const index = order[place]
        if (index === undefined || !dictionary) return
        onSelect({
          index,
          image: pickImages(dictionary.atoms, [index]),
          usage: dictionary.usage?.[index],
        })
      }
    : undefined
  const { canvasRef, layout, problem, focused, handleClick, handleKeyDown } = useImageGrid(
    'DictionaryGrid',
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

  if (!dictionary || !shown || !layout) {
    return (
      <EmptyState
        block="lk-dictionary-grid"
        renderEmpty={problem ? undefined : renderEmpty}
        fallback={problem ?? 'No dictionary yet: train the model to see its atoms.'}
        {...rest}
        className={className}
        style={style}
      />
    )
  }

  const sorted = sort === 'usage' && dictionary.usage !== undefined
  const name = label ?? `Dictionary of ${count} atoms${sorted ? ', most used first' : ''}`
  const focusedIndex = order[focused] ?? 0
  const focusedUsage = dictionary.usage?.[focusedIndex]
  const focusText =
    `atom ${focusedIndex + 1} focused` +
    (focusedUsage === undefined ? '' : ` (used by ${(100 * focusedUsage).toFixed(1)} % of patches)`)

  return (
    <div {...rest} className={classNames('lk-dictionary-grid', className)} style={style}>
      <canvas
        ref={canvasRef}
        width={layout.width}
        height={layout.height}
        className="lk-dictionary-grid__canvas"
        style={{
          imageRendering: pixelated ? 'pixelated' : 'auto',
          maxWidth: '100%',
          display: 'block',
        }}
        role="img"
        aria-label={onSelect ? `${name}; ${focusText}; arrow keys move, Enter selects` : name}
        tabIndex={onSelect ? 0 : undefined}
        onClick={handleClick}
        onKeyDown={handleKeyDown}
      />
      {legend ? (
        <div
          className="lk-dictionary-grid__legend"
          aria-hidden="true"
          style={{ maxWidth: layout.width }}
        >
          <div
            className="lk-dictionary-grid__scale"
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
