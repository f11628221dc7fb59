'use client'
import { useMemo, type HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import { EmptyState } from './EmptyState'
import { clusterOrder, clusterTiles, type ClusterSource } from './clusterTiles'
import { classNames } from './composeProps'
import type { TileGridAppearance } from './drawGrid'
import { blankRGBA, imageToRGBA, type ImageColorMap } from './imagePixels'
import { useImageGrid } from './useImageGrid'

/**
 * Props of {@link ClusterGrid}. Other attributes pass through to the root `<div>` (around the canvas
 * and the sizes, or the empty state).
 */
export interface ClusterGridProps
  extends Omit<HTMLAttributes<HTMLDivElement>, 'children'>, TileGridAppearance {
  /** The clusters (e.g. `useKMeans().clusters`); nothing is drawn while undefined. */
  clusters: ClusterSource | undefined
  /** Members shown beside each centroid, at most the ones given. Default `8`. */
  members?: number
  /** `'none'` (default: cluster order) or `'size'` (largest cluster first; needs `sizes`). */
  sort?: 'none' | 'size'
  /** `'grayscale'` (default: 0 black, 1 white) or `'inverted'` (dark ink on white). Values are clamped to [0, 1]. */
  colorMap?: ImageColorMap
  /** Show each cluster's size at the end of its row. Default `true` (when `sizes` is given). */
  showSizes?: boolean
  /** Accessible name. Default: "N clusters: each centroid, then M of its members" ("N cluster centroids" without members). */
  label?: string
}

/**
 * The clusters of a k-means model, one row each: its centroid, then a few of its members (from the
 * nearest to the farthest), and its size. SSR-safe: draws only in effects.
 */
export function ClusterGrid({
  clusters,
  members = 8,
  sort = 'none',
  colorMap = 'grayscale',
  showSizes = true,
  scale = 4,
  gap = 2,
  pixelated = true,
  background,
  label,
  renderEmpty,
  className,
  style,
  ...rest
}: ClusterGridProps) {
  const order = useMemo(() => (clusters ? clusterOrder(clusters, sort) : []), [clusters, sort])
  const usableMembers = Number.isInteger(members) && members >= 0 ? members : 0
  const tiles = useMemo(
    () => (clusters && order.length > 0 ? clusterTiles(clusters, order, usableMembers) : undefined),
    [clusters, order, usableMembers],
  )
  const rgba = useMemo(() => {
    const blank = tiles?.blank
    return (images: ImageBatch, index: number) =>
      blank?.[index]
        ? blankRGBA(images.shape[1] * images.shape[2])
        : imageToRGBA(images, index, colorMap)
  }, [tiles, colorMap])
  const rows = order.length
  const columns = tiles?.columns ?? 1
  const memberProblem =
    Number.isInteger(members) && members >= 0
      ? undefined
      : `ClusterGrid: members must be an integer ≥ 0; got ${String(members)}`
  const { canvasRef, layout, problem } = useImageGrid(
    'ClusterGrid',
    memberProblem ? undefined : tiles?.images,
    { rows: Math.max(1, rows), columns, scale, gap, colorMap, rgba, pixelated, background },
  )
  const trouble = memberProblem ?? problem

  if (!clusters || !tiles || !layout || trouble) {
    return (
      <EmptyState
        block="lk-cluster-grid"
        renderEmpty={trouble ? undefined : renderEmpty}
        fallback={trouble ?? 'No clusters yet: train the model to see its centroids and members.'}
        {...rest}
        className={className}
        style={style}
      />
    )
  }

  const shownMembers = Math.max(0, columns - 2)
  const sizes = clusters.sizes
  const name =
    label ??
    (shownMembers > 0
      ? `${rows} clusters: each centroid, then ${shownMembers} of its members`
      : `${rows} cluster centroids`) + (sort === 'size' && sizes ? ', largest first' : '')
  return (
    <div
      {...rest}
      className={classNames('lk-cluster-grid', className)}
      style={{ display: 'flex', alignItems: 'flex-start', gap: 8, ...style }}
    >
      <canvas
        ref={canvasRef}
        width={layout.width}
        height={layout.height}
        className="lk-cluster-grid__canvas"
        style={{ imageRendering: pixelated ? 'pixelated' : 'auto', display: 'block' }}
        role="img"
        aria-label={name}
      />
      {showSizes && sizes ? (
        <ol
          className="lk-cluster-grid__sizes"
          aria-label="Cluster sizes"
          style={{ listStyle: 'none', margin: 0, padding: 0, fontSize: 12 }}
        >
          {order.map((cluster, row) => (
            <li
              key={cluster}
              style={{
                height: layout.tileHeight,
                marginBottom: row + 1 < rows ? layout.gap : 0,
                display: 'flex',
                alignItems: 'center',
                fontVariantNumeric: 'tabular-nums',
              }}
            >
              {`cluster ${cluster + 1}: ${sizes[cluster] ?? 0}`}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  )
}
