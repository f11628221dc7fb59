import { beforeAll, describe, expect, test } from 'vitest'
import { solveLasso } from '../../src/core/sparse/engine/lassoSolver'
import { largestEigenvalue } from '../../src/core/sparse/dictionaryMath'
import { createRandom } from '../../src/core/random'
import { switchBackend } from './setupBackend'
import { orthonormalRows, randomUnitAtoms } from './lassoHelpers'

beforeAll(() => switchBackend('cpu'))

/** Gradient of the smooth part at the codes, negated: g = D(x − Dᵀa), per atom. */
function correlationOfResidual(
  x: Float32Array,
  a: Float32Array,
  atoms: Float32Array,
  k: number,
): Float64Array {
  const m = x.length
  const residual = Float64Array.from(x)
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < m; i++)
      residual[i] = (residual[i] as number) - (a[j] as number) * (atoms[j * m + i] as number)
  }
  const g = new Float64Array(k)
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < m; i++)
      g[j] = (g[j] as number) + (atoms[j * m + i] as number) * (residual[i] as number)
  }
  return g
}

function objective(
  x: ArrayLike<number>,
  a: ArrayLike<number>,
  atoms: Float32Array,
  k: number,
  lambda: number,
): number {
  const m = x.length
  let squares = 0
  for (let i = 0; i < m; i++) {
    let fit = 0
    for (let j = 0; j < k; j++) fit += (a[j] as number) * (atoms[j * m + i] as number)
    squares += ((x[i] as number) - fit) ** 2
  }
  let l1 = 0
  for (let j = 0; j < k; j++) l1 += Math.abs(a[j] as number)
  return 0.5 * squares + lambda * l1
}

/** Independent reference: cyclic coordinate descent in float64, run to a tiny change. */
function coordinateDescent(
  x: Float32Array,
  atoms: Float32Array,
  k: number,
  lambda: number,
  nonNegative: boolean,
): Float64Array {
  const m = x.length
  const a = new Float64Array(k)
  const residual = Float64Array.from(x)
  for (let sweep = 0; sweep < 20000; sweep++) {
    let largest = 0
    for (let j = 0; j < k; j++) {
      let rho = 0
      for (let i = 0; i < m; i++)
        rho +=
          (atoms[j * m + i] as number) *
          ((residual[i] as number) + (a[j] as number) * (atoms[j * m + i] as number))
      const soft = nonNegative
        ? Math.max(rho - lambda, 0)
        : Math.sign(rho) * Math.max(Math.abs(rho) - lambda, 0)
      const delta = soft - (a[j] as number)
      if (delta !== 0) {
        for (let i = 0; i < m; i++)
          residual[i] = (residual[i] as number) - delta * (atoms[j * m + i] as number)
        a[j] = soft
        largest = Math.max(largest, Math.abs(delta))
      }
    }
    if (largest < 1e-13) break
  }
  return a
}

const k = 48
const m = 16
const n = 40
const lambda = 0.2
const atoms = randomUnitAtoms(k, m, 11)
const patches = createRandom(12).normals(n * m)

/** Worst KKT violations and worst objective gap to coordinate descent over all patches. */
function check(codes: Float32Array, nonNegative: boolean) {
  let worstActive = 0
  let worstInactive = 0
  let worstObjective = 0
  let nonZeros = 0
  let negatives = 0
  for (let p = 0; p < n; p++) {
    const x = patches.subarray(p * m, (p + 1) * m)
    const a = codes.subarray(p * k, (p + 1) * k)
    const g = correlationOfResidual(x, a, atoms, k)
    for (let j = 0; j < k; j++) {
      const aj = a[j] as number
      const gj = g[j] as number
      if (aj < 0) negatives += 1
      if (aj !== 0) {
        nonZeros += 1
        worstActive = Math.max(worstActive, Math.abs(gj - lambda * Math.sign(aj)))
      } else {
        // Off the support: |∇ⱼ| ≤ λ, or ∇ⱼ ≤ λ for non-negative codes.
        worstInactive = Math.max(worstInactive, (nonNegative ? gj : Math.abs(gj)) - lambda)
      }
    }
    const reference = objective(
      x,
      coordinateDescent(x, atoms, k, lambda, nonNegative),
      atoms,
      k,
      lambda,
    )
    const ours = objective(x, a, atoms, k, lambda)
    worstObjective = Math.max(worstObjective, Math.abs(ours - reference) / reference)
  }
  return {
    worstActive,
    worstInactive,
    worstObjective,
    nonZeroFraction: nonZeros / (n * k),
    negatives,
  }
}

