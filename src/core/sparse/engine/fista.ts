/**
 * Batched FISTA (Beck & Teboulle 2009) for the lasso, one problem per row:
 * minimise ½‖x − aD‖² + λ‖a‖₁ over a (optionally a ≥ 0), with D's rows the atoms. Each iteration is
 * one matrix product (with the Gram matrix) and a few elementwise operations, which suits GPUs.
 * Momentum restarts per row when it points uphill (O'Donoghue & Candès 2015), which keeps the
 * iteration count low without tuning.
 */
import * as tf from '@tensorflow/tfjs-core'

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
  /** Iterations run (by the slowest row). */
  readonly iterations: number
  /** Iterations per row, on average. */
  readonly meanIterations: number
  /** True when every row met the tolerance within `maxIterations`. */
  readonly converged: boolean
}

/** Soft-thresholding: the proximal operator of `threshold·‖·‖₁` (and of the non-negative variant). */
export function shrink(values: tf.Tensor2D, threshold: number, nonNegative: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    if (nonNegative) return tf.relu(tf.sub(values, threshold)) as tf.Tensor2D
    // v − clip(v, −t, t) = sign(v)·max(|v| − t, 0), in two operations instead of five.
    return tf.sub(values, tf.clipByValue(values, -threshold, threshold)) as tf.Tensor2D
  })
}

/** Per-row ‖change‖² / ‖codes‖² (0 for rows where both are zero), `[n]`. */
function relativeChanges(change: tf.Tensor2D, codes: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const changed = tf.sum(tf.square(change), 1)
    const size = tf.maximum(tf.sum(tf.square(codes), 1), 1e-30)
    return tf.div(changed, size) as tf.Tensor1D
  })
}

/**
 * Most steps since a restart that {@link momentumWeights} tabulates (256 KB). A row that runs longer
 * without a restart keeps the last weight, 1 − 4.6e-5 instead of creeping on towards 1; below this,
 * the table is exact and costs nothing per iteration.
 */
const MOMENTUM_TABLE_STEPS = 65_536

/**
 * Momentum weights of FISTA by steps since the last restart, `[steps + 1]`: entry `j` is
 * `(t₍ⱼ₋₁₎ − 1) / tⱼ` with `t₀ = 1`, `tⱼ₊₁ = (1 + √(1 + 4tⱼ²)) / 2`, and entry 0 is 0 (a restart).
 * Computed once in float64, so each iteration looks its rows' weights up instead of spending six
 * operations on the recurrence (GPU backends pay per operation).
 */
function momentumWeights(steps: number): Float32Array {
  const weights = new Float32Array(steps + 1)
  let t = 1
  for (let j = 1; j <= steps; j++) {
    const next = (1 + Math.sqrt(1 + 4 * t * t)) / 2
    weights[j] = (t - 1) / next
    t = next
  }
  return weights
}

/** The parts of one FISTA run that stay fixed across iterations. */
interface FistaConstants {
  /** `I − gram / L`, `[k, k]`: one gradient step is `extrapolated · this + scaledCorrelations`. */
  readonly iteration: tf.Tensor2D
  /** See {@link momentumWeights}. */
  readonly weights: tf.Tensor1D
  /** The int32 scalar 1 (a plain `1` would turn the restart counters into float32). */
  readonly one: tf.Scalar
  /** The last index of `weights` when runs may go past it, as an int32 scalar; else undefined. */
  readonly lastWeight: tf.Scalar | undefined
  /** The shrinkage threshold `λ / L`. */
  readonly threshold: number
  readonly nonNegative: boolean
}

/** The per-row iterates of FISTA for the rows still running. */
interface FistaState {
  /** `x · atomsᵀ / L`, `[n, k]`. */
  scaledCorrelations: tf.Tensor2D
  codes: tf.Tensor2D
  extrapolated: tf.Tensor2D
  /** Iterations since each row's last momentum restart, `[n, 1]` int32. */
  sinceRestart: tf.Tensor2D
}

function step(
  state: FistaState,
  constants: FistaConstants,
  check: boolean,
): Omit<FistaState, 'scaledCorrelations'> & { change: tf.Tensor1D | undefined } {
  return tf.tidy(() => {
    const { codes, extrapolated } = state
    const gradientStep = tf.add(
      tf.matMul(extrapolated, constants.iteration),
      state.scaledCorrelations,
    ) as tf.Tensor2D
    const nextCodes = shrink(gradientStep, constants.threshold, constants.nonNegative)
    const change = tf.sub(nextCodes, codes) as tf.Tensor2D
    // Restart (O'Donoghue & Candès) where the step went uphill: ⟨extrapolated − next, change⟩ > 0.
    const downhill = tf.cast(
      tf.lessEqual(tf.sum(tf.mul(tf.sub(extrapolated, nextCodes), change), 1, true), 0),
      'int32',
    )
    const counted = tf.add(state.sinceRestart, constants.one)
    const capped = constants.lastWeight ? tf.minimum(counted, constants.lastWeight) : counted
    const sinceRestart = tf.mul(capped, downhill) as tf.Tensor2D
    const weight = tf.gather(constants.weights, sinceRestart)
    return {
      codes: nextCodes,
      extrapolated: tf.add(nextCodes, tf.mul(change, weight)) as tf.Tensor2D,
      sinceRestart,
      change: check ? relativeChanges(change, nextCodes) : undefined,
    }
  })
}

function disposeState(state: FistaState): void {
  state.scaledCorrelations.dispose()
  state.codes.dispose()
  state.extrapolated.dispose()
  state.sinceRestart.dispose()
}

