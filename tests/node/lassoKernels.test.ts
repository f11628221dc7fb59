import { describe, expect, test } from 'vitest'
import {
  coordinateDescentLasso,
  type CoordinateDescentOptions,
} from '../../src/core/sparse/lassoCoordinateDescent'
import { kernelLasso } from '../../src/core/sparse/lassoKernels'
import { compileKernelBuild, type KernelBuild } from '../../src/core/kernels/wasmKernels'
import { KERNEL_BUILDS } from './gemmCase'
import { createRandom } from '../../src/core/random'
import { buildLassoProblem, LASSO_ATOMS } from '../../bench/lassoProblem'
import { randomUnitAtoms } from './lassoHelpers'

const OPTIONS: CoordinateDescentOptions = {
  lambda: 0.5,
  nonNegative: false,
  tolerance: 1e-4,
  maxIterations: 5000,
}

/**
 * Both solvers on one problem, the kernels of `build`: their codes and counts must be the TypeScript
 * ones, bit for bit.
 */
async function expectSameBits(
  build: KernelBuild,
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  options: CoordinateDescentOptions,
  initial?: Float32Array,
): Promise<void> {
  const compiled = await compileKernelBuild(build)
  expect(compiled, `this Node runs the ${build} build`).toBeDefined()
  const reference = coordinateDescentLasso(patches, atoms, k, options, initial)
  const kernels = await kernelLasso(patches, atoms, k, options, initial, compiled)
  expect(kernels, 'the kernels ran').toBeDefined()
  if (!kernels) return
  expect(kernels.iterations).toBe(reference.iterations)
  expect(kernels.meanIterations).toBe(reference.meanIterations)
  expect(kernels.converged).toBe(reference.converged)
  expect(Buffer.from(kernels.codes.buffer).equals(Buffer.from(reference.codes.buffer))).toBe(true)
}

/** `n` patches of `m` values: random mixtures of a few atoms plus noise (sparse solutions exist). */
function mixtures(
  atoms: Float32Array,
  k: number,
  m: number,
  n: number,
  seed: number,
): Float32Array {
  const random = createRandom(seed)
  const noise = random.normals(n * m)
  const patches = new Float32Array(n * m)
  for (let p = 0; p < n; p++) {
    for (let t = 0; t < 4; t++) {
      const j = Math.floor(random.uniform() * k)
      const weight = 2 * random.uniform() - 1
      for (let i = 0; i < m; i++) {
        patches[p * m + i] =
          (patches[p * m + i] as number) + weight * (atoms[j * m + i] as number) * 3
      }
    }
    for (let i = 0; i < m; i++) {
      patches[p * m + i] = (patches[p * m + i] as number) + 0.1 * (noise[p * m + i] as number)
    }
  }
  return patches
}

describe.each(KERNEL_BUILDS)('lasso coordinate descent in the kernels (%s build)', (build) => {
  test('the bench problem (1,024 digits over 128 digit atoms): the same codes and sweeps as TypeScript', async () => {
    const { patches, atoms } = buildLassoProblem()
    await expectSameBits(build, patches, atoms, LASSO_ATOMS, OPTIONS)
  })

  test('non-negative codes cold and warm, a warm start, an odd number of atoms', async () => {
    const k = 33
    const m = 20
    const atoms = randomUnitAtoms(k, m, 3)
    const patches = mixtures(atoms, k, m, 70, 4)
    const positive = { ...OPTIONS, nonNegative: true, lambda: 0.1 }
    await expectSameBits(build, patches, atoms, k, positive)
    const warm = coordinateDescentLasso(patches, atoms, k, { ...OPTIONS, maxIterations: 2 }).codes
    await expectSameBits(build, patches, atoms, k, { ...OPTIONS, lambda: 0.05 }, warm)
    const warmPositive = warm.map((v) => Math.abs(v))
    await expectSameBits(build, patches, atoms, k, { ...positive, lambda: 0.02 }, warmPositive)
  })

  test('fewer atoms than a SIMD block (5), and no rows at all', async () => {
    const atoms = randomUnitAtoms(5, 6, 14)
    await expectSameBits(build, mixtures(atoms, 5, 6, 9, 15), atoms, 5, OPTIONS)
    const none = await kernelLasso(new Float32Array(0), atoms, 5, OPTIONS)
    expect(none?.codes.length).toBe(0)
    expect(none?.converged).toBe(true)
  })

  test('sweep budgets: too small to converge (both say so), a fraction, Infinity', async () => {
    const k = 48
    const m = 16
    const atoms = randomUnitAtoms(k, m, 5)
    const patches = mixtures(atoms, k, m, 40, 6)
    const options = { ...OPTIONS, lambda: 0.01, tolerance: 1e-9, maxIterations: 3 }
    expect(coordinateDescentLasso(patches, atoms, k, options).converged).toBe(false)
    await expectSameBits(build, patches, atoms, k, options)
    await expectSameBits(build, patches, atoms, k, { ...options, maxIterations: 2.5 })
    await expectSameBits(build, patches, atoms, k, { ...OPTIONS, maxIterations: Infinity })
  })

  test('duplicated atoms both active (the feature-sign step refused) and an all-zero atom', async () => {
    const k = 24
    const m = 12
    const atoms = randomUnitAtoms(k, m, 7)
    atoms.copyWithin(5 * m, 2 * m, 3 * m)
    atoms.copyWithin(9 * m, 2 * m, 3 * m)
    atoms.fill(0, 11 * m, 12 * m)
    const n = 30
    const patches = mixtures(atoms, k, m, n, 8)
    // Warm starts with the duplicates (2, 5, 9) all non-zero: their Gram block is singular.
    const warm = new Float32Array(n * k)
    for (let p = 0; p < n; p++) {
      warm[p * k + 2] = 0.5
      warm[p * k + 5] = -0.25
      warm[p * k + 9] = 0.125
    }
    const options = { ...OPTIONS, lambda: 0.02 }
    await expectSameBits(build, patches, atoms, k, options)
    await expectSameBits(build, patches, atoms, k, options, warm)
  })

  test('one kernel memory serves problems of different sizes in turn', async () => {
    const small = randomUnitAtoms(16, 8, 9)
    const large = randomUnitAtoms(40, 8, 10)
    await expectSameBits(build, mixtures(small, 16, 8, 10, 11), small, 16, OPTIONS)
    await expectSameBits(build, mixtures(large, 40, 8, 10, 12), large, 40, OPTIONS)
    await expectSameBits(build, mixtures(small, 16, 8, 65, 13), small, 16, OPTIONS)
  })
})
