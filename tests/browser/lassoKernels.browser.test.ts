import { expect, test } from 'vitest'
import { compileKernels } from '../../src/core/kernels/wasmKernels'
import { coordinateDescentLasso } from '../../src/core/sparse/lassoCoordinateDescent'
import { kernelLasso } from '../../src/core/sparse/lassoKernels'
import { buildLassoProblem, LASSO_ATOMS, LASSO_LAMBDA } from '../../bench/lassoProblem'

test('Chromium: lasso coordinate descent in the kernels gives the TypeScript codes bit for bit', async () => {
  expect((await compileKernels())?.build).toBe('relaxed-simd')
  const { patches, atoms } = buildLassoProblem()
  const options = { lambda: LASSO_LAMBDA, nonNegative: false, tolerance: 1e-4, maxIterations: 5000 }
  // 200 of the bench problem's 1,024 patches (three full chunks and a short one), cold and warm.
  const rows = patches.subarray(0, 200 * 64)
  const reference = coordinateDescentLasso(rows, atoms, LASSO_ATOMS, options)
  const kernels = await kernelLasso(rows, atoms, LASSO_ATOMS, options)
  expect(kernels).toBeDefined()
  expect(kernels?.iterations).toBe(reference.iterations)
  expect(kernels?.meanIterations).toBe(reference.meanIterations)
  expect(Array.from(kernels?.codes ?? [])).toEqual(Array.from(reference.codes))
  const warmOptions = { ...options, lambda: 0.3 }
  const warmReference = coordinateDescentLasso(
    rows,
    atoms,
    LASSO_ATOMS,
    warmOptions,
    reference.codes,
  )
  const warm = await kernelLasso(rows, atoms, LASSO_ATOMS, warmOptions, reference.codes)
  expect(warm?.iterations).toBe(warmReference.iterations)
  expect(Array.from(warm?.codes ?? [])).toEqual(Array.from(warmReference.codes))
})