/** The FISTA tests ask for FISTA: on the CPU backend, `'auto'` picks coordinate descent. */
const solveFista: typeof solveLasso = (p, a, count, options) =>
  solveLasso(p, a, count, { ...options, solver: 'fista' })

describe.each(['fista', 'coordinate-descent'] as const)('%s lasso solver: optimality', (solver) => {
  for (const nonNegative of [false, true]) {
    test(`${nonNegative ? 'non-negative codes satisfy' : 'satisfies'} the lasso optimality (KKT) conditions and match${nonNegative ? '' : 'es'} coordinate descent to 1e-4`, async () => {
      const { codes, converged } = await solveLasso(patches, atoms, k, {
        lambda,
        nonNegative,
        tolerance: 1e-7,
        maxIterations: 20000,
        solver,
      })
      expect(converged).toBe(true)
      const result = check(codes, nonNegative)
      // Stated tolerance: |∇ⱼ − λ·sign(aⱼ)| ≤ 1e-3·λ on the support, |∇ⱼ| ≤ λ(1 + 1e-3) off it.
      expect(result.worstActive).toBeLessThan(1e-3 * lambda)
      expect(result.worstInactive).toBeLessThan(1e-3 * lambda)
      expect(result.worstObjective).toBeLessThan(1e-4)
      // The problem is a real sparse one: neither all-zero nor dense.
      expect(result.nonZeroFraction).toBeGreaterThan(0.05)
      expect(result.nonZeroFraction).toBeLessThan(0.6)
      if (nonNegative) expect(result.negatives).toBe(0)
    })
  }
})

describe('FISTA lasso solver', () => {
  test('with an orthonormal dictionary the codes are exactly the soft-thresholded correlations', async () => {
    const q = orthonormalRows(createRandom(5).normals(m * m), m)
    const { codes, iterations } = await solveFista(patches, q, m, {
      lambda,
      nonNegative: false,
      tolerance: 1e-6,
      maxIterations: 1000,
      checkEvery: 1,
    })
    // The step is 1/L with L = 1.001 (a safety margin on the power iteration), so a few iterations, not one.
    expect(iterations).toBeLessThanOrEqual(5)
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < m; j++) {
        let c = 0
        for (let i = 0; i < m; i++) c += (q[j * m + i] as number) * (patches[p * m + i] as number)
        const expected = Math.sign(c) * Math.max(Math.abs(c) - lambda, 0)
        expect(Math.abs((codes[p * m + j] as number) - expected)).toBeLessThan(1e-5)
        if (expected === 0) expect(codes[p * m + j] === 0).toBe(true)
      }
    }
  })

  test('iterates follow FISTA with restarts, computed in float64, for 30 iterations', async () => {
    const iterations = 30
    const { codes } = await solveFista(patches, atoms, k, {
      lambda,
      nonNegative: false,
      tolerance: 0,
      maxIterations: iterations,
    })
    const lipschitz = largestEigenvalue(atoms, k, m, new Float64Array(m).fill(1))
    const gram = new Float64Array(k * k)
    for (let j = 0; j < k; j++)
      for (let l = 0; l < k; l++)
        for (let i = 0; i < m; i++)
          gram[j * k + l] =
            (gram[j * k + l] as number) +
            (atoms[j * m + i] as number) * (atoms[l * m + i] as number)
    let worst = 0
    let restarts = 0
    for (let p = 0; p < n; p++) {
      const x = patches.subarray(p * m, (p + 1) * m)
      const c = correlationOfResidual(x, new Float32Array(k), atoms, k)
      let a = new Float64Array(k)
      let y = new Float64Array(k)
      let t = 1
      for (let s = 0; s < iterations; s++) {
        const next = new Float64Array(k)
        for (let j = 0; j < k; j++) {
          let gy = 0
          for (let l = 0; l < k; l++) gy += (gram[j * k + l] as number) * (y[l] as number)
          const v = (y[j] as number) - (gy - (c[j] as number)) / lipschitz
          next[j] = Math.sign(v) * Math.max(Math.abs(v) - lambda / lipschitz, 0)
        }
        let dot = 0
        for (let j = 0; j < k; j++)
          dot += ((y[j] as number) - (next[j] as number)) * ((next[j] as number) - (a[j] as number))
        const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2
        const weight = dot > 0 ? 0 : (t - 1) / tNext
        if (dot > 0) restarts += 1
        y = next.map((value, j) => value + weight * (value - (a[j] as number)))
        t = dot > 0 ? 1 : tNext
        a = next
      }
      for (let j = 0; j < k; j++)
        worst = Math.max(worst, Math.abs((codes[p * k + j] as number) - (a[j] as number)))
    }
    // Restarts happen on this problem, so both momentum paths are exercised.
    expect(restarts).toBeGreaterThan(0)
    expect(worst).toBeLessThan(1e-4)
  })

  test('a huge iteration budget costs no more memory and gives the same codes', async () => {
    const options = { lambda, nonNegative: false, tolerance: 1e-5 }
    const small = await solveFista(patches, atoms, k, { ...options, maxIterations: 5000 })
    const huge = await solveFista(patches, atoms, k, { ...options, maxIterations: 1e9 })
    expect(huge.iterations).toBe(small.iterations)
    expect(Array.from(huge.codes)).toEqual(Array.from(small.codes))
  })

  test('a warm start at the solution converges at the first check', async () => {
    const options = { lambda, nonNegative: false, tolerance: 1e-5, maxIterations: 5000 }
    const cold = await solveFista(patches, atoms, k, options)
    const warm = await solveFista(patches, atoms, k, {
      ...options,
      initial: cold.codes,
      checkEvery: 1,
    })
    expect(cold.iterations).toBeGreaterThan(20)
    expect(warm.iterations).toBeLessThanOrEqual(3)
  })
})

