/**
 * The partition function Z of one RBM: estimated by annealed importance sampling (Salakhutdinov &
 * Murray 2008, "On the quantitative analysis of deep belief networks"), or computed exactly by
 * enumerating the hidden states when there are at most 20 hidden units.
 */
import * as tf from '@tensorflow/tfjs-core'
import { InvalidOptionError } from '../../errors'
import type { Random } from '../../random'
import { yieldToEventLoop } from '../../trainingControl'
import { bernoulli, type RBMLayer } from './rbmLayer'

/** The most hidden units whose states are enumerated for the exact log Z (2²⁰ states). */
export const EXACT_HIDDEN_LIMIT = 20

const LOG_2 = Math.log(2)
const LOG_2PI = Math.log(2 * Math.PI)

/** An AIS estimate of log Z. */
export interface PartitionEstimate {
  readonly logZ: number
  /** Standard error of `logZ` (delta method). */
  readonly standardError: number
  /** `log(Ẑ ∓ 3σ̂)`. */
  readonly range: readonly [number, number]
}

/**
 * The inverse temperatures of `steps` intermediate distributions from 0 to 1, spaced as in the
 * paper: 500 : 4000 : 10000 of them over [0, 0.5], [0.5, 0.9] and [0.9, 1].
 */
export function annealingSchedule(steps: number): Float64Array {
  const parts = [
    [0, 0.5, 500],
    [0.5, 0.9, 4000],
    [0.9, 1, 10000],
  ] as const
  const total = 14500
  const betas = new Float64Array(steps + 1)
  let k = 0
  for (const [index, [from, to, share]] of parts.entries()) {
    const count =
      index === parts.length - 1 ? steps - k : Math.max(1, Math.round((steps * share) / total))
    for (let i = 1; i <= count; i++) betas[++k] = from + ((to - from) * i) / count
  }
  betas[steps] = 1
  return betas
}

/** Visible biases of the base-rate model: the logits of the mean of each value, kept in [0.001, 0.999]. */
export function baseRateBiases(v: Float32Array, rows: number, size: number): Float32Array {
  const biases = new Float32Array(size)
  for (let i = 0; i < size; i++) {
    let sum = 0
    for (let r = 0; r < rows; r++) sum += v[r * size + i] as number
    const p = Math.min(Math.max(sum / rows, 0.001), 0.999)
    biases[i] = Math.log(p / (1 - p))
  }
  return biases
}

/** Unnormalised log-probability at inverse temperature β, less what is the same for every β. */
function annealedLogProbability(
  layer: RBMLayer,
  base: tf.Tensor1D,
  v: tf.Tensor2D,
  hiddenInput: tf.Tensor2D,
  beta: number,
): tf.Tensor1D {
  const hidden = tf.sum(tf.softplus(tf.mul(beta, hiddenInput)), 1)
  if (layer.gaussian) return hidden as tf.Tensor1D
  return tf.add(tf.sum(tf.mul(v, visibleBiasAt(layer, base, beta)), 1), hidden) as tf.Tensor1D
}

/** Binary units' visible biases at inverse temperature β: `(1 − β) b_A + β b`. */
function visibleBiasAt(layer: RBMLayer, base: tf.Tensor1D, beta: number): tf.Tensor1D {
  return tf.add(tf.mul(1 - beta, base), tf.mul(beta, layer.visibleBias))
}

/**
 * log Z of `layer` by annealed importance sampling from a base model with no weights — independent
 * visible units with biases `baseBiases` for binary units; N(b, I) for Gaussian ones (whose
 * `baseBiases` are ignored) — over `steps` intermediate distributions, `runs` runs.
 */