function keepRows(state: FistaState, rows: number[]): FistaState {
  return tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32')
    return {
      scaledCorrelations: tf.gather(state.scaledCorrelations, index),
      codes: tf.gather(state.codes, index),
      extrapolated: tf.gather(state.extrapolated, index),
      sinceRestart: tf.gather(state.sinceRestart, index),
    }
  })
}

/** The tensors every iteration of a run shares. The caller disposes them. */
function fistaConstants(
  dictionary: LassoDictionary,
  options: Pick<FistaOptions, 'lambda' | 'nonNegative' | 'maxIterations'>,
): FistaConstants {
  const k = dictionary.atoms.shape[0]
  const stepSize = 1 / dictionary.lipschitz
  return {
    iteration: tf.tidy(() => tf.sub(tf.eye(k), tf.mul(dictionary.gram, stepSize)) as tf.Tensor2D),
    weights: tf.tensor1d(momentumWeights(Math.min(options.maxIterations, MOMENTUM_TABLE_STEPS))),
    one: tf.scalar(1, 'int32'),
    lastWeight:
      options.maxIterations > MOMENTUM_TABLE_STEPS
        ? tf.scalar(MOMENTUM_TABLE_STEPS, 'int32')
        : undefined,
    threshold: options.lambda * stepSize,
    nonNegative: options.nonNegative,
  }
}

/** The iterates of a run on `x` before its first iteration: zero codes, or `initial` (cloned). */
function fistaStart(
  x: tf.Tensor2D,
  dictionary: LassoDictionary,
  initial: tf.Tensor2D | undefined,
): FistaState {
  const [n] = x.shape
  const start: tf.Tensor2D = initial ? tf.clone(initial) : tf.zeros([n, dictionary.atoms.shape[0]])
  return {
    scaledCorrelations: tf.tidy(() =>
      tf.mul(tf.matMul(x, dictionary.atoms, false, true), 1 / dictionary.lipschitz),
    ),
    codes: start,
    extrapolated: tf.clone(start),
    sinceRestart: tf.zeros([n, 1], 'int32'),
  }
}

/**
 * Makes, inside the caller's `tf.tidy`, the tensors a {@link fista} run on `x` holds at its peak —
 * its constants and iterates, one iteration with a convergence check, the codes gathered at the
 * end — and returns codes of `x`'s shape (zeros). For measuring what a run needs per row; iterating
 * more holds no more, since each iteration frees the one before.
 */
export function fistaFootprint(
  x: tf.Tensor2D,
  dictionary: LassoDictionary,
  options: Pick<FistaOptions, 'lambda' | 'nonNegative' | 'maxIterations'>,
): tf.Tensor2D {
  const state = fistaStart(x, dictionary, undefined)
  const next = step(state, fistaConstants(dictionary, options), true)
  const all = tf.tensor1d(
    Int32Array.from({ length: x.shape[0] }, (_, i) => i),
    'int32',
  )
  return tf.gather(tf.concat([tf.gather(next.codes, all)]), all)
}

/**
 * Solves the lasso for every row of `x` (`[n, m]`, not disposed). Each row stops on its own once its
 * code changes by at most `tolerance` of its norm between two iterations. Finished rows leave the
 * batch once half of it is done, so easy patches do not pay for hard ones while GPU backends
 * compile only a few batch shapes (measured: no faster on WASM when they leave at every check).
 */
export async function fista(
  x: tf.Tensor2D,
  dictionary: LassoDictionary,
  options: FistaOptions,
): Promise<FistaResult> {
  const [n] = x.shape
  const checkEvery = options.checkEvery ?? 10
  const toleranceSquared = options.tolerance * options.tolerance
  const constants = fistaConstants(dictionary, options)
  let state = fistaStart(x, dictionary, options.initial)
  let rows = Array.from({ length: n }, (_, i) => i)
  const finished: tf.Tensor2D[] = []
  const finishedRows: number[] = []
  let iterations = 0
  let iterationSum = 0
  try {
    while (rows.length > 0 && iterations < options.maxIterations) {
      iterations += 1
      const check = iterations % checkEvery === 0 || iterations === options.maxIterations
      const next = step(state, constants, check)
      state.codes.dispose()
      state.extrapolated.dispose()
      state.sinceRestart.dispose()
      state = { ...next, scaledCorrelations: state.scaledCorrelations }
      if (!next.change) continue
      const ratios = await next.change.data()
      next.change.dispose()
      const done: number[] = []
      const running: number[] = []
      ratios.forEach((ratio, i) => (ratio <= toleranceSquared ? done : running).push(i))
      if (done.length === 0 || (running.length > 0 && running.length > rows.length / 2)) continue
      iterationSum += done.length * iterations
      for (const i of done) finishedRows.push(rows[i] as number)
      const doneIndex = done
      finished.push(tf.tidy(() => tf.gather(state.codes, tf.tensor1d(doneIndex, 'int32'))))
      const kept = keepRows(state, running)
      disposeState(state)
      state = kept
      rows = running.map((i) => rows[i] as number)
    }
    const converged = rows.length === 0
    if (!converged) {
      iterationSum += rows.length * iterations
      finishedRows.push(...rows)
      finished.push(tf.clone(state.codes))
    }
    const inverse = new Int32Array(n)
    finishedRows.forEach((row, place) => {
      inverse[row] = place
    })
    const codes: tf.Tensor2D = tf.tidy(() =>
      tf.gather(
        finished.length === 1 ? (finished[0] as tf.Tensor2D) : tf.concat(finished),
        tf.tensor1d(inverse, 'int32'),
      ),
    )
    return { codes, iterations, meanIterations: n > 0 ? iterationSum / n : 0, converged }
  } finally {
    disposeState(state)
    constants.iteration.dispose()
    constants.weights.dispose()
    constants.one.dispose()
    constants.lastWeight?.dispose()
    for (const piece of finished) piece.dispose()
  }
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
