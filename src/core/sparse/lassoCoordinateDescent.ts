/**
 * Coordinate descent for the lasso on a precomputed Gram matrix (Friedman, Hastie & Tibshirani 2010),
 * one problem per row: minimise ½‖x − aD‖² + λ‖a‖₁ over a (optionally a ≥ 0), with D's rows the
 * atoms. It works on the Gram matrix `G = D Dᵀ` and each row's correlations `q = D x`, so one
 * coordinate update costs one row of G. Pure TypeScript, every sum in float64 (the duality gap needs
 * G, q and ‖x‖² consistent to far below float32's precision): on CPUs it beats batched FISTA by far,
 * because each coordinate jumps straight to its minimiser and the codes are sparse.
 *
 * Schedule: a sweep over every coordinate, then sweeps over the non-zero ones only until no update
 * exceeds `tolerance` of the largest coefficient (or {@link ACTIVE_SWEEPS} of them), then a full
 * sweep again. A row stops when, after a full sweep, the duality gap is at most `tolerance · ‖x‖²`:
 * the gap scikit-learn's `enet_coordinate_descent_gram` stops on, so both stop at the same accuracy
 * of the objective.
 *
 * Mirrored, operation for operation, by `lassoRows` and `lassoCorrelations` in assembly/kernels.ts
 * (lassoKernels.ts runs them; tests check the bits): a change here must be made there too.
 */

/** Options of {@link coordinateDescentLasso}. */
export interface CoordinateDescentOptions {
  /** L1 weight λ ≥ 0. */
  readonly lambda: number
  /** Keep codes ≥ 0. */
  readonly nonNegative: boolean
  /** Relative tolerance of the updates and of the duality gap (see the module comment). */
  readonly tolerance: number
  /** Most sweeps per row (full and active-set sweeps both count). */
  readonly maxIterations: number
}

/** Result of {@link coordinateDescentLasso}. */
export interface CoordinateDescentResult {
  /** Codes, `[n, k]` row-major. */
  readonly codes: Float32Array
  /** Sweeps run by the slowest row. */
  readonly iterations: number
  /** Sweeps per row, on average. */
  readonly meanIterations: number
  /** True when every row met the tolerance within `maxIterations`. */
  readonly converged: boolean
}

/** The shared, read-only parts of every row's problem. */
interface Problem {
  readonly gram: Float64Array
  readonly k: number
  readonly lambda: number
  readonly nonNegative: boolean
}

/** The soft-thresholded minimiser of one coordinate, given `z = rⱼ + Gⱼⱼ·aⱼ`. */
function coordinateMinimiser(z: number, diagonal: number, problem: Problem): number {
  const { lambda, nonNegative } = problem
  if (nonNegative) return z > lambda ? (z - lambda) / diagonal : 0
  if (z > lambda) return (z - lambda) / diagonal
  if (z < -lambda) return (z + lambda) / diagonal
  return 0
}

/**
 * One sweep over the `activeCount` coordinates in `active` (all of them when `active` is undefined)
 * of the row whose codes are `w`, keeping its residual correlations `r = q − G w` up to date on the
 * swept coordinates only: a sweep over the non-zero codes then costs count² instead of count·k, and
 * {@link residualCorrelations} brings the rest of `r` back before the next full sweep. Returns the
 * largest update relative to the largest coefficient (0 when every coefficient is 0).
 */
