/** Pure helpers that lay out and colour images for a canvas. No DOM. */
import type { ImageBatch } from '../core/dataset'

/** How values in [0, 1] become colours: `'grayscale'` (0 black, 1 white) or `'inverted'` (ink on paper). */
export type ImageColorMap = 'grayscale' | 'inverted'

/** Geometry of a grid of tiles, in canvas pixels. */
export interface GridLayout {
  readonly rows: number
  readonly columns: number
  readonly tileWidth: number
  readonly tileHeight: number
  readonly gap: number
  readonly width: number
  readonly height: number
}

/** The largest canvas side a grid draws (browsers refuse far larger canvases, or draw nothing). */
export const MAX_CANVAS_SIDE = 16384
/** The most rows or columns a grid lays out. */
export const MAX_GRID_SIDE = 256

/**
 * What is wrong with a grid's geometry props, in words for the component's empty state, or
 * undefined when they are usable: `rows`/`columns` integers in [1, 256], `scale` a finite number > 0,
 * `gap` an integer ≥ 0, and a canvas no larger than 16384 pixels a side for `imageSide`-pixel images.
 */
export function gridProblem(
  component: string,
  geometry: { rows: number; columns: number; scale: number; gap: number },
  imageSide = 1,
): string | undefined {
  const { rows, columns, scale, gap } = geometry
  for (const [name, value] of [
    ['columns', columns],
    ['rows', rows],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_GRID_SIDE) {
      return `${component}: ${name} must be an integer from 1 to ${MAX_GRID_SIDE}; got ${String(value)}`
    }
  }
  if (!(Number.isFinite(scale) && scale > 0)) {
    return `${component}: scale must be a number > 0; got ${String(scale)}`
  }
  if (!Number.isInteger(gap) || gap < 0) {
    return `${component}: gap must be an integer ≥ 0; got ${String(gap)}`
  }
  const side = Math.max(rows, columns) * (imageSide * scale + gap)
  if (side > MAX_CANVAS_SIDE) {
    return `${component}: the grid would be ${Math.round(side)} pixels wide; keep it within ${MAX_CANVAS_SIDE} (fewer rows or columns, or a smaller scale)`
  }
  return undefined
}

/** Lays out `rows × columns` tiles of `imageWidth × imageHeight` pixels, each scaled by `scale`. */
export function gridLayout(
  imageHeight: number,
  imageWidth: number,
  rows: number,
  columns: number,
  scale: number,
  gap: number,
): GridLayout {
  const tileWidth = Math.max(1, Math.round(imageWidth * scale))
  const tileHeight = Math.max(1, Math.round(imageHeight * scale))
  return {
    rows,
    columns,
    tileWidth,
    tileHeight,
    gap,
    width: columns * tileWidth + (columns - 1) * gap,
    height: rows * tileHeight + (rows - 1) * gap,
  }
}

/** Top-left corner of tile `index`. */
export function tileOrigin(layout: GridLayout, index: number): { x: number; y: number } {
  const row = Math.floor(index / layout.columns)
  const column = index % layout.columns
  return { x: column * (layout.tileWidth + layout.gap), y: row * (layout.tileHeight + layout.gap) }
}

/** Index of the tile under canvas point (x, y), or undefined in a gap or outside. */
export function tileAt(layout: GridLayout, x: number, y: number): number | undefined {
  const column = Math.floor(x / (layout.tileWidth + layout.gap))
  const row = Math.floor(y / (layout.tileHeight + layout.gap))
  if (column < 0 || row < 0 || column >= layout.columns || row >= layout.rows) return undefined
  if (x - column * (layout.tileWidth + layout.gap) >= layout.tileWidth) return undefined
  if (y - row * (layout.tileHeight + layout.gap) >= layout.tileHeight) return undefined
  return row * layout.columns + column
}

const clampByte = (value: number): number =>
  value <= 0 ? 0 : value >= 1 ? 255 : Math.round(value * 255)

/** RGBA bytes of image `index` at its native size (values clamped to [0, 1]). */
export function imageToRGBA(
  images: ImageBatch,
  index: number,
  colorMap: ImageColorMap = 'grayscale',
): Uint8ClampedArray<ArrayBuffer> {
  const [, height, width, channels] = images.shape
  const size = height * width
  const out = new Uint8ClampedArray(size * 4)
  const base = index * size * channels
  for (let p = 0; p < size; p++) {
    for (let c = 0; c < 3; c++) {
      const value = images.data[base + p * channels + (channels === 1 ? 0 : c)] ?? 0
      const byte = clampByte(value)
      out[p * 4 + c] = colorMap === 'inverted' ? 255 - byte : byte
    }
    out[p * 4 + 3] = 255
  }
  return out
}

/** RGBA bytes of a fully transparent tile of `pixels` pixels: the background shows through. */
export function blankRGBA(pixels: number): Uint8ClampedArray<ArrayBuffer> {
  return new Uint8ClampedArray(pixels * 4)
}

/** The images of `images` at `order`, as a new batch in that order. */
export function pickImages(images: ImageBatch, order: readonly number[]): ImageBatch {
  const [, h, w, c] = images.shape
  const size = h * w * c
  const data = new Float32Array(order.length * size)
  order.forEach((from, to) =>
    data.set(images.data.subarray(from * size, (from + 1) * size), to * size),
  )
  return { data, shape: [order.length, h, w, c] }
}
