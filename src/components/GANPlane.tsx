'use client'
import { interpolatePuOr } from 'd3-scale-chromatic'
import { useEffect, useId, useRef, type HTMLAttributes, type ReactNode } from 'react'
import type { View2D, View2DOptions } from '../core/gan/ganSpec'
import { planeExtent } from '../core/gan/ganMetrics'
import { classNames } from './composeProps'
import { isTrained, type ActionResult, type SampleSource } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'

/** A model that can show how it sees the plane (e.g. the result of `useGAN` on 2-D data). */
export interface PlaneSource extends Pick<SampleSource, 'modelVersion' | 'model'> {
  /** The discriminator over a grid of the plane and a batch of generated points. */
  view2d(options?: View2DOptions): ActionResult<View2D>
}

/** Props of {@link GANPlane}. Other attributes (`style`, `id`, handlers, …) pass through to the `<figure>`. */
export interface GANPlaneProps extends HTMLAttributes<HTMLElement> {
  /** The GAN (e.g. `useGAN`'s result); redraws live as it trains. */
  model: PlaneSource
  /** Real points to draw (`{ data, shape: [n, 2] }`), e.g. the training data. */
  data?: { readonly data: Float32Array; readonly shape: readonly number[] }
  /** Width and height of the canvas in CSS pixels. Default `360`. */
  size?: number
  /** Cells per side of the discriminator heatmap (evaluated in the worker). Default `48`. */
  gridSize?: number
  /** Generated points drawn. Default `512`. */
  samples?: number
  /** Seed of the generated points' noise (fixed, so you watch the same points move). Default `0`. */
  seed?: number
  /** Draw the discriminator's output as a heatmap. Default `true`. */
  showHeatmap?: boolean
  /** Draw the real points. Default `true`. */
  showReal?: boolean
  /** Draw the generated points. Default `true`. */
  showGenerated?: boolean
  /** Point radius in CSS pixels. Default `1.5`. */
  pointRadius?: number
  /** Colour of real points. Default `var(--lk-real-color)` or `#111827`. */
  realColor?: string
  /** Colour of generated points. Default `var(--lk-fake-color)` or `#16a34a`. */
  generatedColor?: string
  /** Maps D(x) ∈ [0, 1] to a CSS colour. Default: d3's diverging PuOr (purple = fake, orange = real). */
  colorScale?: (value: number) => string
  /** Visible title above the plane (not the HTML `title` tooltip). Default `'Generator and discriminator'`. */
  title?: string
  /** Accessible name of the plane. Default: `title`. */
  label?: string
  /** Rendered under the plane, in place of the summary, until the model is trained (the plane shows the real points meanwhile). Default: "Not trained yet: the plane shows the real data only." */
  renderEmpty?: () => ReactNode
}

function parseColor(css: string): [number, number, number] {
  const rgb = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css)
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])]
  const hex = /^#([0-9a-f]{6})$/i.exec(css)
  if (hex) {
    const n = parseInt(hex[1] as string, 16)
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
  }
  return [128, 128, 128]
}

function cssVariable(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback
}

/** Where a value falls in the heatmap range, for the text summary. */
function range(values: Float32Array): [number, number] {
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  return [min, max]
}

/**
 * The 2-D teaching view of a GAN: real points, generated points, and the discriminator's belief over
 * the plane as a heatmap, live while training. The grid is evaluated in the worker; drawing uses
 * the transferred arrays. SSR-safe.
 */
