'use client'
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type HTMLAttributes,
  type KeyboardEvent,
  type PointerEvent,
} from 'react'
import type { ImageBatch } from '../core/dataset'
import { SampleGrid } from './SampleGrid'
import { VISUALLY_HIDDEN, classNames } from './composeProps'
import { drawScatter, groupByColor, type ScatterRaster } from './drawScatter'
import { paintImage } from './drawGrid'
import { imageToRGBA, pickImages, type ImageColorMap } from './imagePixels'
import {
  boundsOf,
  buildPointGrid,
  fitViewport,
  nearestPoint,
  panBy,
  pointsInPolygon,
  pointsInRect,
  rectFromCorners,
  toData,
  zoomAt,
  type Viewport,
} from './scatterGeometry'
import {
  categoricalColors,
  clusterAnnouncement,
  scatterClusters,
  scatterSummaryText,
} from './scatterSummary'

/** What dragging on the map does: move it, select a rectangle, or select a free-hand lasso. */
export type ScatterTool = 'pan' | 'brush' | 'lasso'

/**
 * Props of {@link LatentScatter}. Other attributes pass through to the root `<div>`.
 */
export interface LatentScatterProps extends Omit<HTMLAttributes<HTMLDivElement>, 'onSelect'> {
  /** The map: `x, y` per point (`[n, 2]` row-major, e.g. `projection.points`). */
  points: Float32Array
  /** One integer label or cluster per point: colours, legend and keyboard navigation. Default none. */
  labels?: ArrayLike<number>
  /** The name of a label in the legend and summary. Default `String(label)`. */
  labelName?: (label: number) => string
  /** Images of the points (`[n, h, w, c]`): hovering shows one, a selection shows them in a grid. */
  images?: ImageBatch
  /** Width of the map in CSS pixels. Default `480`. */
  width?: number
  /** Height of the map in CSS pixels. Default `360`. */
  height?: number
  /** Side of a point in CSS pixels. Default `3`. */
  pointSize?: number
  /** What dragging does at first (the toolbar switches it). Default `'pan'`. */
  defaultTool?: ScatterTool
  /** Called with the indices (increasing) of the points a brush, a lasso or Enter on a cluster selects. */
  onSelect?: (indices: number[]) => void
  /** Called with the index of the hovered point, or `undefined` when none is. */
  onHover?: (index: number | undefined) => void
  /** How image values become colours. Default `'grayscale'`. */
  colorMap?: ImageColorMap
  /** Magnification of the hover thumbnail. Default `4`. */
  thumbnailScale?: number
  /** The most selected images shown in the grid under the map. Default `40`. */
  selectionLimit?: number
  /** Canvas background. Default `'#fff'`. */
  background?: string
  /** Accessible name of the map. Default `'Latent map'`. */
  label?: string
}

/** Points within this many CSS pixels of the pointer count as hovered. */
const HOVER_RADIUS = 6
const ZOOM_STEP = 1.5
const FALLBACK_COLOR = '#4e79a7'

const buttonStyle: CSSProperties = { font: 'inherit', padding: '2px 8px' }

/**
 * A 2-D map of codes (from `useProjection`, or any `[n, 2]` points): points coloured by label with
 * a legend, pan (drag), zoom (wheel or buttons), a thumbnail of the hovered point's image, and
 * rectangle (brush) or lasso selection returning indices, the selected images shown in a
 * `SampleGrid`. Smooth at 20,000 points: points written as pixels (one `putImageData`), a spatial
 * grid for hovering, redrawn on an animation frame only when something changed. Accessible: a text summary (points,
 * clusters, separation) and arrow keys moving between clusters, announced. SSR-safe: draws only in
 * effects.
 */
