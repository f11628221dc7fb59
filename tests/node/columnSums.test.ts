import { describe, expect, test } from 'vitest'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { KERNEL_BUILDS } from './gemmCase'

// M, N, accumulate: one column (a grey image's bias), 16 and 32 channels over many pixels (a
// convolution's), the 16-column blocks' tails (17, 21, 37), a dense layer's wide, short gradient.
const SHAPES: [number, number, boolean][] = [
  [1, 1, false],
  [5, 1, true],
  [3137, 1, false],
  [7, 3, false],
  [13, 16, true],
  [9, 17, false],
  [4, 21, true],
  [3136, 32, false],
  [3, 37, true],
  [128, 400, false],
]

describe.each(KERNEL_BUILDS)('columnSums (%s build)', (build) => {
  test.each(SHAPES)(
    '%i×%i, accumulate %s: every column’s rows added in order in float32, bit for bit',
    async (m, n, accumulate) => {
      const compiled = await compileKernelBuild(build)
      expect(compiled, `this Node runs the ${build} build`).toBeDefined()
      const memory = new KernelMemory(compiled as NonNullable<typeof compiled>)
      const random = createRandom(m * 100 + n)
      const values = Float32Array.from({ length: m * n }, () => random.uniform() - 0.5)
      const start = Float32Array.from({ length: n }, () => random.uniform())
      const src = memory.alloc(m * n)
      // One float past the sums holds a sentinel: the kernel writes N sums, no more.
      const dst = memory.alloc(n + 1)
      memory.view(src, m * n).set(values)
      memory.view(dst, n).set(start)
      memory.view(dst + 4 * n, 1)[0] = 12345
      memory.kernels.columnSums(src, dst, m, n, accumulate ? 1 : 0)
      const expected = new Float32Array(n)
      for (let j = 0; j < n; j++) {
        let sum = accumulate ? (start[j] ?? NaN) : 0
        for (let i = 0; i < m; i++) sum = Math.fround(sum + (values[i * n + j] ?? NaN))
        expected[j] = sum
      }
      expect(Array.from(memory.view(dst, n))).toEqual(Array.from(expected))
      expect(memory.view(dst + 4 * n, 1)[0]).toBe(12345)
    },
  )
})