function sweep(
  w: Float64Array,
  r: Float64Array,
  problem: Problem,
  active: Int32Array | undefined,
  activeCount: number,
): number {
  const { gram, k } = problem
  let largestUpdate = 0
  let largestCode = 0
  const count = active ? activeCount : k
  for (let c = 0; c < count; c++) {
    const j = active ? (active[c] as number) : c
    const diagonal = gram[j * k + j] as number
    if (diagonal <= 0) continue
    const old = w[j] as number
    const updated = coordinateMinimiser((r[j] as number) + diagonal * old, diagonal, problem)
    const change = updated - old
    if (change !== 0) {
      w[j] = updated
      const row = j * k
      if (active) {
        for (let c2 = 0; c2 < count; c2++) {
          const l = active[c2] as number
          r[l] = (r[l] as number) - change * (gram[row + l] as number)
        }
      } else {
        for (let l = 0; l < k; l++) r[l] = (r[l] as number) - change * (gram[row + l] as number)
      }
      if (Math.abs(change) > largestUpdate) largestUpdate = Math.abs(change)
    }
    if (Math.abs(updated) > largestCode) largestCode = Math.abs(updated)
  }
  return largestCode > 0 ? largestUpdate / largestCode : largestUpdate
}

/** The duality gap of a row (Mairal's dual point, scaled into the feasible set). */
function dualityGap(
  w: Float64Array,
  q: Float64Array,
  r: Float64Array,
  squaredNorm: number,
  problem: Problem,
): number {
  const { k, lambda, nonNegative } = problem
  let codeCorrelation = 0
  let codeResidual = 0
  let l1 = 0
  let dualNorm = 0
  for (let j = 0; j < k; j++) {
    const a = w[j] as number
    const rj = r[j] as number
    codeCorrelation += a * (q[j] as number)
    codeResidual += a * rj
    l1 += Math.abs(a)
    const size = nonNegative ? rj : Math.abs(rj)
    if (size > dualNorm) dualNorm = size
  }
  // ‖x − aD‖² = ‖x‖² − 2a·q + aᵀGa, and aᵀGa = a·(q − r).
  const residualNorm = Math.max(squaredNorm - codeCorrelation - codeResidual, 0)
  const scale = dualNorm > lambda ? lambda / dualNorm : 1
  const residualDotX = squaredNorm - codeCorrelation
  const primal = 0.5 * residualNorm + lambda * l1
  const dual = scale * residualDotX - 0.5 * scale * scale * residualNorm
  return primal - dual
}

/** Gathers the indices of the non-zero codes into `active`; returns how many there are. */
function activeSet(w: Float64Array, active: Int32Array): number {
  let count = 0
  for (let j = 0; j < w.length; j++) if (w[j] !== 0) active[count++] = j
  return count
}

/** Scratch space of {@link activeSetStep}, allocated once per solve. */
interface StepScratch {
  /** The active set's Gram matrix, then its Cholesky factor, `[count, count]`. */
  readonly factor: Float64Array
  /** Right-hand side, then the solution, `[count]`. */
  readonly solution: Float64Array
}

/** Cholesky-factorises the leading `count × count` block of `factor` in place; false if not positive definite. */
function cholesky(factor: Float64Array, count: number): boolean {
  for (let j = 0; j < count; j++) {
    let pivot = factor[j * count + j] as number
    for (let l = 0; l < j; l++) {
      const v = factor[j * count + l] as number
      pivot -= v * v
    }
    if (!(pivot > 1e-10)) return false
    const root = Math.sqrt(pivot)
    factor[j * count + j] = root
    for (let i = j + 1; i < count; i++) {
      let value = factor[i * count + j] as number
      for (let l = 0; l < j; l++)
        value -= (factor[i * count + l] as number) * (factor[j * count + l] as number)
      factor[i * count + j] = value / root
    }
  }
  return true
}

/** Solves `L Lᵀ x = b` in place (`b` in `solution`) with the factor from {@link cholesky}. */
function choleskySolve(factor: Float64Array, solution: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) {
    let value = solution[i] as number
    for (let l = 0; l < i; l++) value -= (factor[i * count + l] as number) * (solution[l] as number)
    solution[i] = value / (factor[i * count + i] as number)
  }
  for (let i = count - 1; i >= 0; i--) {
    let value = solution[i] as number
    for (let l = i + 1; l < count; l++)
      value -= (factor[l * count + i] as number) * (solution[l] as number)
    solution[i] = value / (factor[i * count + i] as number)
  }
}