describe('coordinate-descent lasso solver', () => {
  const solveCD: typeof solveLasso = (p, a, count, options) =>
    solveLasso(p, a, count, { ...options, solver: 'coordinate-descent' })

  test('reaches the same objective as FISTA to 1e-6 relative on every patch', async () => {
    const options = { lambda, nonNegative: false, tolerance: 1e-9, maxIterations: 50000 }
    const cd = await solveCD(patches, atoms, k, options)
    const reference = await solveFista(patches, atoms, k, options)
    expect(cd.converged).toBe(true)
    let worst = 0
    for (let p = 0; p < n; p++) {
      const x = patches.subarray(p * m, (p + 1) * m)
      const ours = objective(x, cd.codes.subarray(p * k, (p + 1) * k), atoms, k, lambda)
      const theirs = objective(x, reference.codes.subarray(p * k, (p + 1) * k), atoms, k, lambda)
      worst = Math.max(worst, Math.abs(ours - theirs) / theirs)
    }
    expect(worst).toBeLessThan(1e-6)
  })

  test('an orthonormal dictionary is solved in one sweep, plus the sweep that confirms it', async () => {
    // Orthonormal, so every coordinate is independent of the others.
    const q = orthonormalRows(randomUnitAtoms(m, m, 21), m)
    const { codes, iterations, converged } = await solveCD(patches, q, m, {
      lambda,
      nonNegative: false,
      tolerance: 1e-6,
      maxIterations: 1000,
    })
    expect(converged).toBe(true)
    expect(iterations).toBeLessThanOrEqual(3)
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < m; j++) {
        let c = 0
        for (let i = 0; i < m; i++) c += (q[j * m + i] as number) * (patches[p * m + i] as number)
        const expected = Math.sign(c) * Math.max(Math.abs(c) - lambda, 0)
        expect(Math.abs((codes[p * m + j] as number) - expected)).toBeLessThan(1e-5)
      }
    }
  })

  test('a warm start at the solution stops after one sweep; the same inputs give the same codes', async () => {
    const options = { lambda, nonNegative: false, tolerance: 1e-6, maxIterations: 5000 }
    const cold = await solveCD(patches, atoms, k, options)
    const again = await solveCD(patches, atoms, k, options)
    const warm = await solveCD(patches, atoms, k, { ...options, initial: cold.codes })
    expect(Array.from(again.codes)).toEqual(Array.from(cold.codes))
    expect(cold.iterations).toBeGreaterThan(3)
    expect(warm.iterations).toBe(1)
  })

  test('a sweep budget too small to converge says so', async () => {
    const result = await solveCD(patches, atoms, k, {
      lambda,
      nonNegative: false,
      tolerance: 1e-9,
      maxIterations: 2,
    })
    expect(result.converged).toBe(false)
    expect(result.iterations).toBe(2)
  })

  test('leaves no tensors behind', async () => {
    const tf = await import('@tensorflow/tfjs-core')
    const before = tf.memory().numTensors
    await solveCD(patches, atoms, k, {
      lambda,
      nonNegative: true,
      tolerance: 1e-4,
      maxIterations: 100,
    })
    expect(tf.memory().numTensors).toBe(before)
  })
})
