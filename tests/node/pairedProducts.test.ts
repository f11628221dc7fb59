import { describe, expect, test } from 'vitest'
import { PairedProducts, PAIRED_UP_TO } from '../../src/core/dec/engine/pairedProducts'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { relativeGap } from './relativeGap'

/** `rows × cols` values, each zero with probability `zeros`. */
function sparseMatrix(rows: number, cols: number, zeros: number, seed: number): Float32Array {
  const random = createRandom(seed)
  return Float32Array.from({ length: rows * cols }, () =>
    random.uniform() < zeros ? 0 : random.normal(),
  )
}

/** A · B on the host in float64: A `m × k` (or the transpose of `a`), B read with strides. */
function reference(
  a: Float32Array,
  rows: number,
  cols: number,
  transposeA: boolean,
  b: Float32Array,
  bk: number,
  bj: number,
  n: number,
): Float32Array {
  const [m, k] = transposeA ? [cols, rows] : [rows, cols]
  const c = new Float32Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0
      for (let t = 0; t < k; t++) {
        const av = transposeA ? (a[t * cols + i] as number) : (a[i * cols + t] as number)
        sum += av * (b[t * bk + j * bj] as number)
      }
      c[i * n + j] = sum
    }
  }
  return c
}

describe.each(['simd', 'relaxed-simd'] as const)('paired products (%s build)', (build) => {
  // rows × cols of A as stored, whether the product reads it transposed, n, B transposed, accumulate
  const CASES: [number, number, boolean, number, boolean, boolean][] = [
    [9, 23, false, 37, false, false], // odd rows: the last row pairs with zeros; n not a multiple of 16
    [16, 41, true, 33, false, false], // Aᵀ (a weight gradient: inputᵀ · gradOut), 41 rows of Aᵀ
    [11, 7, true, 16, false, true], // Aᵀ with an odd number of its rows, accumulated into C
    [12, 20, false, 18, true, false], // B read transposed (a gradient at the input: gradOut · Wᵀ)
  ]
  test.each(CASES)(
    'A %i×%i (transposed: %s) times B, %i columns (B transposed: %s, accumulate: %s), equals the product on the host',
    async (rows, cols, transposeA, n, transposeB, accumulate) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const memory = new KernelMemory(compiled)
      const products = new PairedProducts(memory, Math.max(rows, cols), Math.max(rows, cols, n))
      const k = transposeA ? rows : cols
      const m = transposeA ? cols : rows
      const a = sparseMatrix(rows, cols, 0.6, 1)
      const b = sparseMatrix(k, n, 0, 2)
      // B stored as k × n (strides n, 1) or as its transpose n × k (strides 1, k).
      const stored = transposeB
        ? Float32Array.from(
            { length: k * n },
            (_, i) => b[(i % k) * n + Math.floor(i / k)] as number,
          )
        : b
      const [bk, bj] = transposeB ? [1, k] : [n, 1]
      const start = sparseMatrix(m, n, 0, 3)
      const at = memory.alloc(a.length)
      const bt = memory.alloc(stored.length)
      const ct = memory.alloc(m * n)
      memory.view(at, a.length).set(a)
      memory.view(bt, stored.length).set(stored)
      memory.view(ct, m * n).set(start)
      products.multiply(at, rows, cols, transposeA, bt, bk, bj, ct, n, accumulate, true)
      expect(products.paired).toBe(1)
      const expected = reference(a, rows, cols, transposeA, b, n, 1, n)
      if (accumulate) expected.forEach((v, i) => (expected[i] = v + (start[i] as number)))
      expect(relativeGap(memory.view(ct, m * n), expected)).toBeLessThan(1e-5)
    },
  )

  test('a mostly nonzero operand takes the dense product, with the same values', async () => {
    const compiled = await compileKernelBuild(build)
    if (!compiled) throw new Error(`no ${build} build here`)
    const memory = new KernelMemory(compiled)
    const [rows, cols, n] = [8, 24, 20]
    const products = new PairedProducts(memory, rows, cols)
    const a = sparseMatrix(rows, cols, 0, 4)
    const b = sparseMatrix(cols, n, 0, 5)
    const at = memory.alloc(a.length)
    const bt = memory.alloc(b.length)
    const ct = memory.alloc(rows * n)
    memory.view(at, a.length).set(a)
    memory.view(bt, b.length).set(b)
    products.multiply(at, rows, cols, false, bt, n, 1, ct, n, false, true)
    expect(PAIRED_UP_TO).toBeLessThan(1)
    expect(products.paired).toBe(0)
    expect(products.products).toBe(1)
    const expected = reference(a, rows, cols, false, b, n, 1, n)
    expect(relativeGap(memory.view(ct, rows * n), expected)).toBeLessThan(1e-5)
  })
})
