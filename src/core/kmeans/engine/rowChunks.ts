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
    const kept = resident ? tf.tensor2d(part, [count, d]) : undefined
    chunks.push({
      count,
      values: part,
      rows: () => kept ?? tf.tensor2d(part, [count, d]),
      squares: sumOfSquares(values, start, count, d),
      dispose: () => kept?.dispose(),
    })
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
  const rows = values.subarray(0, n * d)
  return {
    count: n,
    values: rows,
    rows: () => tf.tensor2d(rows, [n, d]),
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
  return {
    count: indices.length,
    values,
    rows: () => tf.tensor2d(values, [indices.length, d]),
    squares,
    dispose: () => {},
  }
}

/** Frees every chunk. */
export function disposeChunks(chunks: readonly RowChunk[]): void {
  for (const chunk of chunks) chunk.dispose()
}
