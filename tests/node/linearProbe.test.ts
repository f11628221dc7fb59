/**
 * The linear probe: logistic regression on features with few labels, on a held-out split. Checked
 * on raw digit pixels against the accuracies scikit-learn's LogisticRegression(C = 1) reaches on
 * standardised pixels (0.53 / 0.91 / 0.97 with 1 / 10 / all labels per class on its own 20 % split),
 * on a separable toy problem, for determinism, bad input and leaks; the fit in latentkit's
 * WebAssembly kernels against the same fit as TF.js operations.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { fitLinearProbe, fitProbeOnSplit } from '../../src/core/probe/engine/linearProbe'
import { compileKernels, type CompiledKernels } from '../../src/core/kernels/wasmKernels'
import { splitForProbe, resolveProbeOptions } from '../../src/core/probe/probeOptions'
import { loadDigits } from '../../src/data/digits'
import { configureMemoryBudget } from '../../src/core/memoryModel'
import type { LatentkitError } from '../../src/core/errors'
import { switchBackend } from './setupBackend'

const digits = loadDigits()
const pixels = { data: digits.images.data, shape: [digits.labels.length, 64] as const }

beforeAll(() => switchBackend('cpu'))

describe('linear probe', () => {
  test('raw digit pixels: accuracy grows with labels per class, near scikit-learn’s', async () => {
    const one = await fitLinearProbe(pixels, digits.labels, { labelsPerClass: 1 })
    const ten = await fitLinearProbe(pixels, digits.labels, { labelsPerClass: 10 })
    const all = await fitLinearProbe(pixels, digits.labels)
    expect(one.trainCount).toBe(10)
    expect(ten.trainCount).toBe(100)
    expect(all.trainCount + all.testCount).toBe(digits.labels.length)
    expect(all.testCount).toBeGreaterThan(350)
    expect(one.accuracy).toBeGreaterThan(0.3)
    expect(ten.accuracy).toBeGreaterThan(0.8)
    expect(all.accuracy).toBeGreaterThan(0.94)
    expect(one.accuracy).toBeLessThan(ten.accuracy)
    expect(ten.accuracy).toBeLessThan(all.accuracy)
    expect(Array.from(all.classes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(all.classAccuracy).toHaveLength(10)
    expect(all.trainLoss).toBeLessThan(0.2)
  })

  test('the split is stratified, disjoint and seeded; the same seed gives the same result', async () => {
    const options = resolveProbeOptions({ labelsPerClass: 5, seed: 3 })
    const split = splitForProbe(Int32Array.from(digits.labels), options)
    const train = new Set(split.train)
    expect(split.test.every((row) => !train.has(row))).toBe(true)
    for (let c = 0; c < 10; c++) {
      expect(Array.from(split.train).filter((row) => digits.labels[row] === c)).toHaveLength(5)
    }
    const again = splitForProbe(Int32Array.from(digits.labels), options)
    expect(Array.from(again.train)).toEqual(Array.from(split.train))
    const other = splitForProbe(Int32Array.from(digits.labels), { ...options, seed: 4 })
    expect(Array.from(other.train)).not.toEqual(Array.from(split.train))
    const a = await fitLinearProbe(pixels, digits.labels, { labelsPerClass: 5, seed: 3 })
    const b = await fitLinearProbe(pixels, digits.labels, { labelsPerClass: 5, seed: 3 })
    expect(b.accuracy).toBe(a.accuracy)
  })

  test('separable classes are told apart exactly; no tensor is left behind', async () => {
    const rows = 200
    const data = new Float32Array(rows * 2)
    const labels = new Int32Array(rows)
    for (let i = 0; i < rows; i++) {
      labels[i] = i % 2 === 0 ? 3 : 7
      data[2 * i] = (labels[i] === 3 ? -2 : 2) + Math.sin(i) * 0.5
      data[2 * i + 1] = Math.cos(i)
    }
    const before = tf.memory().numTensors
    const result = await fitLinearProbe({ data, shape: [rows, 2] }, labels, { labelsPerClass: 4 })
    expect(result.accuracy).toBe(1)
    expect(Array.from(result.classes)).toEqual([3, 7])
    expect(tf.memory().numTensors).toBe(before)
  })

  test('the fit in the kernels takes the same steps as the TF.js fit', async () => {
    const compiled = (await compileKernels()) as CompiledKernels
    expect(compiled).toBeDefined()
    const labels = Int32Array.from(digits.labels)
    // With every label, the classes are unbalanced (174–183 rows each) and every gradient is well away
    // from zero: the two fits agree to float32 rounding. With a few labels per class the classes are
    // balanced, so the bias's gradient is zero but for rounding, and Adam's first steps (the gradient
    // over its own magnitude) move each bias by ±0.05 on that rounding: the fits stay close, not equal.
    for (const [labelsPerClass, maxIterations, lossTolerance, accuracyTolerance] of [
      [undefined, 1, 1e-5, 0],
      [undefined, 25, 1e-5, 0],
      [undefined, 300, 1e-5, 0],
      [1, 300, 1e-2, 0.011],
      [10, 40, 1e-2, 0.011],
    ] as const) {
      const options = resolveProbeOptions({ labelsPerClass, maxIterations })
      const split = splitForProbe(labels, options)
      const before = tf.memory().numTensors
      const inKernels = await fitProbeOnSplit(pixels, labels, split, options, compiled)
      expect(tf.memory().numTensors).toBe(before)
      const withTF = await fitProbeOnSplit(pixels, labels, split, options, null)
      expect(inKernels.trainLoss).toBeGreaterThan(0)
      expect(Math.abs(inKernels.trainLoss - withTF.trainLoss)).toBeLessThanOrEqual(
        lossTolerance * withTF.trainLoss,
      )
      expect(Math.abs(inKernels.accuracy - withTF.accuracy)).toBeLessThanOrEqual(accuracyTolerance)
      expect(inKernels.testCount).toBe(withTF.testCount)
    }
  })

  test('bad input gets its code and a hint', async () => {
    const code = (run: () => Promise<unknown>) =>
      run().then(
        () => 'resolved',
        (e: { code?: string }) => e.code,
      )
    const labels = digits.labels
    expect(await code(() => fitLinearProbe(pixels, labels.subarray(0, 10)))).toBe('SHAPE_MISMATCH')
    expect(
      await code(() => fitLinearProbe(pixels, new Float32Array(labels.length).fill(0.5))),
    ).toBe('INVALID_INPUT')
    expect(await code(() => fitLinearProbe(pixels, new Int32Array(labels.length)))).toBe(
      'INVALID_INPUT',
    )
    expect(await code(() => fitLinearProbe(pixels, labels, { labelsPerClass: 0 }))).toBe(
      'INVALID_OPTION',
    )
    expect(await code(() => fitLinearProbe(pixels, labels, { testFraction: 1 }))).toBe(
      'INVALID_OPTION',
    )
    expect(await code(() => fitLinearProbe(pixels, labels, { C: -1 }))).toBe('INVALID_OPTION')
    const nan = { data: Float32Array.from(pixels.data).fill(NaN, 0, 1), shape: pixels.shape }
    expect(await code(() => fitLinearProbe(nan, labels))).toBe('NON_FINITE_INPUT')
    // More rows than the memory budget lets the probe hold: refused, naming the limit.
    configureMemoryBudget({ callBudgetBytes: 64 * 1024 })
    try {
      const refused = await fitLinearProbe(pixels, labels).catch((e: LatentkitError) => e)
      expect((refused as LatentkitError).code).toBe('INVALID_OPTION')
      expect((refused as LatentkitError).message).toMatch(/probe at most \d+ images per call/)
    } finally {
      configureMemoryBudget({})
    }
  })
})
