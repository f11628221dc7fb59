/**
 * Batched FISTA (Beck & Teboulle 2009) for the lasso, one problem per row:
 * minimise ½‖x − aD‖² + λ‖a‖₁ over a (optionally a ≥ 0), with D's rows the atoms. Each iteration is
 * two matrix products and a soft-threshold, which suits GPUs. Momentum restarts per row when it
 * points uphill (O'Donoghue & Candès 2015), which keeps the iteration count low without tuning.
 */
import * as tf from '@tensorflow/tfjs-core'
import { largestEigenvalue } from './dictionaryMath'

/** The parts of a lasso problem that depend only on the dictionary. */
export interface LassoDictionary {
  /** Atoms as rows, `[k, m]`. */
  readonly atoms: tf.Tensor2D
  /** `atoms · atomsᵀ`, `[k, k]`. */
  readonly gram: tf.Tensor2D
  /** An upper bound of the largest eigenvalue of `gram` (the gradient's Lipschitz constant). */
  readonly lipschitz: number
}

/** Options of {@link fista}. */
export interface FistaOptions {
  /** L1 weight λ ≥ 0. */
  readonly lambda: number
  /** Keep codes ≥ 0. */
  readonly nonNegative: boolean
  /** Stop when every row's code changes by at most this fraction of its norm in one iteration. */
  readonly tolerance: number
  /** Most iterations. */
  readonly maxIterations: number
  /** Iterations between two convergence checks (each check reads one number back). Default `10`. */
  readonly checkEvery?: number
  /** Starting codes `[n, k]` (warm start); default zeros. Not disposed. */
  readonly initial?: tf.Tensor2D
}

/** Result of {@link fista}. The caller owns `codes`. */
export interface FistaResult {
  readonly codes: tf.Tensor2D
  readonly iterations: number
  readonly converged: boolean
}

/** Soft-thresholding: the proximal operator of `threshold·‖·‖₁` (and of the non-negative variant). */
export function shrink(values: tf.Tensor2D, threshold: number, nonNegative: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    if (nonNegative) return tf.relu(tf.sub(values, threshold)) as tf.Tensor2D
    return tf.mul(tf.sign(values), tf.relu(tf.sub(tf.abs(values), threshold))) as tf.Tensor2D
  })
}

/** Largest per-row ‖change‖² / ‖codes‖² (0 for rows where both are zero). */
function largestRelativeChange(change: tf.Tensor2D, codes: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const changed = tf.sum(tf.square(change), 1)
    const size = tf.maximum(tf.sum(tf.square(codes), 1), 1e-30)
    return tf.max(tf.div(changed, size))
  })
}

/** Solves the lasso for every row of `x` (`[n, m]`, not disposed). */
export async function fista(
  x: tf.Tensor2D,
  dictionary: LassoDictionary,
  options: FistaOptions,
): Promise<FistaResult> {
  const [n] = x.shape
  const k = dictionary.atoms.shape[0]
  const step = 1 / dictionary.lipschitz
  const threshold = options.lambda * step
  const checkEvery = options.checkEvery ?? 10
  const toleranceSquared = options.tolerance * options.tolerance
  const correlations = tf.tidy(() => tf.matMul(x, dictionary.atoms, false, true))
  let codes: tf.Tensor2D = options.initial ? tf.clone(options.initial) : tf.zeros([n, k])
  let extrapolated: tf.Tensor2D = tf.clone(codes)
  let momentum: tf.Tensor2D = tf.ones([n, 1])
  let iterations = 0
  let converged = false
  try {
    while (iterations < options.maxIterations) {
      iterations += 1
      const check = iterations % checkEvery === 0 || iterations === options.maxIterations
      const next = tf.tidy(() => {
        const gradient = tf.sub(tf.matMul(extrapolated, dictionary.gram), correlations) as tf.Tensor2D
        const nextCodes = shrink(
          tf.sub(extrapolated, tf.mul(gradient, step)),
          threshold,
          options.nonNegative,
        )
        const change = tf.sub(nextCodes, codes) as tf.Tensor2D
        const nextMomentum = tf.div(
          tf.add(tf.sqrt(tf.add(tf.mul(tf.square(momentum), 4), 1)), 1),
          2,
        )
        const uphill = tf.greater(
          tf.sum(tf.mul(tf.sub(extrapolated, nextCodes), change), 1, true),
          0,
        )
        const weight = tf.where(
          uphill,
          tf.zerosLike(momentum),
          tf.div(tf.sub(momentum, 1), nextMomentum),
        )
        return {
          codes: nextCodes,
          extrapolated: tf.add(nextCodes, tf.mul(change, weight)) as tf.Tensor2D,
          momentum: tf.where(uphill, tf.onesLike(momentum), nextMomentum) as tf.Tensor2D,
          change: check ? largestRelativeChange(change, nextCodes) : undefined,
        }
      })
      codes.dispose()
      extrapolated.dispose()
      momentum.dispose()
      codes = next.codes
      extrapolated = next.extrapolated
      momentum = next.momentum
      if (next.change) {
        const [value = Infinity] = await next.change.data()
        next.change.dispose()
        if (value <= toleranceSquared) {
          converged = true
          break
        }
      }
    }
  } finally {
    correlations.dispose()
    extrapolated.dispose()
    momentum.dispose()
  }
  return { codes, iterations, converged }
}

/** Per-row lasso objective ½‖x − aD‖² + λ‖a‖₁, `[n]`. */
export function lassoObjective(
  x: tf.Tensor2D,
  codes: tf.Tensor2D,
  atoms: tf.Tensor2D,
  lambda: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const residual = tf.sub(x, tf.matMul(codes, atoms))
    return tf.add(
      tf.mul(tf.sum(tf.square(residual), 1), 0.5),
      tf.mul(tf.sum(tf.abs(codes), 1), lambda),
    ) as tf.Tensor1D
  })
}

/** {@link fista} on plain arrays: codes of `patches` (`n × m`) over `atoms` (`k × m`), row-major. */
export async function solveLasso(
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  options: Omit<FistaOptions, 'initial'> & { readonly initial?: Float32Array },
): Promise<{ codes: Float32Array; iterations: number; converged: boolean }> {
  const m = atoms.length / k
  const atomTensor = tf.tensor2d(atoms, [k, m])
  const gram: tf.Tensor2D = tf.tidy(() => tf.matMul(atomTensor, atomTensor, false, true))
  const start = new Float64Array(m).fill(1)
  const dictionary = { atoms: atomTensor, gram, lipschitz: largestEigenvalue(atoms, k, m, start) }
  const x = tf.tensor2d(patches, [patches.length / m, m])
  const initial = options.initial ? tf.tensor2d(options.initial, [patches.length / m, k]) : undefined
  try {
    const result = await fista(x, dictionary, {
      lambda: options.lambda,
      nonNegative: options.nonNegative,
      tolerance: options.tolerance,
      maxIterations: options.maxIterations,
      ...(options.checkEvery === undefined ? {} : { checkEvery: options.checkEvery }),
      ...(initial ? { initial } : {}),
    })
    const codes = (await result.codes.data()) as Float32Array
    result.codes.dispose()
    return { codes, iterations: result.iterations, converged: result.converged }
  } finally {
    x.dispose()
    initial?.dispose()
    atomTensor.dispose()
    gram.dispose()
  }
}
