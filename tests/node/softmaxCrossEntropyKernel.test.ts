/**
 * The softmax cross-entropy kernel (assembly/kernels.ts) against a float64 reference: loss, arg-max
 * and gradient, with and without the diagonal left out, row lengths off the SIMD width, and logits
 * large enough to overflow a naive exponential.
 */
import { describe, expect, test } from 'vitest'
import {
  compileKernelBuild,
  KernelMemory,
  type KernelBuild,
} from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { relativeGap } from './relativeGap'

/** Loss, arg-max and gradient in float64. */
function reference(
  logits: Float32Array,
  targets: Int32Array,
  m: number,
  n: number,
  scale: number,
  gradScale: number,
  skipDiagonal: boolean,
): { loss: number; predicted: number[]; gradient: Float64Array } {
  let loss = 0
  const predicted: number[] = []
  const gradient = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    const candidates = [...Array(n).keys()].filter((j) => !(skipDiagonal && j === i))
    const x = (j: number): number => (logits[i * n + j] as number) * scale
    const best = Math.max(...candidates.map(x))
    predicted.push(candidates.find((j) => x(j) === best) as number)
    const sum = candidates.reduce((total, j) => total + Math.exp(x(j) - best), 0)
    const t = targets[i] as number
    loss += Math.log(sum) + best - x(t)
    for (const j of candidates) {
      gradient[i * n + j] = (Math.exp(x(j) - best) / sum - (j === t ? 1 : 0)) * gradScale
    }
  }
  return { loss, predicted, gradient }
}

describe.each(['simd', 'relaxed-simd'] as KernelBuild[])(
  'softmaxCrossEntropy (%s build)',
  (build) => {
    test.each([
      // m, n, scale, skipDiagonal, spread of the logits
      [6, 6, 2, true, 1],
      [13, 13, 20, true, 1],
      [9, 10, 1, false, 3],
      [5, 3, 1, false, 1],
      [16, 16, 100, true, 1],
      [7, 7, 1, true, 80],
    ])('%i×%i, scale %d, diagonal left out %s, logits ±%d', async (m, n, scale, skip, spread) => {
      const compiled = await compileKernelBuild(build)
      expect(compiled, `this Node runs the ${build} build`).toBeDefined()
      const memory = new KernelMemory(compiled as NonNullable<typeof compiled>)
      const random = createRandom(m * 100 + n)
      const values = Float32Array.from({ length: m * n }, () => spread * (2 * random.uniform() - 1))
      const targets = Int32Array.from({ length: m }, (_, i) => (skip ? (i + 1) % n : random.int(n)))
      const logits = memory.alloc(m * n)
      const targetAt = memory.alloc(m)
      const predictedAt = memory.alloc(m)
      memory.view(logits, m * n).set(values)
      new Int32Array(memory.kernels.memory.buffer, targetAt, m).set(targets)
      const loss = memory.kernels.softmaxCrossEntropy(
        logits,
        targetAt,
        predictedAt,
        m,
        n,
        scale,
        1 / m,
        skip ? 1 : 0,
      )
      const expected = reference(values, targets, m, n, scale, 1 / m, skip)
      expect(Math.abs(loss - expected.loss) / Math.max(1, expected.loss)).toBeLessThan(1e-5)
      expect(Array.from(new Int32Array(memory.kernels.memory.buffer, predictedAt, m))).toEqual(
        expected.predicted,
      )
      const gradient = memory.view(logits, m * n)
      expect(gradient.every(Number.isFinite)).toBe(true)
      expect(relativeGap(gradient, expected.gradient)).toBeLessThan(1e-5)
      if (skip) for (let i = 0; i < m; i++) expect(gradient[i * n + i]).toBe(0)
    })
  },
)
