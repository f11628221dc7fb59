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

describe.each(BUILDS)('gemm (%s build)', (build) => {
  test.each([
    // m, k, n, transposeA, transposeB, accumulate
    [4, 8, 8, false, false, false],
    [13, 37, 21, false, false, false],
    [7, 5, 3, true, false, false],
    [9, 30, 19, false, true, false],
    [6, 11, 17, true, true, true],
    [128, 64, 40, false, false, true],
  ])('%i×%i×%i, Aᵀ %s, Bᵀ %s, accumulate %s', async (m, k, n, ta, tb, accumulate) => {
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
    const panel = memory.alloc(8 * k)
    memory.view(a, m * k).set(aValues)
    memory.view(b, k * n).set(bValues)
    memory.view(c, m * n).set(start)
    // A stored as m×k (or k×m when read transposed), B as k×n (or n×k).
    const [ai, ak] = ta ? [1, m] : [k, 1]
    const [bk, bj] = tb ? [1, k] : [n, 1]
    memory.kernels.gemm(a, ai, ak, b, bk, bj, c, m, k, n, accumulate ? 1 : 0, panel)
    const expected = reference(aValues, ai, ak, bValues, bk, bj, m, k, n)
    const got = memory.view(c, m * n)
    let worst = 0
    expected.forEach((value, i) => {
      const want = value + (accumulate ? (start[i] ?? 0) : 0)
      worst = Math.max(worst, Math.abs((got[i] ?? NaN) - want))
    })
    expect(worst).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(k)))
  })
})

describe.each(BUILDS)('bernoulliLoss (%s build)', (build) => {
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