/**
 * The feature-sign step (Lee, Battle, Raina & Ng 2007) on the non-zero codes: with their signs fixed
 * the objective is a quadratic, whose minimiser `G_AA⁻¹ (q_A − λ·sign(a_A))` one Cholesky solve
 * gives. The codes move towards it, stopping where the first one reaches zero; the objective falls
 * all the way along that segment, so the step never hurts. Keeps `r = q − G a` up to date on the
 * active coordinates (as {@link sweep} over them does). Returns
 * false (and changes nothing) when the active atoms are linearly dependent.
 */
function activeSetStep(
  w: Float64Array,
  r: Float64Array,
  problem: Problem,
  active: Int32Array,
  count: number,
  scratch: StepScratch,
): boolean {
  const { gram, k, lambda } = problem
  const { factor, solution } = scratch
  for (let a = 0; a < count; a++) {
    const j = active[a] as number
    const code = w[j] as number
    // r + G a restricted to the active set is q_A.
    let correlation = r[j] as number
    for (let b = 0; b < count; b++) {
      const l = active[b] as number
      correlation += (gram[j * k + l] as number) * (w[l] as number)
      factor[a * count + b] = gram[j * k + l] as number
    }
    solution[a] = correlation - (code > 0 ? lambda : -lambda)
  }
  if (!cholesky(factor, count)) return false
  choleskySolve(factor, solution, count)
  let step = 1
  let blocking = -1
  for (let a = 0; a < count; a++) {
    const code = w[active[a] as number] as number
    const target = solution[a] as number
    if (target * code <= 0) {
      const crossing = code / (code - target)
      if (crossing < step) {
        step = crossing
        blocking = a
      }
    }
  }
  for (let a = 0; a < count; a++) {
    const j = active[a] as number
    const code = w[j] as number
    const updated = a === blocking ? 0 : code + step * ((solution[a] as number) - code)
    const change = updated - code
    if (change === 0) continue
    w[j] = updated
    for (let b = 0; b < count; b++) {
      const l = active[b] as number
      r[l] = (r[l] as number) - change * (gram[j * k + l] as number)
    }
  }
  return true
}

/**
 * Solves one row in place (`w` starts as the warm start, `r` as `q − G w`); returns the sweeps run
 * and whether the row converged. Each round: a full sweep (which lets codes enter and leave), the
 * gap check, a few sweeps over the non-zero codes alone, then a feature-sign step on them (skipped
 * when their atoms are linearly dependent), then `r` recomputed in full. Measured on the bench
 * problem: up to 8 active sweeps before the step beat 2, 4 and 16 (a step after every full sweep
 * took twice as long).
 */
function solveRow(
  w: Float64Array,
  r: Float64Array,
  q: Float64Array,
  squaredNorm: number,
  problem: Problem,
  options: CoordinateDescentOptions,
  active: Int32Array,
  scratch: StepScratch,
): { sweeps: number; converged: boolean } {
  const { tolerance, maxIterations } = options
  const gapTolerance = tolerance * squaredNorm
  let sweeps = 0
  while (sweeps < maxIterations) {
    const fullChange = sweep(w, r, problem, undefined, 0)
    sweeps += 1
    // As scikit-learn: the gap is only worth computing once the updates are small.
    if (fullChange <= tolerance && dualityGap(w, q, r, squaredNorm, problem) <= gapTolerance) {
      return { sweeps, converged: true }
    }
    // Sweeps over the non-zero codes alone are cheap and settle them; then one feature-sign step.
    let count = activeSet(w, active)
    for (let s = 0; s < ACTIVE_SWEEPS && count > 0 && sweeps < maxIterations; s++) {
      sweeps += 1
      if (sweep(w, r, problem, active, count) <= tolerance) break
    }
    count = activeSet(w, active)
    if (count > 0) activeSetStep(w, r, problem, active, count, scratch)
    residualCorrelations(w, q, r, problem)
  }
  return { sweeps, converged: false }
}

