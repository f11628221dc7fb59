/** Running log-mean-exp per row and a mean with its standard error: float64 sums for estimators. */

/** `log (1/k) Σ exp(vᵢ)` per row, accumulated one value at a time without overflow. */
export class LogSumExp {
  private readonly top: Float64Array
  private readonly sums: Float64Array

  constructor(rows: number) {
    this.top = new Float64Array(rows).fill(-Infinity)
    this.sums = new Float64Array(rows)
  }

  /** Adds `value` to row `row`'s sum of exponentials. */
  add(row: number, value: number): void {
    const top = this.top[row] as number
    if (value > top) {
      this.sums[row] = (this.sums[row] as number) * Math.exp(top - value) + 1
      this.top[row] = value
    } else {
      this.sums[row] = (this.sums[row] as number) + Math.exp(value - top)
    }
  }

  /** `log (1/count) Σ exp(v)` of row `row`. */
  mean(row: number, count: number): number {
    return (this.top[row] as number) + Math.log((this.sums[row] as number) / count)
  }
}

/** Mean of `values` and its standard error (sample deviation / √n; 0 for one value). */
export function meanAndStandardError(values: ArrayLike<number>): {
  mean: number
  standardError: number
} {
  const n = values.length
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i] as number
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2
  const standardError = n > 1 ? Math.sqrt(squares / (n - 1) / n) : 0
  return { mean, standardError }
}

/**
 * A log-likelihood estimated by importance sampling from a recognition model q(h | x):
 * `log (1/K) Σ p(x, hₖ) / q(hₖ | x)` in nats per image, a lower bound on log p(x) in expectation,
 * tighter as `K` grows (`K = 1` is the ELBO).
 */
export interface ImportanceSampledLogLikelihood {
  /** Mean of `logLikelihoods`, nats per image. */
  readonly meanLogLikelihood: number
  /** The estimate of each image. */
  readonly logLikelihoods: Float32Array
  /** Standard error of the mean over the images (their spread / √n). */
  readonly standardError: number
  /** The ELBO from the same samples (the mean of their log weights), nats per image. */
  readonly meanELBO: number
  /** Importance samples per image. */
  readonly samples: number
}