export function GANPlane({
  model,
  data,
  size = 360,
  gridSize = 48,
  samples = 512,
  seed = 0,
  showHeatmap = true,
  showReal = true,
  showGenerated = true,
  pointRadius = 1.5,
  realColor,
  generatedColor,
  colorScale = interpolatePuOr,
  title = 'Generator and discriminator',
  label = title,
  renderEmpty,
  className,
  ...figureProps
}: GANPlaneProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const legendRef = useRef<HTMLCanvasElement>(null)
  const summaryId = useId()
  const trained = isTrained(model)
  const view = useLatestAsync(
    trained ? `${model.modelVersion}:${gridSize}:${samples}:${seed}` : undefined,
    () => model.view2d({ gridSize, samples, seed }),
  )

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas) return
    const ratio = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1
    canvas.width = Math.round(size * ratio)
    canvas.height = Math.round(size * ratio)
    const context = canvas.getContext('2d')
    if (!context) return
    context.setTransform(ratio, 0, 0, ratio, 0, 0)
    context.clearRect(0, 0, size, size)
    context.fillStyle = cssVariable(canvas, '--lk-plane-background', '#f9fafb')
    context.fillRect(0, 0, size, size)
    if (view && showHeatmap) {
      const cells = new ImageData(view.gridSize, view.gridSize)
      for (let i = 0; i < view.heatmap.length; i++) {
        const [r, g, b] = parseColor(colorScale(view.heatmap[i] as number))
        cells.data[i * 4] = r
        cells.data[i * 4 + 1] = g
        cells.data[i * 4 + 2] = b
        cells.data[i * 4 + 3] = 255
      }
      const tile = document.createElement('canvas')
      tile.width = view.gridSize
      tile.height = view.gridSize
      tile.getContext('2d')?.putImageData(cells, 0, 0)
      context.imageSmoothingEnabled = true
      context.drawImage(tile, 0, 0, size, size)
    }
    if (data && showReal) {
      // Before training there is no view: the real points get an extent of their own.
      drawPoints(
        context,
        data.data,
        view?.extent,
        size,
        pointRadius,
        realColor ?? cssVariable(canvas, '--lk-real-color', '#111827'),
      )
    }
    if (view && showGenerated) {
      drawPoints(
        context,
        view.generated,
        view.extent,
        size,
        pointRadius + 0.5,
        generatedColor ?? cssVariable(canvas, '--lk-fake-color', '#16a34a'),
      )
    }
  }, [
    view,
    data,
    size,
    showHeatmap,
    showReal,
    showGenerated,
    pointRadius,
    realColor,
    generatedColor,
    colorScale,
  ])

  useEffect(() => {
    const legend = legendRef.current
    const context = legend?.getContext('2d')
    if (!legend || !context) return
    for (let x = 0; x < legend.width; x++) {
      context.fillStyle = colorScale(x / (legend.width - 1))
      context.fillRect(x, 0, 1, legend.height)
    }
  }, [colorScale])

  let summary: ReactNode
  if (!view) {
    summary = renderEmpty ? renderEmpty() : 'Not trained yet: the plane shows the real data only.'
  } else {
    const [low, high] = range(view.heatmap)
    summary = `After step ${model.model?.trainedSteps ?? 0}: ${view.generated.length / 2} generated points; the discriminator's D(x) ranges from ${low.toFixed(2)} to ${high.toFixed(2)} over the plane.`
  }

  return (
    <figure {...figureProps} className={classNames('lk-gan-plane', className)}>
      <figcaption className="lk-gan-plane__title">{title}</figcaption>
      <canvas
        ref={canvasRef}
        className="lk-gan-plane__canvas"
        role="img"
        aria-label={label}
        aria-describedby={summaryId}
        style={{ width: size, height: size, maxWidth: '100%' }}
      />
      {showHeatmap ? (
        <div
          className="lk-gan-plane__legend"
          style={{ display: 'flex', alignItems: 'center', gap: 6, fontSize: 11 }}
        >
          <span>D(x) 0 (fake)</span>
          <canvas ref={legendRef} width={120} height={10} aria-hidden="true" />
          <span>1 (real)</span>
        </div>
      ) : null}
      <div
        id={summaryId}
        className="lk-gan-plane__summary"
        style={{ fontSize: 12, margin: '4px 0 0' }}
      >
        {summary}
      </div>
    </figure>
  )
}

function drawPoints(
  context: CanvasRenderingContext2D,
  points: Float32Array,
  extent: readonly [number, number, number, number] | undefined,
  size: number,
  radius: number,
  color: string,
): void {
  const [x0, x1, y0, y1] = extent ?? planeExtent(points)
  context.fillStyle = color
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = (((points[i] as number) - x0) / (x1 - x0)) * size
    const y = ((y1 - (points[i + 1] as number)) / (y1 - y0)) * size
    context.beginPath()
    context.arc(x, y, radius, 0, 2 * Math.PI)
    context.fill()
  }
}
