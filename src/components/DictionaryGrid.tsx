'use client'
import type { HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import type { ColorScale } from './colorScale'
import type { TileGridAppearance } from './drawGrid'
import { pickImages } from './imagePixels'
import { SignedImageGrid } from './SignedImageGrid'
import { weightOrder } from './tileOrder'

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
  return weightOrder(count, usage, sort === 'usage' ? 'weight' : 'none')
}

/**
 * The atoms of a dictionary as tiles, each on a diverging colour scale centred on zero and scaled
 * to its own largest magnitude. Sort by usage, click or use the keyboard to select an atom.
 * SSR-safe: draws only in effects. (`FilterGrid` draws any signed images the same way.)
 */
export function DictionaryGrid({
  dictionary,
  sort = 'none',
  columns = 16,
  legend = true,
  onSelect,
  label,
  ...rest
}: DictionaryGridProps) {
  const count = dictionary?.atoms.shape[0] ?? 0
  const sorted = sort === 'usage' && dictionary?.usage !== undefined
  const describeFocus = (index: number): string => {
    const usage = dictionary?.usage?.[index]
    return (
      `atom ${index + 1} focused` +
      (usage === undefined ? '' : ` (used by ${(100 * usage).toFixed(1)} % of patches)`)
    )
  }
  return (
    <SignedImageGrid
      {...rest}
      images={dictionary?.atoms}
      weights={dictionary?.usage}
      sort={sort === 'usage' ? 'weight' : 'none'}
      columns={columns}
      legend={legend}
      onSelectIndex={
        onSelect && dictionary
          ? (index) =>
              onSelect({
                index,
                image: pickImages(dictionary.atoms, [index]),
                usage: dictionary.usage?.[index],
              })
          : undefined
      }
      component="DictionaryGrid"
      block="lk-dictionary-grid"
      name={label ?? `Dictionary of ${count} atoms${sorted ? ', most used first' : ''}`}
      describeFocus={describeFocus}
      emptyText="No dictionary yet: train the model to see its atoms."
    />
  )
}
