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
