/**
 * Turning browser images into the engine's form, on the main thread. Nothing here touches the DOM at
 * import time, so it is safe to import during server rendering; call these functions in the browser.
 */
import type { ImageBatch } from '../core/dataset'
import { InvalidInputError } from '../core/errors'

/** Options for converting browser images. */
export interface ImageConversionOptions {
  /** Output channels: `1` (luminance, default) or `3` (RGB). */
  readonly channels?: 1 | 3
  /** Invert values (1 − v), e.g. for dark ink on white paper to match the digits. Default `false`. */
  readonly invert?: boolean
}

/** Options for {@link fromImageSources}: the size to resize to, plus conversion options. */
export interface ResizeOptions extends ImageConversionOptions {
  /** Output width in pixels. */
  readonly width: number
  /** Output height in pixels. */
  readonly height: number
}

/** Anything the canvas can draw. */
export type DrawableImage = HTMLImageElement | HTMLCanvasElement | ImageBitmap | OffscreenCanvas

/** Converts one or more `ImageData` of equal size into an {@link ImageBatch} with values in [0, 1]. */
export function fromImageData(
  images: ImageData | readonly ImageData[],
  options: ImageConversionOptions = {},
): ImageBatch {
  const list: readonly ImageData[] = Array.isArray(images) ? images : [images as ImageData]
  const first = list[0]
  if (!first) throw new InvalidInputError('fromImageData needs at least one ImageData')
  const channels = options.channels ?? 1
  const { width, height } = first
  const out = new Float32Array(list.length * width * height * channels)
  list.forEach((image, n) => {
    if (image.width !== width || image.height !== height) {
      throw new InvalidInputError(
        `image ${n} is ${image.width}×${image.height} but image 0 is ${width}×${height}; resize them to one size (fromImageSources does)`,
      )
    }
    const base = n * width * height * channels
    for (let p = 0; p < width * height; p++) {
      const r = (image.data[p * 4] as number) / 255
      const g = (image.data[p * 4 + 1] as number) / 255
      const b = (image.data[p * 4 + 2] as number) / 255
      if (channels === 1) {
        const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        out[base + p] = options.invert ? 1 - y : y
      } else {
        out[base + p * 3] = options.invert ? 1 - r : r
        out[base + p * 3 + 1] = options.invert ? 1 - g : g
        out[base + p * 3 + 2] = options.invert ? 1 - b : b
      }
    }
  })
  return { data: out, shape: [list.length, height, width, channels] }
}

/**
 * Draws images (`<img>`, canvases, bitmaps) resized to `width × height` and converts them to an
 * {@link ImageBatch}. Browser only.
 */
export function fromImageSources(
  sources: DrawableImage | readonly DrawableImage[],
  options: ResizeOptions,
): ImageBatch {
  const list: readonly DrawableImage[] = Array.isArray(sources)
    ? sources
    : [sources as DrawableImage]
  const { width, height } = options
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InvalidInputError(`width and height must be integers ≥ 1; got ${width}×${height}`)
  }
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (!context) throw new InvalidInputError('this browser cannot create a 2D canvas context')
  const frames = list.map((source) => {
    context.clearRect(0, 0, width, height)
    context.drawImage(source, 0, 0, width, height)
    return context.getImageData(0, 0, width, height)
  })
  return fromImageData(frames, options)
}
