/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's local trials): each new
 * centre is the best of `2 + ⌊ln k⌋` rows drawn with probability proportional to their squared
 * distance to the nearest centre so far. Distances to the candidates run on the device, chunk by
 * chunk; the draws and potentials on the host in float64.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Random } from '../../random'
import { yieldToEventLoop } from '../../trainingControl'
import type { FusedClusterSums } from './fusedClusterSums'
import type { RowChunk } from './rowChunks'

/** Local trials per centre (scikit-learn's `2 + ⌊ln k⌋`). */
export function localTrials(k: number): number {
  return 2 + Math.floor(Math.log(k))
}

/** First index whose cumulative sum reaches `target` (numpy's `searchsorted`, left). */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let low = 0
  let high = cumulative.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if ((cumulative[middle] as number) < target) low = middle + 1
    else high = middle
  }
  return low
}

/** Squared distances `[m, t]` of a chunk's rows to `t` candidate rows (`[t, d]`), never below 0. */
export function candidateDistances(x: tf.Tensor2D, candidates: tf.Tensor2D): tf.Tensor2D {
  const rowNorms = tf.sum(tf.square(x), 1, true)
  const candidateNorms = tf.reshape(tf.sum(tf.square(candidates), 1), [1, -1])
  const cross = tf.matMul(x, tf.transpose(candidates))
  return tf.relu(tf.add(tf.sub(rowNorms, tf.mul(cross, 2)), candidateNorms)) as tf.Tensor2D
}

/** Squared distances of every row of `chunks` to each of `candidates` (rows of `values`): `[n, t]`. */
async function distancesTo(
  values: Float32Array,
  chunks: readonly RowChunk[],
  n: number,
  d: number,
  candidates: readonly number[],
): Promise<Float32Array> {
  const t = candidates.length
  const picked = new Float32Array(t * d)
  candidates.forEach((row, i) => picked.set(values.subarray(row * d, (row + 1) * d), i * d))
  const out = new Float32Array(n * t)
  let offset = 0
  for (const chunk of chunks) {
    const result = tf.tidy(() => candidateDistances(chunk.rows(), tf.tensor2d(picked, [t, d])))
    out.set((await result.data()) as Float32Array, offset * t)
    result.dispose()
    offset += chunk.count
  }
  return out
}

/** Float32 squared norms of the `n` rows of `values` (`n × d`), summed in order. */
export function rowNorms(values: Float32Array, n: number, d: number): Float32Array {
  const norms = new Float32Array(n)
  for (let r = 0; r < n; r++) {
    let norm = 0
    for (let j = r * d; j < (r + 1) * d; j++) norm = Math.fround(norm + (values[j] as number) ** 2)
    norms[r] = norm
  }
  return norms
}

/**
 * {@link candidateDistances} of every row of `values` on the fused kernels: `‖x‖² − 2 x·c + ‖c‖²`
 * in float32 (rounded as the TF.js operations round), never below 0.
 */
function fusedDistances(
  fused: FusedClusterSums,
  values: Float32Array,
  n: number,
  d: number,
): (candidates: readonly number[]) => Float32Array {
  const norms = rowNorms(values, n, d)
  return (candidates) => {
    const t = candidates.length
    const out = new Float32Array(n * t)
    fused.candidateDots(values, n, candidates, out)
    for (let r = 0; r < n; r++) {
      const norm = norms[r] as number
      for (let i = 0; i < t; i++) {
        const at = r * t + i
        const centred = Math.fround(norm - 2 * (out[at] as number))
        out[at] = Math.max(0, centred + (norms[candidates[i] as number] as number))
      }
    }
    return out
  }
}

/**
 * {@link kMeansPlusPlus} of `n` rows that fit in `fused`'s buffers, every round in kernel memory:
 * the distances through the `gemm`, the potentials and running sums in the `seedTrials` and
 * `seedKeep` kernels (the same sums, in the same order, as on the host).
 */
async function kernelKMeansPlusPlus(
  fused: FusedClusterSums,
  values: Float32Array,
  n: number,
  d: number,
  k: number,
  random: Random,
): Promise<Int32Array> {
  const chosen = new Int32Array(k)
  const trials = localTrials(k)
  fused.startSeeding(values, n, () => rowNorms(values, n, d))
  chosen[0] = random.int(n)
  let potential = fused.seedTrials([chosen[0] as number])[0] as number
  let cumulative = fused.seedKeep(0, 1)
  for (let c = 1; c < k; c++) {
    const candidates = Array.from({ length: trials }, () =>
      searchCumulative(cumulative, random.uniform() * potential),
    )
    const potentials = fused.seedTrials(candidates)
    let best = 0
    let bestPotential = Infinity
    for (let t = 0; t < trials; t++) {
      if ((potentials[t] as number) < bestPotential) {
        best = t
        bestPotential = potentials[t] as number
      }
    }
    chosen[c] = candidates[best] as number
    potential = bestPotential
    cumulative = fused.seedKeep(best, trials)
    // Let the worker answer messages (heartbeats, other models' calls) between centres.
    await yieldToEventLoop()
  }
  return chosen
}

/**
 * Indices of `k` rows of `values` (`n × d`, the rows of `chunks` in order) chosen by greedy
 * k-means++ with `random`; the distances on `fused`'s kernels when given (`chunks` unused then),
 * every round in kernel memory when the rows fit its buffers.
 */
export async function kMeansPlusPlus(
  values: Float32Array,
  chunks: readonly RowChunk[],
  d: number,
  k: number,
  random: Random,
  fused?: FusedClusterSums,
  rows = chunks.reduce((sum, chunk) => sum + chunk.count, 0),
): Promise<Int32Array> {
  const n = rows
  if (fused && n <= fused.maxBatch) return kernelKMeansPlusPlus(fused, values, n, d, k, random)
  const onKernels = fused ? fusedDistances(fused, values, n, d) : undefined
  const distances = (candidates: readonly number[]): Promise<Float32Array> | Float32Array =>
    onKernels ? onKernels(candidates) : distancesTo(values, chunks, n, d, candidates)
  const chosen = new Int32Array(k)
  const trials = localTrials(k)
  chosen[0] = random.int(n)
  const first = await distances([chosen[0] as number])
  const closest = Float64Array.from(first)
  let potential = closest.reduce((sum, value) => sum + value, 0)
  const cumulative = new Float64Array(n)
  for (let c = 1; c < k; c++) {
    let running = 0
    for (let row = 0; row < n; row++) {
      running += closest[row] as number
      cumulative[row] = running
    }
    const candidates = Array.from({ length: trials }, () =>
      searchCumulative(cumulative, random.uniform() * potential),
    )
    const trialDistances = await distances(candidates)
    let best = 0
    let bestPotential = Infinity
    for (let t = 0; t < trials; t++) {
      let sum = 0
      for (let row = 0; row < n; row++) {
        sum += Math.min(closest[row] as number, trialDistances[row * trials + t] as number)
      }
      if (sum < bestPotential) {
        best = t
        bestPotential = sum
      }
    }
    chosen[c] = candidates[best] as number
    potential = bestPotential
    for (let row = 0; row < n; row++) {
      closest[row] = Math.min(closest[row] as number, trialDistances[row * trials + best] as number)
    }
    // Let the worker answer messages (heartbeats, other models' calls) between centres.
    await yieldToEventLoop()
  }
  return chosen
}
