/**
 * UMAP's low-dimensional similarity 1 / (1 + a·d^(2b)): `a` and `b` fitted by least squares to the
 * offset exponential that `minDist` and `spread` describe, as umap-learn's `find_ab_params` does
 * with SciPy's `curve_fit` (Levenberg–Marquardt from a = b = 1, on 300 distances from 0 to
 * 3·spread). For minDist 0.1 it gives a = 1.5769, b = 0.8951, umap-learn's figures.
 */

/** The curve's two parameters. */
export interface CurveParameters {
  /** Scale of the distance term. */
  readonly a: number
  /** Exponent of the distance term (halved). */
  readonly b: number
}

/** Points of the fit, as umap-learn samples them. */
const SAMPLES = 300
const MAX_ITERATIONS = 500

/** Residuals' sum of squares and, when asked, the normal equations' parts at (a, b). */
function evaluate(x: Float64Array, y: Float64Array, a: number, b: number) {
  let cost = 0
  let jaa = 0
  let jab = 0
  let jbb = 0
  let ga = 0
  let gb = 0
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number
    const power = xi > 0 ? Math.pow(xi, 2 * b) : 0
    const denominator = 1 + a * power
    const residual = 1 / denominator - (y[i] as number)
    const squared = denominator * denominator
    const da = -power / squared
    const db = xi > 0 ? (-a * power * 2 * Math.log(xi)) / squared : 0
    cost += residual * residual
    jaa += da * da
    jab += da * db
    jbb += db * db
    ga += da * residual
    gb += db * residual
  }
  return { cost, jaa, jab, jbb, ga, gb }
}

/**
 * `a` and `b` of UMAP's curve for `minDist` (> 0) and `spread` (default 1), fitted by
 * Levenberg–Marquardt to 1e-12 relative change.
 */
export function fitCurve(minDist: number, spread = 1): CurveParameters {
  const x = new Float64Array(SAMPLES)
  const y = new Float64Array(SAMPLES)
  for (let i = 0; i < SAMPLES; i++) {
    const xi = (3 * spread * i) / (SAMPLES - 1)
    x[i] = xi
    y[i] = xi < minDist ? 1 : Math.exp(-(xi - minDist) / spread)
  }
  let a = 1
  let b = 1
  let damping = 1e-3
  let here = evaluate(x, y, a, b)
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // (JᵀJ + λ·diag JᵀJ) δ = −Jᵀr, solved in closed form for two unknowns.
    const maa = here.jaa * (1 + damping)
    const mbb = here.jbb * (1 + damping)
    const determinant = maa * mbb - here.jab * here.jab
    if (!(Math.abs(determinant) > 0)) break
    const stepA = (-here.ga * mbb + here.gb * here.jab) / determinant
    const stepB = (-here.gb * maa + here.ga * here.jab) / determinant
    const next = evaluate(x, y, a + stepA, b + stepB)
    if (Number.isFinite(next.cost) && next.cost <= here.cost) {
      a += stepA
      b += stepB
      here = next
      damping = Math.max(damping / 10, 1e-12)
      if (Math.abs(stepA) <= 1e-12 * Math.abs(a) && Math.abs(stepB) <= 1e-12 * Math.abs(b)) break
    } else {
      damping *= 10
      if (damping > 1e12) break
    }
  }
  return { a, b }
}
