import { describe, expect, test } from 'vitest'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { gemmCase, KERNEL_BUILDS } from './gemmCase'

describe.each(KERNEL_BUILDS)('gemm (%s build)', (build) => {
  test.each([
    // m, k, n, transposeA, transposeB, accumulate
    [4, 8, 8, false, false, false],
    [13, 37, 21, false, false, false],
    [7, 5, 3, true, false, false],
    [9, 30, 19, false, true, false],
    [6, 11, 17, true, true, true],
    [128, 64, 40, false, false, true],
    // Narrow products: one column (rows or columns of A contiguous), an inner dimension of one.
    [128, 1568, 1, false, false, false],
    [23, 37, 1, false, true, true],
    [1568, 128, 1, true, false, false],
    [39, 13, 1, true, true, true],
    [128, 1, 1568, false, false, false],
    [7, 1, 13, true, false, true],
  ])('%i×%i×%i, Aᵀ %s, Bᵀ %s, accumulate %s', async (m, k, n, ta, tb, accumulate) => {
    const { memory, multiply, newC, worstError } = await gemmCase(
      build,
      m,
      k,
      n,
      ta,
      tb,
      accumulate,
    )
    const c = newC()
    multiply('gemm', c, memory.alloc(8 * k))
    expect(worstError(c)).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(k)))
  })
})

describe.each(KERNEL_BUILDS)('narrow gemm rows (%s build)', (build) => {
  // Two kernel threads each take a share of C's rows: every row must come out the same whatever
  // rows share its call (the narrow paths group rows by 16, 4 and 1).
  test.each([
    [37, 29, 1, false],
    [37, 29, 1, true],
    [37, 1, 21, false],
    // A short last block of columns.
    [37, 29, 10, false],
    [37, 29, 20, true],
  ])('%i×%i×%i (Aᵀ %s): any split of the rows gives the same bits', async (m, k, n, ta) => {
    const { memory, multiply, newC, split } = await gemmCase(build, m, k, n, ta, false, false)
    const whole = newC()
    multiply('gemm', whole, memory.alloc(8 * k))
    const expected = memory.view(whole, m * n).slice()
    for (const top of [1, 4, 5, 16, 20, 33]) {
      const parts = newC()
      split(top, parts, memory.alloc(8 * k))
      const got = memory.view(parts, m * n)
      expect(
        got.findIndex((value, i) => !Object.is(value, expected[i])),
        `rows split at ${top}`,
      ).toBe(-1)
    }
  })
})

describe.each(KERNEL_BUILDS)('bernoulliLoss (%s build)', (build) => {
  test('matches float64 softplus and sigmoid, extreme logits and odd lengths included', async () => {
    const compiled = await compileKernelBuild(build)
    expect(compiled).toBeDefined()
    const memory = new KernelMemory(compiled as NonNullable<typeof compiled>)
    const n = 1003
    const random = createRandom(11)
    const logits = Float32Array.from({ length: n }, (_, i) =>
      i < 8 ? [-200, -88, -30, -1e-9, 0, 1e-9, 30, 200][i]! : (random.uniform() - 0.5) * 80,
    )
    const targets = Float32Array.from({ length: n }, () => random.uniform())
    const raw = memory.alloc(n)
    const x = memory.alloc(n)
    const grad = memory.alloc(n)
    memory.view(raw, n).set(logits)
    memory.view(x, n).set(targets)
    const total = memory.kernels.bernoulliLoss(raw, x, grad, n, 0.5)
    let expected = 0
    let worstGrad = 0
    const grads = memory.view(grad, n)
    logits.forEach((l, i) => {
      const t = targets[i] as number
      expected += Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l))) - t * l
      const sigmoid = 1 / (1 + Math.exp(-l))
      worstGrad = Math.max(worstGrad, Math.abs((grads[i] as number) - (sigmoid - t) * 0.5))
    })
    expect(Math.abs(total - expected) / expected).toBeLessThan(1e-6)
    expect(worstGrad).toBeLessThan(1e-7)
  })
})
