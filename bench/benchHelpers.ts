/** Small helpers the bench's Node parts share: summary statistics, image rows, timing. */
import type { ImageBatch } from '../src/core/dataset'

/** The mean of `xs`. */
export const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length

/** The sample standard deviation of `xs` (0 for one value). */
export function spread(xs: readonly number[]): number {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, xs.length - 1))
}

/** `mean ± spread` of `xs`, to `digits` decimals. */
export const meanSpreadCell = (xs: readonly number[], digits = 3): string =>
  `${mean(xs).toFixed(digits)} ± ${spread(xs).toFixed(digits)}`

/** The `rows` of a batch of 8×8 digits, in that order. */
export function digitRows(images: ImageBatch, rows: ArrayLike<number>): ImageBatch {
  const data = new Float32Array(rows.length * 64)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number
    data.set(images.data.subarray(row * 64, row * 64 + 64), i * 64)
  }
  return { data, shape: [rows.length, 8, 8, 1] }
}

/** `run`'s value and the seconds it took. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now()
  const value = await run()
  return { value, seconds: (performance.now() - started) / 1000 }
}

/** The `rows` of a batch of images of any shape, in that order. */
export function imageRows(images: ImageBatch, rows: ArrayLike<number>): ImageBatch {
  const [, height, width, channels] = images.shape
  const size = height * width * channels
  const data = new Float32Array(rows.length * size)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number
    data.set(images.data.subarray(row * size, (row + 1) * size), i * size)
  }
  return { data, shape: [rows.length, height, width, channels] }
}
