import { describe, expect, test } from 'vitest'
import { measuredTileRows } from '../../src/core/kernels/tileRows'
import { compileKernels, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'

describe('register blocks of the products in Chromium', () => {
  test('the background probe answers; six- and four-row blocks give the same bits here, and the float64 product', async () => {
    const compiled = await compileKernels()
    if (!compiled) throw new Error('no kernels in Chromium')
    const rows = await measuredTileRows()
    expect([4, 6]).toContain(rows)
    console.info(`latentkit: products in ${rows}-row register blocks here`)
    const memory = new KernelMemory(compiled)
    const [m, k, n] = [29, 70, 21]
    const random = createRandom(3)
    const a = memory.alloc(m * k)
    const b = memory.alloc(k * n)
    const aValues = Float32Array.from(random.normals(m * k))
    const bValues = Float32Array.from(random.normals(k * n))
    memory.view(a, m * k).set(aValues)
    memory.view(b, k * n).set(bValues)
    const panel = memory.alloc(8 * k * Math.ceil(n / 8))
    const products = ([4, 6] as const).map((tile) => {
      memory.kernels.setTileRows(tile)
      const c = memory.alloc(m * n)
      memory.kernels.gemmPackedB(a, k, 1, b, n, 1, c, m, k, n, 0, panel)
      return Array.from(memory.view(c, m * n))
    }) as [number[], number[]]
    expect(products[1]).toEqual(products[0])
    products[1].forEach((value, at) => {
      const [i, j] = [Math.floor(at / n), at % n]
      let sum = 0
      for (let q = 0; q < k; q++) sum += (aValues[i * k + q] ?? 0) * (bValues[q * n + j] ?? 0)
      expect(Math.abs(value - sum)).toBeLessThan(1e-4)
    })
  })
})
