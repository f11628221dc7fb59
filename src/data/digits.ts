/**
 * The UCI handwritten digits (8×8, 1,797 images), shipped inside the package so demos and tests work
 * offline. "Optical Recognition of Handwritten Digits", E. Alpaydin and C. Kaynak (1998), UC Irvine
 * Machine Learning Repository, CC BY 4.0 — keep this attribution wherever the data is shown.
 */
import type { ImageBatch } from '../core/dataset'
import { DIGITS_COUNT, DIGITS_LABELS_BASE64, DIGITS_PIXELS_BASE64 } from './digitsData'

/** Attribution to show wherever the digits are used (CC BY 4.0 requires it). */
export const DIGITS_ATTRIBUTION =
  'UCI Optical Recognition of Handwritten Digits, E. Alpaydin & C. Kaynak (1998), CC BY 4.0'

/** Options of {@link loadDigits}. */
export interface LoadDigitsOptions {
  /** Keep only these digit classes (0–9). Default: all ten. */
  readonly classes?: readonly number[]
  /** Keep at most this many images (after filtering), in data set order. Default: all. */
  readonly limit?: number
}

/** Digits as images in [0, 1] (`[n, 8, 8, 1]`) with their labels. */
export interface DigitsDataset {
  /** Pixel counts 0–16 divided by 16. */
  readonly images: ImageBatch
  /** Digit class of each image. */
  readonly labels: Uint8Array
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Decodes the shipped digits. Each call returns fresh arrays (safe to transfer). */
export function loadDigits(options: LoadDigitsOptions = {}): DigitsDataset {
  const pixels = decodeBase64(DIGITS_PIXELS_BASE64)
  const allLabels = decodeBase64(DIGITS_LABELS_BASE64)
  const keep: number[] = []
  for (let i = 0; i < DIGITS_COUNT; i++) {
    const label = allLabels[i] as number
    if (!options.classes || options.classes.includes(label)) keep.push(i)
    if (options.limit !== undefined && keep.length >= options.limit) break
  }
  const data = new Float32Array(keep.length * 64)
  const labels = new Uint8Array(keep.length)
  keep.forEach((source, row) => {
    labels[row] = allLabels[source] as number
    for (let p = 0; p < 64; p++) data[row * 64 + p] = (pixels[source * 64 + p] as number) / 16
  })
  return { images: { data, shape: [keep.length, 8, 8, 1] }, labels }
}
