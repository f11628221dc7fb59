/**
 * Exact k nearest neighbours of every row (Euclidean), on TF.js in blocks of rows: each block's
 * squared distances to all rows by one matMul (‖a‖² + ‖b‖² − 2a·b), then `topk`. Between blocks it
 * yields to the event loop, so the worker keeps answering (its heartbeat) however many rows there are.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { LatentBatch } from '../../dataset'
import { yieldToEventLoop } from '../../trainingControl'

/** Each row's neighbours, nearest first (the row itself first, at distance 0), row-major. */
export interface Neighbours {
  /** Neighbours per row. */
  readonly k: number
  /** `n × k` row indices: row `i`'s neighbours are `indices[i·k … i·k + k − 1]`. */
  readonly indices: Int32Array
  /** `n × k` Euclidean distances, in the same places. */
  readonly distances: Float64Array
}

/** Distances computed at once: rows per block × all rows (about 4 M values, 16 MB). */
const BLOCK_VALUES = 4_000_000

/**
 * The `k` nearest rows of every row of `codes` (itself included), exactly; `onRows(done)` after each
 * block of about `blockValues` distances (default 4,000,000). Holds no tensor once it settles.
 */
export async function nearestNeighbours(
  codes: LatentBatch,
  k: number,
  onRows?: (done: number) => void,
  blockValues = BLOCK_VALUES,
): Promise<Neighbours> {
  const [n, d] = codes.shape
  const block = Math.max(1, Math.min(n, Math.floor(blockValues / n)))
  const indices = new Int32Array(n * k)
  const distances = new Float64Array(n * k)
  const all = tf.tensor2d(codes.data, [n, d])
  // An explicit transpose: a transposed matMul is ~10× slower on WASM.
  const allT = tf.transpose(all)
  const norms = tf.tidy(() => tf.sum(tf.square(all), 1))
  try {
    for (let start = 0; start < n; start += block) {
      const rows = Math.min(block, n - start)
      const nearest = tf.tidy(() => {
        const part = tf.slice(all, [start, 0], [rows, d])
        const partNorms = tf.reshape(tf.slice(norms, [start], [rows]), [rows, 1])
        const squared = tf.sub(
          tf.add(partNorms, tf.reshape(norms, [1, n])),
          tf.mul(tf.matMul(part, allT), 2),
        )
        return tf.topk(tf.neg(squared), k)
      })
      const [values, found] = await Promise.all([nearest.values.data(), nearest.indices.data()])
      nearest.values.dispose()
      nearest.indices.dispose()
      for (let r = 0; r < rows; r++) {
        const row = start + r
        const at = row * k
        indices[at] = row
        distances[at] = 0
        let kept = 1
        for (let j = 0; j < k && kept < k; j++) {
          const id = found[r * k + j] as number
          if (id === row) continue
          indices[at + kept] = id
          distances[at + kept] = Math.sqrt(Math.max(-(values[r * k + j] as number), 0))
          kept++
        }
      }
      onRows?.(start + rows)
      await yieldToEventLoop()
    }
  } finally {
    all.dispose()
    allT.dispose()
    norms.dispose()
  }
  return { k, indices, distances }
}