export function LatentScatter({
  points,
  labels,
  labelName = String,
  images,
  width = 480,
  height = 360,
  pointSize = 3,
  defaultTool = 'pan',
  onSelect,
  onHover,
  colorMap = 'grayscale',
  thumbnailScale = 4,
  selectionLimit = 40,
  background = '#fff',
  label = 'Latent map',
  className,
  ...rest
}: LatentScatterProps) {
  const count = Math.floor(points.length / 2)
  const [tool, setTool] = useState<ScatterTool>(defaultTool)
  const [hovered, setHovered] = useState<number | undefined>()
  const [hoverAt, setHoverAt] = useState<{ x: number; y: number }>({ x: 0, y: 0 })
  const [selected, setSelected] = useState<number[]>([])
  const [focusedCluster, setFocusedCluster] = useState<number | undefined>()
  const canvasRef = useRef<HTMLCanvasElement | null>(null)
  const thumbRef = useRef<HTMLCanvasElement | null>(null)
  const fitted = useMemo(
    () => fitViewport(boundsOf(points), width, height),
    [points, width, height],
  )
  const view = useRef<Viewport>(fitted)
  const drag = useRef<{ x: number; y: number; path: number[] } | undefined>(undefined)
  const frameRequest = useRef<number | undefined>(undefined)
  const drawRef = useRef<() => void>(() => undefined)
  const raster = useRef<ScatterRaster>({ image: undefined })

  const groups = useMemo(
    () => groupByColor(count, labels, categoricalColors, FALLBACK_COLOR),
    [count, labels],
  )
  const grid = useMemo(() => buildPointGrid(points), [points])
  const summary = useMemo(() => scatterClusters(points, labels), [points, labels])
  const summaryText = scatterSummaryText(count, summary, labelName)
  const announcement =
    focusedCluster === undefined ? '' : clusterAnnouncement(summary, focusedCluster, labelName)

  const requestDraw = useCallback(() => {
    if (frameRequest.current !== undefined) return
    frameRequest.current = requestAnimationFrame(() => {
      frameRequest.current = undefined
      drawRef.current()
    })
  }, [])

  useEffect(() => {
    view.current = fitted
  }, [fitted])

  useEffect(() => {
    drawRef.current = () => {
      const canvas = canvasRef.current
      const context = canvas?.getContext('2d')
      if (!canvas || !context) return
      const ratio = globalThis.devicePixelRatio || 1
      if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio)
      if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio)
      const path = drag.current?.path
      drawScatter(
        context,
        {
          points,
          groups,
          view: view.current,
          width,
          height,
          ratio,
          pointSize,
          background,
          focusedGroup: focusedCluster,
          selected,
          hovered,
          brush:
            tool === 'brush' && path && path.length >= 4
              ? path.slice(0, 2).concat(path.slice(-2))
              : undefined,
          lasso: tool === 'lasso' && path ? path : undefined,
        },
        raster.current,
      )
    }
    requestDraw()
  }, [
    points,
    groups,
    width,
    height,
    pointSize,
    background,
    focusedCluster,
    selected,
    hovered,
    tool,
    fitted,
    requestDraw,
  ])

  useEffect(
    () => () => {
      if (frameRequest.current !== undefined) cancelAnimationFrame(frameRequest.current)
    },
    [],
  )

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return undefined
    const onWheel = (event: WheelEvent) => {
      event.preventDefault()
      const box = canvas.getBoundingClientRect()
      view.current = zoomAt(
        view.current,
        Math.exp(-event.deltaY * 0.002),
        event.clientX - box.left,
        event.clientY - box.top,
        fitted.scale / 4,
        fitted.scale * 256,
      )
      requestDraw()
    }
    canvas.addEventListener('wheel', onWheel, { passive: false })
    return () => canvas.removeEventListener('wheel', onWheel)
  }, [fitted, requestDraw])

  useEffect(() => {
    if (hovered === undefined || !images || hovered >= images.shape[0]) return
    const [, h, w] = images.shape
    paintImage(thumbRef.current, imageToRGBA(images, hovered, colorMap), w, h, thumbnailScale)
  }, [hovered, images, colorMap, thumbnailScale])

  const hover = (index: number | undefined) => {
    if (index === hovered) return
    setHovered(index)
    onHover?.(index)
  }

  const select = (indices: number[]) => {
    setSelected(indices)
    onSelect?.(indices)
  }

  const local = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect()
    return { x: event.clientX - box.left, y: event.clientY - box.top }
  }

  const handlePointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    const at = local(event)
    try {
      event.currentTarget.setPointerCapture(event.pointerId)
    } catch {
      // A pointer the browser does not know (a synthetic event) cannot be captured; dragging still works.
    }
    drag.current = { x: at.x, y: at.y, path: [at.x, at.y] }
  }

  const handlePointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const at = local(event)
    const current = drag.current
    if (current) {
      if (tool === 'pan') {
        view.current = panBy(view.current, at.x - current.x, at.y - current.y)
        current.x = at.x
        current.y = at.y
      } else {
        current.path.push(at.x, at.y)
      }
      requestDraw()
      return
    }
    const data = toData(view.current, at.x, at.y)
    // The tooltip is placed where the point was first hovered: no re-render while the pointer
    // stays on the same point.
    const index = nearestPoint(grid, data.x, data.y, HOVER_RADIUS / view.current.scale)
    if (index !== hovered) setHoverAt(at)
    hover(index)
  }

  const handlePointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    const current = drag.current
    drag.current = undefined
    if (!current || tool === 'pan' || current.path.length < 4) {
      requestDraw()
      return
    }
    const path = current.path.slice()
    const corners = path.slice(0, 2).concat(local(event).x, local(event).y)
    const toDataPath = (screen: readonly number[]) =>
      screen.flatMap((value, i) =>
        i % 2 === 0
          ? [toData(view.current, value, screen[i + 1] as number).x]
          : [toData(view.current, screen[i - 1] as number, value).y],
      )
    if (tool === 'brush') {
      const [ax, ay, bx, by] = toDataPath(corners) as [number, number, number, number]
      select(pointsInRect(points, rectFromCorners(ax, ay, bx, by)))
    } else {
      select(pointsInPolygon(points, toDataPath(path)))
    }
  }

  const moveFocus = (step: number) => {
    const clusters = summary.clusters.length
    if (clusters === 0) return
    setFocusedCluster((current) =>
      current === undefined
        ? step > 0
          ? 0
          : clusters - 1
        : (current + step + clusters) % clusters,
    )
  }

  const handleKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => moveFocus(1),
      ArrowDown: () => moveFocus(1),
      ArrowLeft: () => moveFocus(-1),
      ArrowUp: () => moveFocus(-1),
      Home: () => setFocusedCluster(summary.clusters.length > 0 ? 0 : undefined),
      End: () =>
        setFocusedCluster(summary.clusters.length > 0 ? summary.clusters.length - 1 : undefined),
      Escape: () => setFocusedCluster(undefined),
      Enter: () => {
        const group = focusedCluster === undefined ? undefined : groups.members[focusedCluster]
        if (group) select(Array.from(group))
      },
      '+': () => zoomBy(ZOOM_STEP),
      '-': () => zoomBy(1 / ZOOM_STEP),
    }
    const run = keys[event.key]
    if (!run) return
    event.preventDefault()
    run()
  }

  const zoomBy = (factor: number) => {
    view.current = zoomAt(
      view.current,
      factor,
      width / 2,
      height / 2,
      fitted.scale / 4,
      fitted.scale * 256,
    )
    requestDraw()
  }

  const selectedImages = useMemo(
    () =>
      images && selected.length > 0
        ? pickImages(images, selected.filter((i) => i < images.shape[0]).slice(0, selectionLimit))
        : undefined,
    [images, selected, selectionLimit],
  )
  const gridColumns = 10
  const toolButton = (value: ScatterTool, name: string) => (
    <button
      type="button"
      aria-pressed={tool === value}
      onClick={() => setTool(value)}
      style={buttonStyle}
    >
      {name}
    </button>
  )

  return (
    <div className={classNames('lk-latent-scatter', className)} {...rest}>
      <div
        className="lk-latent-scatter__toolbar"
        role="toolbar"
        aria-label="Map tools"
        style={{ display: 'flex', gap: 4, flexWrap: 'wrap', marginBottom: 4 }}
      >
        {toolButton('pan', 'Pan')}
        {toolButton('brush', 'Brush')}
        {toolButton('lasso', 'Lasso')}
        <button
          type="button"
          onClick={() => zoomBy(ZOOM_STEP)}
          style={buttonStyle}
          aria-label="Zoom in"
        >
          +
        </button>
        <button
          type="button"
          onClick={() => zoomBy(1 / ZOOM_STEP)}
          style={buttonStyle}
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          onClick={() => {
            view.current = fitted
            requestDraw()
          }}
          style={buttonStyle}
        >
          Reset view
        </button>
        {selected.length > 0 && (
          <button type="button" onClick={() => select([])} style={buttonStyle}>
            Clear selection ({selected.length})
          </button>
        )}
      </div>
      <div style={{ position: 'relative', width, maxWidth: '100%' }}>
        <canvas
          ref={canvasRef}
          className="lk-latent-scatter__canvas"
          width={width}
          height={height}
          style={{
            width,
            height,
            touchAction: 'none',
            display: 'block',
            cursor: tool === 'pan' ? 'grab' : 'crosshair',
          }}
          tabIndex={0}
          role="img"
          aria-label={`${label}. ${summaryText} Arrow keys move between clusters, Enter selects one, + and − zoom.`}
          onPointerDown={handlePointerDown}
          onPointerMove={handlePointerMove}
          onPointerUp={handlePointerUp}
          onPointerLeave={() => {
            if (!drag.current) hover(undefined)
          }}
          onKeyDown={handleKeyDown}
        />
        {hovered !== undefined && (
          <div
            className="lk-latent-scatter__tooltip"
            role="tooltip"
            style={{
              position: 'absolute',
              left: Math.min(hoverAt.x + 12, Math.max(width - 120, 0)),
              top: Math.min(hoverAt.y + 12, Math.max(height - 140, 0)),
              background: 'var(--lk-tooltip-background, #fff)',
              border: '1px solid #888',
              padding: 4,
              pointerEvents: 'none',
              font: '12px sans-serif',
            }}
          >
            {images && hovered < images.shape[0] && (
              <canvas
                ref={thumbRef}
                className="lk-latent-scatter__thumbnail"
                style={{ display: 'block', imageRendering: 'pixelated' }}
              />
            )}
            <span>
              #{hovered}
              {labels && Number.isInteger(labels[hovered])
                ? ` · ${labelName(labels[hovered] as number)}`
                : ''}
            </span>
          </div>
        )}
      </div>
      <p
        className="lk-latent-scatter__summary"
        style={{ margin: '4px 0', font: '13px sans-serif' }}
      >
        {summaryText}
      </p>
      <div aria-live="polite" className="lk-latent-scatter__announcement" style={VISUALLY_HIDDEN}>
        {announcement}
      </div>
      {groups.labels.length > 1 || groups.labels[0] !== undefined ? (
        <ul
          className="lk-latent-scatter__legend"
          aria-label="Legend"
          style={{
            display: 'flex',
            flexWrap: 'wrap',
            gap: 8,
            listStyle: 'none',
            padding: 0,
            margin: '4px 0',
            font: '12px sans-serif',
          }}
        >
          {groups.labels.map((value, g) => (
            <li
              key={String(value)}
              data-color={groups.colors[g]}
              aria-current={g === focusedCluster || undefined}
            >
              <span
                aria-hidden="true"
                style={{
                  display: 'inline-block',
                  width: 10,
                  height: 10,
                  marginRight: 4,
                  background: groups.colors[g],
                }}
              />
              {value === undefined ? 'points' : labelName(value)} ({groups.members[g]?.length ?? 0})
            </li>
          ))}
        </ul>
      ) : null}
      {selectedImages && (
        <SampleGrid
          images={selectedImages}
          rows={Math.ceil(selectedImages.shape[0] / gridColumns)}
          columns={Math.min(gridColumns, selectedImages.shape[0])}
          colorMap={colorMap}
          label={`${selected.length} selected images${selected.length > selectedImages.shape[0] ? `, the first ${selectedImages.shape[0]} shown` : ''}`}
          className="lk-latent-scatter__selection"
        />
      )}
    </div>
  )
}
