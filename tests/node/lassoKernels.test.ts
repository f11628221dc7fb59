import { describe, expect, test } from 'vitest'
import {
  coordinateDescentLasso,
  type CoordinateDescentOptions,
} from '../../src/core/sparse/lassoCoordinateDescent'
import { kernelLasso } from '../../src/core/sparse/lassoKernels'
import { createRandom } from '../../src/core/random'
import { buildLassoProblem, LASSO_ATOMS } from '../../bench/lassoProblem'
import { randomUnitAtoms } from './lassoHelpers'

const OPTIONS: CoordinateDescentOptions = {
  lambda: 0.5,
  nonNegative: false,
  tolerance: 1e-4,
  maxIterations: 5000,
}

/** Both solvers on one problem: the kernels' codes and counts must be the TypeScript ones, bit for bit. */
async function expectSameBits(
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  options: CoordinateDescentOptions,
  initial?: Float32Array,
): Promise<void> {
  const reference = coordinateDescentLasso(patches, atoms, k, options, initial)
  const kernels = await kernelLasso(patches, atoms, k, options, initial)
  expect(kernels, 'a kernel build runs in Node').toBeDefined()
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

describe('lasso coordinate descent in the kernels', () => {
  test('the bench problem (1,024 digits over 128 digit atoms): the same codes and sweeps as TypeScript', async () => {
    const { patches, atoms } = buildLassoProblem()
    await expectSameBits(patches, atoms, LASSO_ATOMS, OPTIONS)
  })

  test('non-negative codes, a warm start, an odd number of atoms', async () => {
    const k = 33
    const m = 20
    const atoms = randomUnitAtoms(k, m, 3)
    const patches = mixtures(atoms, k, m, 70, 4)
    await expectSameBits(patches, atoms, k, { ...OPTIONS, nonNegative: true, lambda: 0.1 })
    const warm = coordinateDescentLasso(patches, atoms, k, { ...OPTIONS, maxIterations: 2 }).codes
    await expectSameBits(patches, atoms, k, { ...OPTIONS, lambda: 0.05 }, warm)
  })

  test('a sweep budget too small to converge: the same partial codes, and both say so', async () => {
    const k = 48
    const m = 16
    const atoms = randomUnitAtoms(k, m, 5)
    const patches = mixtures(atoms, k, m, 40, 6)
    const options = { ...OPTIONS, lambda: 0.01, tolerance: 1e-9, maxIterations: 3 }
    expect(coordinateDescentLasso(patches, atoms, k, options).converged).toBe(false)
    await expectSameBits(patches, atoms, k, options)
  })

  test('duplicated atoms (the feature-sign step refused) and an all-zero atom (skipped)', async () => {
    const k = 24
    const m = 12
    const atoms = randomUnitAtoms(k, m, 7)
    atoms.copyWithin(5 * m, 2 * m, 3 * m)
    atoms.copyWithin(9 * m, 2 * m, 3 * m)
    atoms.fill(0, 11 * m, 12 * m)
    const patches = mixtures(atoms, k, m, 30, 8)
    await expectSameBits(patches, atoms, k, { ...OPTIONS, lambda: 0.02 })
  })

  test('one kernel memory serves problems of different sizes in turn', async () => {
    const small = randomUnitAtoms(16, 8, 9)
    const large = randomUnitAtoms(40, 8, 10)
    await expectSameBits(mixtures(small, 16, 8, 10, 11), small, 16, OPTIONS)
    await expectSameBits(mixtures(large, 40, 8, 10, 12), large, 40, OPTIONS)
    await expectSameBits(mixtures(small, 16, 8, 65, 13), small, 16, OPTIONS)
  })
})