/** `r = q − G w`, over the non-zero codes. */
function residualCorrelations(
  w: Float64Array,
  q: Float64Array,
  r: Float64Array,
  problem: Problem,
): void {
  const { gram, k } = problem
  r.set(q)
  for (let j = 0; j < k; j++) {
    const a = w[j] as number
    if (a === 0) continue
    const row = j * k
    for (let l = 0; l < k; l++) r[l] = (r[l] as number) - a * (gram[row + l] as number)
  }
}

/** Sweeps over the non-zero codes alone in each round, at most. */
export const ACTIVE_SWEEPS = 8

/** `atoms · atomsᵀ` in float64, `[k, k]`. */
export function gramOf(atoms: Float32Array, k: number, m: number): Float64Array {
  const gram = new Float64Array(k * k)
  for (let j = 0; j < k; j++) {
    for (let l = j; l < k; l++) {
      let dot = 0
      for (let i = 0; i < m; i++) dot += (atoms[j * m + i] as number) * (atoms[l * m + i] as number)
      gram[j * k + l] = dot
      gram[l * k + j] = dot
    }
  }
  return gram
}

/** Row `p` of `patches`' correlations with the `k` atoms (`D x`, float64) into `q`; returns its ‖x‖². */
function rowCorrelations(
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  m: number,
  p: number,
  q: Float64Array,
): number {
  const x = p * m
  let squaredNorm = 0
  for (let i = 0; i < m; i++) squaredNorm += (patches[x + i] as number) ** 2
  for (let j = 0; j < k; j++) {
    let dot = 0
    for (let i = 0; i < m; i++) dot += (atoms[j * m + i] as number) * (patches[x + i] as number)
    q[j] = dot
  }
  return squaredNorm
}

/**
 * Lasso codes of the rows of `patches` (`[n, m]`) over `atoms` (`[k, m]`, atoms as rows), both
 * row-major, by coordinate descent; `initial` (`[n, k]`) is a warm start. Deterministic: the same
 * inputs give the same codes, bit for bit. In TypeScript; `lassoKernels.ts` runs the same operations
 * in latentkit's WebAssembly kernels (the same bits, faster).
 */
export function coordinateDescentLasso(
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  options: CoordinateDescentOptions,
  initial?: Float32Array,
): CoordinateDescentResult {
  const m = atoms.length / k
  const n = patches.length / m
  const gram = gramOf(atoms, k, m)
  const problem: Problem = { gram, k, lambda: options.lambda, nonNegative: options.nonNegative }
  const codes = new Float32Array(n * k)
  const w = new Float64Array(k)
  const q = new Float64Array(k)
  const r = new Float64Array(k)
  const active = new Int32Array(k)
  const scratch: StepScratch = { factor: new Float64Array(k * k), solution: new Float64Array(k) }
  const sweeps = new Int32Array(n)
  for (let p = 0; p < n; p++) {
    const squaredNorm = rowCorrelations(patches, atoms, k, m, p, q)
    for (let j = 0; j < k; j++) w[j] = initial ? (initial[p * k + j] as number) : 0
    residualCorrelations(w, q, r, problem)
    const row = solveRow(w, r, q, squaredNorm, problem, options, active, scratch)
    sweeps[p] = row.converged ? row.sweeps : -row.sweeps - 1
    for (let j = 0; j < k; j++) codes[p * k + j] = w[j] as number
  }
  return { codes, ...sweepSummary(sweeps) }
}

/**
 * The result's counts from each row's sweeps (negated minus one for a row that did not converge, as
 * the kernels write them).
 */
export function sweepSummary(sweeps: Int32Array): Omit<CoordinateDescentResult, 'codes'> {
  let most = 0
  let total = 0
  let converged = true
  for (const value of sweeps) {
    const count = value < 0 ? -value - 1 : value
    converged &&= value >= 0
    most = Math.max(most, count)
    total += count
  }
  const n = sweeps.length
  return { iterations: most, meanIterations: n > 0 ? total / n : 0, converged }
}
