/** Story helpers for sparse coding: a test image made of digits, noise, and PSNR. */
import type { ImageBatch } from '../src/core/dataset'
import { createRandom } from '../src/core/random'
import { loadDigits } from '../src/data/digits'

/** `side × side` digits tiled into one image (`[1, 8·side, 8·side, 1]`), starting at digit `first`. */
export function digitCollage(side: number, first = 0): ImageBatch {
  const { images } = loadDigits()
  const size = 8 * side
  const data = new Float32Array(size * size)
  for (let t = 0; t < side * side; t++) {
    const digit = first + t
    const top = Math.floor(t / side) * 8
    const left = (t % side) * 8
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        data[(top + y) * size + left + x] = images.data[digit * 64 + y * 8 + x] as number
      }
    }
  }
  return { data, shape: [1, size, size, 1] }
}

/** `image` plus Gaussian noise of standard deviation `sigma` (seeded). */
export function withNoise(image: ImageBatch, sigma: number, seed = 1): ImageBatch {
  const noise = createRandom(seed).normals(image.data.length)
  return { data: image.data.map((v, i) => v + sigma * (noise[i] as number)), shape: image.shape }
}

/** PSNR of `estimate` against `reference`, peak 1, in dB. */
export function psnr(reference: ImageBatch, estimate: ImageBatch): number {
  let total = 0
  for (let i = 0; i < reference.data.length; i++) {
    total += ((reference.data[i] as number) - (estimate.data[i] as number)) ** 2
  }
  return 10 * Math.log10(1 / Math.max(total / reference.data.length, 1e-12))
}

/** Batches of one shape one after the other (for SampleGrid rows). */
export function batchOf(...batches: ImageBatch[]): ImageBatch {
  const first = batches[0] as ImageBatch
  const size = first.data.length
  const data = new Float32Array(size * batches.length)
  batches.forEach((batch, i) => data.set(batch.data.subarray(0, size), i * size))
  return {
    data,
    shape: [first.shape[0] * batches.length, first.shape[1], first.shape[2], first.shape[3]],
  }
}

/** `count` digits starting at `first`, as a batch `[count, 8, 8, 1]`. */
export function heldOutDigits(first: number, count: number): ImageBatch {
  const { images } = loadDigits()
  return { data: images.data.slice(first * 64, (first + count) * 64), shape: [count, 8, 8, 1] }
}
