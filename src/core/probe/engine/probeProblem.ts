/**
 * What a linear probe's fit takes and gives, whichever code fits it (TF.js operations or latentkit's
 * WebAssembly kernels): standardised rows, class indices, the penalty and the optimiser's settings.
 * Pure TypeScript.
 */

/** Adam's learning rate for the probe's full-batch steps. */
export const PROBE_LEARNING_RATE = 0.05
/** Steps between two checks of the training loss (and yields to the event loop). */
export const PROBE_CHECK_EVERY = 25
/** Relative change of the loss over {@link PROBE_CHECK_EVERY} steps under which the fit has converged. */
export const PROBE_TOLERANCE = 1e-6
/** Adam's decay rates and epsilon, as the probe has always used them. */
export const PROBE_ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const

/** One fit: multinomial logistic regression with an L2 penalty on the weights (not the bias). */
export interface ProbeProblem {
  /** The fitted rows, standardised, `[rows, size]` row-major. */
  readonly x: Float32Array
  readonly rows: number
  readonly size: number
  /** Each fitted row's class index, in `[0, classCount)`. */
  readonly targets: Int32Array
  readonly classCount: number
  /** The held-out rows, standardised with the fitted rows' statistics, `[testRows, size]`. */
  readonly test: Float32Array
  readonly testRows: number
  /** The weights' L2 penalty per row: 1 / (C · rows). */
  readonly penalty: number
  readonly maxIterations: number
}

/** A fit's result: its final mean cross-entropy on the fitted rows, and its held-out predictions. */
export interface ProbeFit {
  readonly trainLoss: number
  /** The predicted class index of each held-out row (the first of equal logits). */
  readonly predicted: Int32Array
}

/**
 * Whether a fit whose loss went from `previous` to `loss` over {@link PROBE_CHECK_EVERY} steps has
 * converged.
 */
export function probeConverged(previous: number, loss: number): boolean {
  return Math.abs(previous - loss) <= PROBE_TOLERANCE * Math.max(1, Math.abs(loss))
}
