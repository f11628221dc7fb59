import { describe, expect, test } from 'vitest'
import {
  compileKernelBuild,
  KernelMemory,
  type KernelBuild,
} from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'

/** A float64 reference product over general strides. */
function reference(
  a: Float32Array,
  ai: number,
  ak: number,
  b: Float32Array,
  bk: number,
  bj: number,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n)
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0
      for (let q = 0; q < k; q++) sum += (a[i * ai + q * ak] ?? 0) * (b[q * bk + j * bj] ?? 0)
      c[i * n + j] = sum
    }
  return c
}

const BUILDS: KernelBuild[] = ['simd', 'relaxed-simd']

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
]

describe.each(BUILDS)('gemmPackedB (%s build)', (build) => {
  test.each(SHAPES)(
    '%i×%i×%i, Aᵀ %s, Bᵀ %s, accumulate %s: the float64 product, and gemm’s bits',
    async (m, k, n, ta, tb, accumulate) => {
      const compiled = await compileKernelBuild(build)
      expect(compiled, `this Node runs the ${build} build`).toBeDefined()
      const memory = new KernelMemory(compiled as NonNullable<typeof compiled>)
      const random = createRandom(m * 1000 + k * 10 + n)
      const aValues = Float32Array.from({ length: m * k }, () => random.uniform() - 0.5)
      const bValues = Float32Array.from({ length: k * n }, () => random.uniform() - 0.5)
      const start = Float32Array.from({ length: m * n }, () => random.uniform())
      const a = memory.alloc(m * k)
      const b = memory.alloc(k * n)
      const c = memory.alloc(m * n)
      const cGemm = memory.alloc(m * n)
      const panels = Math.ceil(n / 8)
      // One float past the panels holds a sentinel: the kernel keeps to K·8·⌈N/8⌉ floats.
      const panel = memory.alloc(8 * k * panels + 1)
      memory.view(panel + 4 * 8 * k * panels, 1)[0] = 12345
      memory.view(a, m * k).set(aValues)
      memory.view(b, k * n).set(bValues)
      memory.view(c, m * n).set(start)
      memory.view(cGemm, m * n).set(start)
      // A stored as m×k (or k×m when read transposed), B as k×n (or n×k).
      const [ai, ak] = ta ? [1, m] : [k, 1]
      const [bk, bj] = tb ? [1, k] : [n, 1]
      const acc = accumulate ? 1 : 0
      memory.kernels.gemmPackedB(a, ai, ak, b, bk, bj, c, m, k, n, acc, panel)
      memory.kernels.gemm(a, ai, ak, b, bk, bj, cGemm, m, k, n, acc, panel)
      const expected = reference(aValues, ai, ak, bValues, bk, bj, m, k, n)
      const got = memory.view(c, m * n)
      let worst = 0
      expected.forEach((value, i) => {
        const want = value + (accumulate ? (start[i] ?? 0) : 0)
        worst = Math.max(worst, Math.abs((got[i] ?? NaN) - want))
      })
      expect(worst).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(k)))
      expect(Array.from(got)).toEqual(Array.from(memory.view(cGemm, m * n)))
      expect(memory.view(panel + 4 * 8 * k * panels, 1)[0]).toBe(12345)
    },
  )
})
