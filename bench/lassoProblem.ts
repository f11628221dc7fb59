/**
 * The lasso problem every sparse coding benchmark solves, built the same way in Node, in the browser
 * and (through files) in Python: 1,024 contrast-normalised 8×8 digits as patches (64 values) and a
 * 128-atom dictionary made of 128 other digits, normalised and jittered (how learning starts).
 */
import * as tf from '@tensorflow/tfjs-core'
import { loadDigits } from '../src/data/digits'
import { resolveLassoSolver, solveLasso } from '../src/core/sparse/engine/lassoSolver'
import type { LassoSolver } from '../src/core/sparse/sparseOptions'
import { normalizePatches } from '../src/core/sparse/patches'
import { normalizeAtom } from '../src/core/sparse/dictionaryMath'
import { createRandom } from '../src/core/random'

export const LASSO_PATCHES = 1024
export const LASSO_ATOMS = 128
export const LASSO_SIZE = 64
export const LASSO_LAMBDA = 0.5
export const LASSO_TOLERANCE = 1e-4

export interface LassoProblem {
  readonly patches: Float32Array
  readonly atoms: Float32Array
}

export function buildLassoProblem(): LassoProblem {
  const digits = loadDigits().images.data
  const patches = digits.slice(0, LASSO_PATCHES * LASSO_SIZE)
  normalizePatches(patches, LASSO_SIZE, 'contrast', 0.05)
  const atoms = digits.slice(LASSO_PATCHES * LASSO_SIZE, (LASSO_PATCHES + LASSO_ATOMS) * LASSO_SIZE)
  normalizePatches(atoms, LASSO_SIZE, 'contrast', 0.05)
  const random = createRandom(17)
  for (let i = 0; i < atoms.length; i++) atoms[i] = (atoms[i] as number) + 0.01 * random.normal()
  for (let j = 0; j < LASSO_ATOMS; j++) normalizeAtom(atoms, j, LASSO_SIZE)
  return { patches, atoms }
}

/** Mean ½‖x − Dᵀa‖² + λ‖a‖₁ per patch, in float64. */
export function lassoObjective(
  problem: LassoProblem,
  codes: ArrayLike<number>,
  lambda = LASSO_LAMBDA,
): number {
  const { patches, atoms } = problem
  let total = 0
  const fit = new Float64Array(LASSO_SIZE)
  for (let p = 0; p < LASSO_PATCHES; p++) {
    fit.fill(0)
    for (let j = 0; j < LASSO_ATOMS; j++) {
      const a = codes[p * LASSO_ATOMS + j] as number
      if (a === 0) continue
      total += lambda * Math.abs(a)
      for (let i = 0; i < LASSO_SIZE; i++)
        fit[i] = (fit[i] as number) + a * (atoms[j * LASSO_SIZE + i] as number)
    }
    for (let i = 0; i < LASSO_SIZE; i++)
      total += 0.5 * ((patches[p * LASSO_SIZE + i] as number) - (fit[i] as number)) ** 2
  }
  return total / LASSO_PATCHES
}

/** Fraction of non-zero coefficients. */
export function nonZeroFraction(codes: ArrayLike<number>): number {
  let count = 0
  for (let i = 0; i < codes.length; i++) if (codes[i] !== 0) count += 1
  return count / codes.length
}

/** Median of a few timings. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

/** One row of the codes-per-second table. */
export interface CodingRow {
  readonly backend: string
  /** The solver that ran (`'auto'` resolved on the backend). */
  readonly solver: string
  readonly codesPerSecond: number
  readonly iterations: number
  readonly meanIterations: number
  readonly objective: number
  readonly nonZeroFraction: number
  readonly runs: readonly number[]
}

/**
 * Codes per second for the shared problem on `backend` with `solver`: median of `runs` timed solves
 * after a short warm-up solve (ten iterations: compiles the kernels or shaders).
 */
export async function codingThroughput(
  backend: string,
  runs: number,
  solver: LassoSolver = 'auto',
): Promise<CodingRow> {
  await tf.setBackend(backend)
  await tf.ready()
  const problem = buildLassoProblem()
  const options = {
    lambda: LASSO_LAMBDA,
    nonNegative: false,
    tolerance: LASSO_TOLERANCE,
    maxIterations: 5000,
    solver,
  }
  let result = await solveLasso(problem.patches, problem.atoms, LASSO_ATOMS, {
    ...options,
    maxIterations: 10,
  })
  const rates: number[] = []
  for (let r = 0; r < runs; r++) {
    const started = performance.now()
    result = await solveLasso(problem.patches, problem.atoms, LASSO_ATOMS, options)
    rates.push((LASSO_PATCHES * 1000) / (performance.now() - started))
  }
  return {
    backend,
    solver: resolveLassoSolver(solver),
    codesPerSecond: median(rates),
    iterations: result.iterations,
    meanIterations: result.meanIterations,
    objective: lassoObjective(problem, result.codes),
    nonZeroFraction: nonZeroFraction(result.codes),
    runs: rates,
  }
}
