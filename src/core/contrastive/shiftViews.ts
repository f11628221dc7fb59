/**
 * The deterministic views `encodeViews: 'shifts'` averages over: an image and its four one-pixel
 * shifts. Plain TypeScript on `Float32Array`s (no TF.js).
 */
import type { ImageBatch } from '../dataset'

/** Row and column offsets of the views: the image itself, then down, up, right, left. */
export const SHIFT_VIEWS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
]

/**
 * `images` moved by `dy` rows and `dx` columns (positive: down and right): pixel `(y, x)` of a view
 * is pixel `(y − dy, x − dx)` of its image, 0 where that lies outside.
 */
export function shiftedImages(images: ImageBatch, dy: number, dx: number): ImageBatch {
  const [n, h, w, c] = images.shape
  const out = new Float32Array(images.data.length)
  const plane = w * c
  const width = (w - Math.abs(dx)) * c
  if (width <= 0 || Math.abs(dy) >= h) return { data: out, shape: images.shape }
  for (let i = 0; i < n; i++) {
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = (i * h + y - dy) * plane + Math.max(0, -dx) * c
      out.set(images.data.subarray(from, from + width), (i * h + y) * plane + Math.max(0, dx) * c)
    }
  }
  return { data: out, shape: images.shape }
}
