/**
 * Signed values (atoms, filters) as colours on a diverging colour scale, with zero at its midpoint.
 * No DOM.
 */
import type { ImageBatch } from '../core/dataset'
import { COLOR_LEVELS } from './colorScale'

/** Largest |value| of image `index` (1 when it is all zeros). */
export function largestMagnitude(images: ImageBatch, index: number): number {
  const size = images.shape[1] * images.shape[2] * images.shape[3]
  let largest = 0
  for (let i = index * size; i < (index + 1) * size; i++) {
    largest = Math.max(largest, Math.abs(images.data[i] as number))
  }
  return largest > 0 ? largest : 1
}

/**
 * RGBA bytes of signed image `index`, scaled by its own largest magnitude so that 0 sits at the
 * middle of the scale. One channel: coloured by `lookup`. Three channels: each channel shown as
 * 0.5 + 0.5·value/largest (grey is zero), since one scale cannot show three signed channels.
 */
export function signedToRGBA(
  images: ImageBatch,
  index: number,
  lookup: Uint8Array,
): Uint8ClampedArray<ArrayBuffer> {
  const [, height, width, channels] = images.shape
  const pixels = height * width
  const out = new Uint8ClampedArray(pixels * 4)
  const base = index * pixels * channels
  const largest = largestMagnitude(images, index)
  for (let p = 0; p < pixels; p++) {
    if (channels === 1) {
      const t = 0.5 + (0.5 * (images.data[base + p] as number)) / largest
      const level = Math.max(0, Math.min(COLOR_LEVELS - 1, Math.round(t * (COLOR_LEVELS - 1))))
      out[p * 4] = lookup[3 * level] as number
      out[p * 4 + 1] = lookup[3 * level + 1] as number
      out[p * 4 + 2] = lookup[3 * level + 2] as number
    } else {
      for (let c = 0; c < 3; c++) {
        const value = images.data[base + p * channels + Math.min(c, channels - 1)] as number
        out[p * 4 + c] = Math.round(255 * (0.5 + (0.5 * value) / largest))
      }
    }
    out[p * 4 + 3] = 255
  }
  return out
}