export async function annealedLogPartition(
  layer: RBMLayer,
  baseBiases: Float32Array,
  runs: number,
  steps: number,
  random: Random,
): Promise<PartitionEstimate> {
  const D = layer.visibleUnits
  const H = layer.hiddenUnits
  const seed = (): number => random.int(2 ** 31)
  const betas = annealingSchedule(steps)
  const base = tf.tensor1d(layer.gaussian ? new Float32Array(D) : baseBiases)
  const logBase = layer.gaussian
    ? (D / 2) * LOG_2PI + H * LOG_2
    : baseBiases.reduce((sum, b) => sum + Math.log1p(Math.exp(b)), 0) + H * LOG_2
  let v = tf.tidy(() =>
    layer.gaussian
      ? tf.add(tf.randomNormal([runs, D], 0, 1, 'float32', seed()), layer.visibleBias)
      : bernoulli(tf.broadcastTo(tf.sigmoid(base), [runs, D]), seed()),
  ) as tf.Tensor2D
  let logWeights = tf.zeros([runs]) as tf.Tensor1D
  try {
    for (let k = 1; k <= steps; k++) {
      const beta = betas[k] as number
      const previous = betas[k - 1] as number
      const [nextV, nextW] = tf.tidy(() => {
        const a = layer.hiddenInput(v)
        const gain = tf.sub(
          annealedLogProbability(layer, base, v, a, beta),
          annealedLogProbability(layer, base, v, a, previous),
        )
        const w = tf.add(logWeights, gain)
        if (k === steps) return [v, w]
        const h = bernoulli(tf.sigmoid(tf.mul(beta, a)), seed()) as tf.Tensor2D
        const down = tf.mul(beta, tf.matMul(h, layer.weights, false, true))
        const next = layer.gaussian
          ? tf.add(
              tf.add(down, layer.visibleBias),
              tf.randomNormal([runs, D], 0, 1, 'float32', seed()),
            )
          : bernoulli(tf.sigmoid(tf.add(down, visibleBiasAt(layer, base, beta))), seed())
        return [next, w]
      })
      if (nextV !== v) v.dispose()
      logWeights.dispose()
      v = nextV as tf.Tensor2D
      logWeights = nextW as tf.Tensor1D
      // Keeps the backend's queue short and the worker answering between chunks of steps.
      if (k % 200 === 0) {
        await logWeights.data()
        await yieldToEventLoop()
      }
    }
    return summarise(logBase, await logWeights.data())
  } finally {
    v.dispose()
    logWeights.dispose()
    base.dispose()
  }
}

/** log Z from the runs' log importance weights: `log Z_A + log mean(w)`, with its spread. */
function summarise(logBase: number, logWeights: ArrayLike<number>): PartitionEstimate {
  const n = logWeights.length
  let top = -Infinity
  for (let i = 0; i < n; i++) top = Math.max(top, logWeights[i] as number)
  let sum = 0
  let square = 0
  for (let i = 0; i < n; i++) {
    const r = Math.exp((logWeights[i] as number) - top)
    sum += r
    square += r * r
  }
  const mean = sum / n
  const variance = n > 1 ? Math.max(square / n - mean * mean, 0) * (n / (n - 1)) : 0
  const error = Math.sqrt(variance / n)
  const shift = logBase + top
  return {
    logZ: shift + Math.log(mean),
    standardError: error / mean,
    range: [
      mean > 3 * error ? shift + Math.log(mean - 3 * error) : -Infinity,
      shift + Math.log(mean + 3 * error),
    ],
  }
}

/**
 * log Z of `layer` summed over every hidden state (`INVALID_OPTION` above
 * {@link EXACT_HIDDEN_LIMIT} hidden units), in chunks of states.
 */
export async function exactLogPartition(layer: RBMLayer): Promise<number> {
  const H = layer.hiddenUnits
  const D = layer.visibleUnits
  if (H > EXACT_HIDDEN_LIMIT) {
    throw new InvalidOptionError(
      `the exact log Z enumerates 2^hidden states: at most ${EXACT_HIDDEN_LIMIT} hidden units; this RBM has ${H}. Use the AIS estimate`,
      { option: 'layers' },
    )
  }
  const states = 2 ** H
  const chunk = Math.min(states, 4096)
  let top = -Infinity
  let sum = 0
  for (let first = 0; first < states; first += chunk) {
    const hidden = new Float32Array(chunk * H)
    for (let r = 0; r < chunk; r++) {
      for (let j = 0; j < H; j++) hidden[r * H + j] = ((first + r) >>> j) & 1
    }
    const values = tf.tidy(() => {
      const h = tf.tensor2d(hidden, [chunk, H])
      const hiddenTerm = tf.sum(tf.mul(h, layer.hiddenBias), 1)
      const input = tf.add(tf.matMul(h, layer.weights, false, true), layer.visibleBias)
      const visibleTerm = layer.gaussian
        ? tf.mul(0.5, tf.sub(tf.sum(tf.square(input), 1), tf.sum(tf.square(layer.visibleBias))))
        : tf.sum(tf.softplus(input), 1)
      return tf.add(hiddenTerm, visibleTerm)
    })
    const data = await values.data()
    values.dispose()
    // A running log-sum-exp: rescale the sum whenever a larger term appears.
    for (const value of data) {
      if (value > top) {
        sum = sum * Math.exp(top - value) + 1
        top = value
      } else {
        sum += Math.exp(value - top)
      }
    }
  }
  return top + Math.log(sum) + (layer.gaussian ? (D / 2) * LOG_2PI : 0)
}
