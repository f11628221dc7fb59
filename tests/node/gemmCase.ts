import { expect } from 'vitest'
import {
  compileKernelBuild,
  KernelMemory,
  type KernelBuild,
} from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'

/** Both kernel builds, for `describe.each`. */
export const KERNEL_BUILDS: KernelBuild[] = ['simd', 'relaxed-simd']

/** A float64 reference product over general strides. */
function referenceProduct(
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

/** The kernels with `gemm`'s arguments. */
export type GemmKernelName = 'gemm' | 'gemmPackedB'

/** A product's operands in kernel memory, ready for `gemm`-shaped kernels. */
export interface GemmCase {
  memory: KernelMemory
  /** Runs `kernel` on the case's A and B (strides, shape, accumulation) into C, packing into `panel`. */
  multiply: (kernel: GemmKernelName, c: number, panel: number) => void
  /** `gemm` on rows [0, top) of the case, then on rows [top, m), into C at `c`. */
  split: (top: number, c: number, panel: number) => void
  /** A new C (m×n) holding the case's start values. */
  newC: () => number
  /** The largest |C − (start if accumulating) − A·B| over C at `c`, against the float64 product. */
  worstError: (c: number) => number
}

/** Seeded operands for an m×k×n product, A and B optionally read transposed. */
export async function gemmCase(
  build: KernelBuild,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  accumulate: boolean,
): Promise<GemmCase> {
  const compiled = await compileKernelBuild(build)
  expect(compiled, `this Node runs the ${build} build`).toBeDefined()
  const memory = new KernelMemory(compiled as NonNullable<typeof compiled>)
  const random = createRandom(m * 1000 + k * 10 + n)
  const aValues = Float32Array.from({ length: m * k }, () => random.uniform() - 0.5)
  const bValues = Float32Array.from({ length: k * n }, () => random.uniform() - 0.5)
  const start = Float32Array.from({ length: m * n }, () => random.uniform())
  const a = memory.alloc(m * k)
  const b = memory.alloc(k * n)
  memory.view(a, m * k).set(aValues)
  memory.view(b, k * n).set(bValues)
  const [ai, ak] = transposeA ? [1, m] : [k, 1]
  const [bk, bj] = transposeB ? [1, k] : [n, 1]
  const expected = referenceProduct(aValues, ai, ak, bValues, bk, bj, m, k, n)
  return {
    memory,
    multiply: (kernel, c, panel) =>
      memory.kernels[kernel](a, ai, ak, b, bk, bj, c, m, k, n, accumulate ? 1 : 0, panel),
    split: (top, c, panel) => {
      const flag = accumulate ? 1 : 0
      memory.kernels.gemm(a, ai, ak, b, bk, bj, c, top, k, n, flag, panel)
      const [lowerA, lowerC] = [a + 4 * top * ai, c + 4 * top * n]
      memory.kernels.gemm(lowerA, ai, ak, b, bk, bj, lowerC, m - top, k, n, flag, panel)
    },
    newC: () => {
      const c = memory.alloc(m * n)
      memory.view(c, m * n).set(start)
      return c
    },
    worstError: (c) => {
      const got = memory.view(c, m * n)
      let worst = 0
      expected.forEach((value, i) => {
        const want = value + (accumulate ? (start[i] ?? 0) : 0)
        worst = Math.max(worst, Math.abs((got[i] ?? NaN) - want))
      })
      return worst
    },
  }
}
