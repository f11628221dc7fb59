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

/** Where a run of `trainToCheckpoints` stands when it measures. */
export interface CheckpointAt {
  /** Epochs trained so far (the checkpoint). */
  readonly epochs: number
  /** Seconds spent in `fit` so far: training only, never the measurements between checkpoints. */
  readonly seconds: number
  /** Whether this is the last checkpoint. */
  readonly last: boolean
}

/**
 * Trains a model to each of `checkpoints` (total epochs, increasing) by calling `fit` with the
 * epochs still to go, and after each calls `measure` with the epochs and training seconds so far;
 * resolves with what `measure` returned at each checkpoint, in order. The same loop for every
 * likelihood curve of the bench (MADE, the VAE's ELBO, the Helmholtz machine), so a model is
 * trained once and measured on the way instead of trained again for each length.
 */
export async function trainToCheckpoints<Point>(
  fit: (epochs: number) => Promise<unknown>,
  checkpoints: readonly number[],
  measure: (at: CheckpointAt) => Promise<Point>,
): Promise<Point[]> {
  const points: Point[] = []
  let seconds = 0
  let done = 0
  for (const [i, epochs] of checkpoints.entries()) {
    if (epochs <= done) throw new Error(`checkpoints must increase: ${checkpoints.join(', ')}`)
    const started = performance.now()
    await fit(epochs - done)
    seconds += (performance.now() - started) / 1000
    done = epochs
    points.push(await measure({ epochs, seconds, last: i === checkpoints.length - 1 }))
  }
  return points
}
