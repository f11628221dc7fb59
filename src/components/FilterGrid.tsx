'use client'
import type { HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import type { ColorScale } from './colorScale'
import type { TileGridAppearance } from './drawGrid'
import { pickImages } from './imagePixels'
import { SignedImageGrid } from './SignedImageGrid'

/** Filters to show: signed images (weights, atoms, components, centroids) and a weight per image. */
export interface FilterSource {
  /** The filters `[k, h, w, c]`, signed values. */
  readonly images: ImageBatch
  /** One weight per filter (its usage, explained variance, cluster size…), for sorting and naming. */
  readonly weights?: Float32Array
}

/** The filter passed to `onSelect`. */
export interface SelectedFilter {
  /** Index of the filter in the source (not its place in a sorted grid). */
  readonly index: number
  /** The filter as a one-image batch `[1, h, w, c]`. */
  readonly image: ImageBatch
  /** Its weight, when known. */
  readonly weight: number | undefined
}

/**
 * Props of {@link FilterGrid}. Other attributes pass through to the root `<div>` (around the canvas
 * and the legend, or the empty state).
 */
export interface FilterGridProps
  extends Omit<HTMLAttributes<HTMLDivElement>, 'onSelect' | 'children'>, TileGridAppearance {
  /** The filters; nothing is drawn while undefined. */
  filters: FilterSource | undefined
  /** `'none'` (default: source order) or `'weight'` (largest weight first; needs `weights`). */
  sort?: 'none' | 'weight'
  /** Tiles per row. Default `16`. */
  columns?: number
  /** What one tile is, singular, for the accessible name and the empty state. Default `'filter'`. */
  noun?: string
  /** What the weights are, for the focused tile's description (e.g. `'explained variance'`). Default `'weight'`. */
  weightName?: string
  /** Formats a weight for that description. Default: three significant digits. */
  formatWeight?: (weight: number) => string
  /** Diverging colour scale, t ∈ [0, 1] with 0 at t = 0.5. Default d3's `interpolateRdBu` (red negative, blue positive). */
  colorScale?: ColorScale
  /** Show a colour legend (negative, zero, positive) under the grid. Default `true`. */
  legend?: boolean
  /** Called with the clicked filter, or the focused one on Enter/Space. Makes the grid focusable. */
  onSelect?: (filter: SelectedFilter) => void
  /** Accessible name. Default: "N filters" (with the noun, and the sort order). */
  label?: string
}

const threeDigits = (weight: number): string => weight.toPrecision(3)

/**
 * Signed images — an RBM's receptive fields, PCA components, a dictionary's atoms, any layer's
 * weights — as tiles on a diverging colour scale centred on zero, each scaled to its own largest
 * magnitude. Sort by weight; click or use the keyboard to select one. SSR-safe: draws only in effects.
 */
export function FilterGrid({
  filters,
  sort = 'none',
  columns = 16,
  noun = 'filter',
  weightName = 'weight',
  formatWeight = threeDigits,
  legend = true,
  onSelect,
  label,
  ...rest
}: FilterGridProps) {
  const count = filters?.images.shape[0] ?? 0
  const sorted = sort === 'weight' && filters?.weights !== undefined
  const describeFocus = (index: number): string => {
    const weight = filters?.weights?.[index]
    return (
      `${noun} ${index + 1} focused` +
      (weight === undefined ? '' : ` (${weightName} ${formatWeight(weight)})`)
    )
  }
  return (
    <SignedImageGrid
      {...rest}
      images={filters?.images}
      weights={filters?.weights}
      sort={sort}
      columns={columns}
      legend={legend}
      onSelectIndex={
        onSelect && filters
          ? (index) =>
              onSelect({
                index,
                image: pickImages(filters.images, [index]),
                weight: filters.weights?.[index],
              })
          : undefined
      }
      component="FilterGrid"
      block="lk-filter-grid"
      name={label ?? `${count} ${noun}s${sorted ? `, largest ${weightName} first` : ''}`}
      describeFocus={describeFocus}
      emptyText={`No ${noun}s yet: train the model to see them.`}
    />
  )
}
