import { describe, expect, test } from 'vitest'
import { gemmCase, KERNEL_BUILDS } from './gemmCase'

// M, K, N around the 4-row and 8-column blocks (1, 3, 4, 5, 7, 8, 9, 17 …), K from 1 up.
const SHAPES: [number, number, number, boolean, boolean, boolean][] = [
  // m, k, n, transposeA, transposeB, accumulate
  [1, 1, 1, false, false, false],
  [3, 2, 7, false, false, false],
  [4, 8, 8, false, false, false],
  [5, 3, 9, false, false, true],
  [7, 64, 16, false, false, false],
  [8, 17, 15, true, false, false],
  [9, 30, 19, false, true, false],
  [13, 37, 21, true, true, true],
  [17, 256, 32, false, false, false],
  [66, 256, 40, false, false, true],
  [131, 100, 33, false, true, false],
  // Products with a short last block (an InfoGAN's 9-column head, layers of 10 and 20 units).
  [128, 1568, 9, false, false, false],
  [1568, 128, 9, true, false, true],
  [37, 29, 20, false, true, false],
  [70, 33, 10, true, true, true],
  // gemm's narrow paths (one column of B; an inner dimension of one) keep its blocks' bits.
  [37, 29, 1, false, false, true],
  [38, 30, 1, true, false, false],
  [130, 1568, 1, false, true, false],
  [1568, 128, 1, true, false, true],
  [37, 1, 21, false, false, true],
  [128, 1, 1568, true, false, false],
]

describe.each(KERNEL_BUILDS)('gemmPackedB (%s build)', (build) => {
  test.each(SHAPES)(
    '%i×%i×%i, Aᵀ %s, Bᵀ %s, accumulate %s: the float64 product, and gemm’s bits',
    async (m, k, n, ta, tb, accumulate) => {
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
      const cGemm = newC()
      const panels = Math.ceil(n / 8)
      // One float past the panels holds a sentinel: the kernel keeps to K·8·⌈N/8⌉ floats.
      const panel = memory.alloc(8 * k * panels + 1)
      memory.view(panel + 4 * 8 * k * panels, 1)[0] = 12345
      multiply('gemmPackedB', c, panel)
      multiply('gemm', cGemm, panel)
      expect(worstError(c)).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(k)))
      expect(Array.from(memory.view(c, m * n))).toEqual(Array.from(memory.view(cGemm, m * n)))
      expect(memory.view(panel + 4 * 8 * k * panels, 1)[0]).toBe(12345)
    },
  )
})
