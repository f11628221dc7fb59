/**
 * Rows a k-means pass runs through the device, chunk by chunk: kept on the device for a whole fit
 * when they fit (Lloyd and k-means++ read every row many times), else uploaded at each use.
 */
import * as tf from '@tensorflow/tfjs-core'
import { gatherRows, type ImageBatch } from '../../dataset'

/** A chunk of rows, made on demand, with its `Σ‖x‖²` (float64, on the host). */
export interface RowChunk {
  /** Rows in the chunk. */
  readonly count: number
  /** The rows on the host, `count × d`. */
  readonly values: Float32Array
  /** The rows as a `[count, d]` tensor; call inside `tf.tidy`. */
  rows(): tf.Tensor2D
  readonly squares: number
  /** Frees a tensor kept on the device. */
  dispose(): void
}

/** `Σ‖x‖²` of `rows` rows of `d` values from row `start`, in float64. */
export function sumOfSquares(values: Float32Array, start: number, rows: number, d: number): number {
  let sum = 0
  for (let i = start * d; i < (start + rows) * d; i++) sum += (values[i] as number) ** 2
  return sum
}

/**
 * `values` (`n × d`) as consecutive chunks of at most `chunk` rows, kept on the device when
 * `resident`, else uploaded from the host array at each use.
 */
export function splitRows(
  values: Float32Array,
  n: number,
  d: number,
  chunk: number,
  resident: boolean,
): RowChunk[] {
  const chunks: RowChunk[] = []
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start)
    const part = values.subarray(start * d, (start + count) * d)
    const squares = sumOfSquares(values, start, count, d)
    if (!resident) {
      chunks.push(hostChunk(part, count, d, squares))
      continue
    }
    const kept = tf.tensor2d(part, [count, d])
    chunks.push({ count, values: part, rows: () => kept, squares, dispose: () => kept.dispose() })
  }
  return chunks
}

/**
 * All `n` rows of `values` (`n × d`) as one chunk whose `Σ‖x‖²` was measured already (`squares`),
 * uploaded to the device only if a pass asks for them.
 */
export function measuredChunk(
  values: Float32Array,
  n: number,
  d: number,
  squares: number,
): RowChunk {
  return hostChunk(values.subarray(0, n * d), n, d, squares)
}

/** The `count` rows `values` (`count × d`), uploaded to the device at each use. */
function hostChunk(values: Float32Array, count: number, d: number, squares: number): RowChunk {
  return {
    count,
    values,
    rows: () => tf.tensor2d(values, [count, d]),
    squares,
    dispose: () => {},
  }
}

/**
 * The rows `indices` of `data`, gathered on the host (a device gather is far slower on WASM);
 * `squares` is their `Σ‖x‖²`.
 */
export function gatheredChunk(
  data: ImageBatch,
  indices: ArrayLike<number>,
  d: number,
  squares: number,
): RowChunk {
  const values = new Float32Array(indices.length * d)
  gatherRows(values, data.data, indices, d)
  return hostChunk(values, indices.length, d, squares)
}

/** Frees every chunk. */
export function disposeChunks(chunks: readonly RowChunk[]): void {
  for (const chunk of chunks) chunk.dispose()
}
