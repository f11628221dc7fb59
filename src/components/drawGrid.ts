/** Draws a batch of images into a canvas as a grid. Call from effects only (touches the DOM). */
import type { ReactNode } from 'react'
import type { ImageBatch } from '../core/dataset'
import { imageToRGBA, tileOrigin, type GridLayout, type ImageColorMap } from './imagePixels'

/** Options of {@link drawImageGrid}. */
export interface DrawGridOptions {
  readonly layout: GridLayout
  readonly colorMap: ImageColorMap
  readonly pixelated: boolean
  /** Fill behind the tiles (the gaps). */
  readonly background: string
  /** Tile to outline, e.g. the keyboard focus. */
  readonly highlight?: number | undefined
  /** Outline colour. */
  readonly highlightColor?: string
  /** Colours image `index` instead of `colorMap` (e.g. signed values on a diverging scale). */
  readonly rgba?: (images: ImageBatch, index: number) => Uint8ClampedArray<ArrayBuffer>
}

/** Paints up to `rows × columns` images of `images` onto `canvas`, resizing it to the layout. */
export function drawImageGrid(
  canvas: HTMLCanvasElement,
  images: ImageBatch,
  options: DrawGridOptions,
): void {
  const { layout } = options
  if (canvas.width !== layout.width) canvas.width = layout.width
  if (canvas.height !== layout.height) canvas.height = layout.height
  const context = canvas.getContext('2d')
  if (!context) return
  const [count, height, width] = images.shape
  context.fillStyle = options.background
  context.fillRect(0, 0, layout.width, layout.height)
  const tile = document.createElement('canvas')
  tile.width = width
  tile.height = height
  const tileContext = tile.getContext('2d')
  if (!tileContext) return
  context.imageSmoothingEnabled = !options.pixelated
  const shown = Math.min(count, layout.rows * layout.columns)
  for (let i = 0; i < shown; i++) {
    tileContext.putImageData(
      new ImageData(
        options.rgba ? options.rgba(images, i) : imageToRGBA(images, i, options.colorMap),
        width,
        height,
      ),
      0,
      0,
    )
    const { x, y } = tileOrigin(layout, i)
    context.drawImage(tile, x, y, layout.tileWidth, layout.tileHeight)
  }
  if (options.highlight !== undefined && options.highlight < shown) {
    const { x, y } = tileOrigin(layout, options.highlight)
    context.strokeStyle = options.highlightColor ?? '#f59e0b'
    context.lineWidth = 2
    context.strokeRect(x + 1, y + 1, layout.tileWidth - 2, layout.tileHeight - 2)
  }
}

/** `background`, else the theme's `--lk-grid-background`, else a dark slate. */
export function resolveBackground(
  canvas: HTMLCanvasElement,
  background: string | undefined,
): string {
  if (background) return background
  const fromTheme = getComputedStyle(canvas).getPropertyValue('--lk-grid-background').trim()
  return fromTheme || '#111827'
}

/** Appearance props every tile grid (`SampleGrid`, `DictionaryGrid`) takes. */
export interface TileGridAppearance {
  /** Canvas pixels per image pixel. Default `4`. */
  scale?: number
  /** Canvas pixels between tiles. Default `2`. */
  gap?: number
  /** Keep hard pixel edges when scaling up. Default `true`. */
  pixelated?: boolean
  /** Colour behind and between tiles. Default `var(--lk-grid-background)` resolved, else `#111827`. */
  background?: string
  /** Rendered instead of the canvas while there is nothing to draw. Default: a short text. */
  renderEmpty?: () => ReactNode
}

/** Paints RGBA pixels of `width × height` onto `canvas`, scaled up with hard edges; returns its context. */
export function paintImage(
  canvas: HTMLCanvasElement | null,
  rgba: Uint8ClampedArray<ArrayBuffer>,
  width: number,
  height: number,
  scale: number,
): CanvasRenderingContext2D | undefined {
  if (!canvas) return undefined
  canvas.width = width * scale
  canvas.height = height * scale
  const context = canvas.getContext('2d')
  if (!context) return undefined
  const tile = document.createElement('canvas')
  tile.width = width
  tile.height = height
  tile.getContext('2d')?.putImageData(new ImageData(rgba, width, height), 0, 0)
  context.imageSmoothingEnabled = false
  context.drawImage(tile, 0, 0, width * scale, height * scale)
  return context
}
