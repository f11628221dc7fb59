import * as tf from '@tensorflow/tfjs-core'
import { Matrix, SingularValueDecomposition } from 'ml-matrix'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { PCA } from '../../src/core/pca/engine/pca'
import { configureMemoryBudget } from '../../src/core/memoryModel'
import { TrainingControl } from '../../src/core/trainingControl'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { switchBackend } from './setupBackend'

const digits = loadDigits().images
const small: ImageBatch = { data: digits.data.slice(0, 300 * 64), shape: [300, 8, 8, 1] }

beforeAll(() => switchBackend('cpu'))
afterEach(() => configureMemoryBudget({}))

/** PCA computed directly: SVD of the centred data matrix in float64 (a different algorithm). */
function directPCA(images: ImageBatch, k: number) {
  const [n] = images.shape
  const d = images.data.length / n
  const x = new Matrix(n, d)
  const mean = new Float64Array(d)
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) mean[i] = mean[i]! + images.data[r * d + i]! / n
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) x.set(r, i, images.data[r * d + i]! - mean[i]!)
  const svd = new SingularValueDecomposition(x, { autoTranspose: true })
  const variances = svd.diagonal.map((s) => (s * s) / (n - 1))
  const total = variances.reduce((a, b) => a + b, 0)
  const v = svd.rightSingularVectors
  const components = Array.from({ length: k }, (_, j) =>
    Array.from({ length: d }, (_, i) => v.get(i, j)),
  )
  return {
    mean,
    variances: variances.slice(0, k),
    ratios: variances.slice(0, k).map((e) => e / total),
    components,
  }
}

/** Largest |a − b| between two vectors, up to the sign of `b`. */
function differenceUpToSign(a: ArrayLike<number>, b: readonly number[]): number {
  let plus = 0
  let minus = 0
  for (let i = 0; i < b.length; i++) {
    plus = Math.max(plus, Math.abs(a[i]! - b[i]!))
    minus = Math.max(minus, Math.abs(a[i]! + b[i]!))
  }
  return Math.min(plus, minus)
}

async function fitted(options: ConstructorParameters<typeof PCA>[0], data = small): Promise<PCA> {
  const pca = new PCA(options)
  await pca.fit(data, { batchSize: 64 })
  return pca
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<LatentkitError> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    return error as LatentkitError
  }
  throw new Error('expected a refusal')
}

describe('PCA', () => {
  test('matches a direct SVD of the centred data: mean, variances, ratios and components up to sign', async () => {
    const pca = await fitted({ nComponents: 10 })
    const view = pca.componentsView()
    const direct = directPCA(small, 10)
    expect(view.solver).toBe('full')
    expect(view.samples).toBe(300)
    for (let i = 0; i < 64; i++) expect(view.mean.data[i]).toBeCloseTo(direct.mean[i]!, 5)
    for (let j = 0; j < 10; j++) {
      expect(Math.abs(view.explainedVariance[j]! - direct.variances[j]!)).toBeLessThan(
        1e-5 * direct.variances[0]!,
      )
      expect(Math.abs(view.explainedVarianceRatio[j]! - direct.ratios[j]!)).toBeLessThan(1e-5)
      const component = view.components.data.subarray(j * 64, (j + 1) * 64)
      expect(differenceUpToSign(component, direct.components[j]!)).toBeLessThan(1e-3)
    }
    expect(view.components.shape).toEqual([10, 8, 8, 1])
    expect(view.mean.shape).toEqual([1, 8, 8, 1])
    pca.dispose()
  })

  test('components are orthonormal, signed deterministically, and ratios sum to at most 1', async () => {
    const pca = await fitted({ nComponents: 20 })
    const { components, explainedVarianceRatio, explainedVariance } = pca.componentsView()
    for (let a = 0; a < 20; a++) {
      const row = components.data.subarray(a * 64, (a + 1) * 64)
      let largest = 0
      for (let i = 0; i < 64; i++) if (Math.abs(row[i]!) > Math.abs(row[largest]!)) largest = i
      expect(row[largest]).toBeGreaterThan(0)
      for (let b = 0; b < 20; b++) {
        let dot = 0
        for (let i = 0; i < 64; i++) dot += row[i]! * components.data[b * 64 + i]!
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-5)
      }
    }
    const sum = explainedVarianceRatio.reduce((s, r) => s + r, 0)
    expect(sum).toBeLessThanOrEqual(1)
    expect(sum).toBeGreaterThan(0.9)
    for (let j = 1; j < 20; j++)
      expect(explainedVariance[j]).toBeLessThanOrEqual(explainedVariance[j - 1]!)
    pca.dispose()
    const all = await fitted({ nComponents: 64 })
    expect(all.componentsView().explainedVarianceRatio.reduce((s, r) => s + r, 0)).toBeCloseTo(1, 5)
    expect(all.componentsView().noiseVariance).toBe(0)
    all.dispose()
  })

  test('reconstruct with every component gives the images back; fewer components lose more', async () => {
    const pca = await fitted({ nComponents: 64 })
    const images: ImageBatch = {
      data: digits.data.slice(1000 * 64, 1020 * 64),
      shape: [20, 8, 8, 1],
    }
    const rebuilt = await pca.reconstruct(images)
    expect(rebuilt.shape).toEqual([20, 8, 8, 1])
    let worst = 0
    for (let i = 0; i < rebuilt.data.length; i++)
      worst = Math.max(worst, Math.abs(rebuilt.data[i]! - images.data[i]!))
    expect(worst).toBeLessThan(1e-4)
    const error = async (k: number) => {
      const out = await pca.reconstruct(images, { components: k })
      return out.data.reduce((s, v, i) => s + (v - images.data[i]!) ** 2, 0)
    }
    const errors = [await error(1), await error(4), await error(16), await error(64)]
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]!)
    // inverseTransform of transform is the full reconstruction.
    const back = await pca.inverseTransform(await pca.transform(images))
    for (let i = 0; i < back.data.length; i++) expect(back.data[i]).toBeCloseTo(rebuilt.data[i]!, 4)
    pca.dispose()
  })

  test('whitening gives codes of unit variance on the training data, and inverseTransform undoes it', async () => {
    const pca = await fitted({ nComponents: 8, whiten: true })
    const codes = await pca.transform(small)
    expect(codes.shape).toEqual([300, 8])
    for (let j = 0; j < 8; j++) {
      let sum = 0
      let squares = 0
      for (let r = 0; r < 300; r++) sum += codes.data[r * 8 + j]!
      const mean = sum / 300
      for (let r = 0; r < 300; r++) squares += (codes.data[r * 8 + j]! - mean) ** 2
      expect(Math.abs(mean)).toBeLessThan(1e-4)
      expect(squares / 299).toBeCloseTo(1, 3)
    }
    const plain = await fitted({ nComponents: 8 })
    const rebuilt = await pca.inverseTransform(codes)
    const expected = await plain.reconstruct(small)
    for (let i = 0; i < 640; i++) expect(rebuilt.data[i]).toBeCloseTo(expected.data[i]!, 4)
    pca.dispose()
    plain.dispose()
  })

  test('the randomized solver agrees with the full one on the leading components', async () => {
    const full = await fitted({ nComponents: 8, solver: 'full' }, digits)
    const randomized = await fitted({ nComponents: 8, solver: 'randomized', seed: 3 }, digits)
    const a = full.componentsView()
    const b = randomized.componentsView()
    expect(b.solver).toBe('randomized')
    for (let j = 0; j < 8; j++) {
      expect(Math.abs(a.explainedVarianceRatio[j]! - b.explainedVarianceRatio[j]!)).toBeLessThan(
        1e-5,
      )
      const row = Array.from(b.components.data.subarray(j * 64, (j + 1) * 64))
      expect(
        differenceUpToSign(a.components.data.subarray(j * 64, (j + 1) * 64), row),
      ).toBeLessThan(1e-3)
    }
    full.dispose()
    randomized.dispose()
  })

  test("wide images: 'auto' picks the randomized solver, which matches the full one", async () => {
    // The digits upsampled to 24 × 24 (576 values per image, above the 500 of 'auto').
    const rows = 400
    const data = new Float32Array(rows * 576)
    for (let r = 0; r < rows; r++)
      for (let y = 0; y < 24; y++)
        for (let x = 0; x < 24; x++)
          data[r * 576 + y * 24 + x] =
            digits.data[r * 64 + Math.floor(y / 3) * 8 + Math.floor(x / 3)]!
    const wide: ImageBatch = { data, shape: [rows, 24, 24, 1] }
    const auto = await fitted({ nComponents: 10 }, wide)
    const full = await fitted({ nComponents: 10, solver: 'full' }, wide)
    expect(auto.solver).toBe('randomized')
    const a = auto.componentsView()
    const b = full.componentsView()
    for (let j = 0; j < 10; j++) {
      expect(Math.abs(a.explainedVarianceRatio[j]! - b.explainedVarianceRatio[j]!)).toBeLessThan(
        1e-4,
      )
      const row = Array.from(b.components.data.subarray(j * 576, (j + 1) * 576))
      expect(
        differenceUpToSign(a.components.data.subarray(j * 576, (j + 1) * 576), row),
      ).toBeLessThan(1e-3)
    }
    auto.dispose()
    full.dispose()
  }, 60_000)

  test('images too wide for the covariance are refused with the limit, before anything is built', async () => {
    const pca = new PCA({ nComponents: 2 })
    const huge: ImageBatch = { data: new Float32Array(2 * 128 * 128 * 3), shape: [2, 128, 128, 3] }
    const error = await codeOf(pca.fit(huge))
    expect(error).toMatchObject({ code: 'INVALID_OPTION' })
    expect(error.message).toMatch(/^weight count \d+ is above this model's limit of \d+/)
    expect(error.message).toMatch(/PCA holds a \(values per image\)² covariance/)
    expect(error.details?.limit).toBeGreaterThan(0)
    expect(pca.trainedSteps).toBe(0)
    // The model is untouched: it fits on images it can hold.
    await pca.fit(small)
    expect(pca.componentsView().samples).toBe(300)
    pca.dispose()
  })

  test('fits in steps with progress, and a stop part-way keeps the PCA of the images seen', async () => {
    const pca = new PCA({ nComponents: 4 })
    const seen: number[] = []
    // What the hook waits for before it asks for components: none exist mid-pass.
    const fittedDuring: boolean[] = [pca.fitted]
    const control = new TrainingControl()
    const result = await pca.fit(
      small,
      { batchSize: 50 },
      {
        control,
        updateIntervalMs: 0,
        onUpdate: ({ history }) => {
          for (const point of history) seen.push(point.imagesSeen)
          fittedDuring.push(pca.fitted)
          if (seen.length >= 2) control.stop()
        },
      },
    )
    expect(result.stopped).toBe(true)
    expect(seen.slice(0, 2)).toEqual([50, 100])
    expect(fittedDuring.slice(0, 2)).toEqual([false, false])
    expect(pca.fitted).toBe(true)
    expect(pca.componentsView().samples).toBe(100)
    const done = await pca.fit(small, { batchSize: 50 })
    expect(done.steps).toBe(6)
    expect(done.last).toMatchObject({ imagesSeen: 300 })
    expect(done.last?.totalVariance).toBeCloseTo(pca.componentsView().totalVariance, 4)
    // A later pass stopped early keeps the complete fit instead of the PCA of its few images.
    const complete = pca.componentsView()
    const again = new TrainingControl()
    const stopped = await pca.fit(
      small,
      { batchSize: 50 },
      { control: again, updateIntervalMs: 0, onUpdate: () => again.stop() },
    )
    expect(stopped.stopped).toBe(true)
    expect(pca.componentsView().samples).toBe(300)
    expect(Array.from(pca.componentsView().explainedVariance)).toEqual(
      Array.from(complete.explainedVariance),
    )
    pca.dispose()
  })

  test('frees every tensor after fit, actions and dispose', async () => {
    const baseline = tf.memory().numTensors
    const pca = await fitted({ nComponents: 6, whiten: true })
    await pca.transform(small)
    await pca.reconstruct(small, { components: 3 })
    await pca.inverseTransform(new Float32Array(12))
    pca.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('a snapshot restores the same PCA into a fresh model', async () => {
    const pca = await fitted({ nComponents: 5, whiten: true })
    const snapshot = await pca.snapshot()
    const copy = new PCA({ nComponents: 5, whiten: true })
    copy.restore(snapshot)
    expect(copy.trainedSteps).toBe(pca.trainedSteps)
    expect(copy.solver).toBe('full')
    expect((await copy.transform(small)).data).toEqual((await pca.transform(small)).data)
    expect(copy.componentsView()).toEqual(pca.componentsView())
    const other = new PCA({ nComponents: 6 })
    expect(await codeOf(() => other.restore(snapshot))).toMatchObject({ code: 'INVALID_INPUT' })
    pca.dispose()
    copy.dispose()
    other.dispose()
  })

  test('refuses bad input with a typed error and a hint; the model survives each', async () => {
    for (const nComponents of [0, -1, 2.5, Number.NaN]) {
      expect(await codeOf(() => new PCA({ nComponents }))).toMatchObject({
        code: 'INVALID_OPTION',
        details: { option: 'nComponents' },
      })
    }
    expect(await codeOf(() => new PCA({ solver: 'qr' as never }))).toMatchObject({
      code: 'INVALID_OPTION',
    })
    const wide = new PCA({ nComponents: 65 })
    const tooMany = await codeOf(wide.fit(small))
    expect(tooMany).toMatchObject({ code: 'INVALID_OPTION', details: { limit: 64, actual: 65 } })
    expect(tooMany.message).toMatch(/use nComponents ≤ 64/)
    const few: ImageBatch = { data: small.data.slice(0, 10 * 64), shape: [10, 8, 8, 1] }
    expect(await codeOf(new PCA({ nComponents: 20 }).fit(few))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { limit: 10 },
    })
    const untrained = new PCA({ nComponents: 4 })
    for (const call of [
      () => untrained.transform(small),
      () => untrained.reconstruct(small),
      () => untrained.inverseTransform(new Float32Array(4)),
      () => untrained.componentsView(),
    ]) {
      expect(await codeOf(call)).toMatchObject({ code: 'NOT_TRAINED' })
    }

    const pca = await fitted({ nComponents: 4 })
    const before = await pca.transform(small)
    const wrong: ImageBatch = { data: new Float32Array(2 * 49), shape: [2, 7, 7, 1] }
    expect(await codeOf(pca.transform(wrong))).toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect(await codeOf(pca.reconstruct(wrong))).toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect(await codeOf(pca.fit(wrong))).toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect(
      await codeOf(pca.inverseTransform({ data: new Float32Array(10), shape: [2, 5] })),
    ).toMatchObject({
      code: 'SHAPE_MISMATCH',
      details: { expected: 4, actual: 5 },
    })
    expect(await codeOf(pca.inverseTransform(new Float32Array(5)))).toMatchObject({
      code: 'SHAPE_MISMATCH',
    })
    for (const components of [0, 5, 1.5]) {
      expect(await codeOf(pca.reconstruct(small, { components }))).toMatchObject({
        code: 'INVALID_OPTION',
        details: { option: 'components', limit: 4 },
      })
    }
    const nan = { data: small.data.slice().fill(Number.NaN, 0, 1), shape: small.shape }
    expect(await codeOf(pca.transform(nan))).toMatchObject({ code: 'NON_FINITE_INPUT' })
    expect(
      await codeOf(pca.fit({ data: small.data.slice(0, 64), shape: [1, 8, 8, 1] })),
    ).toMatchObject({
      code: 'INVALID_INPUT',
    })
    // Too large for the call budget: refused with the limit, before anything runs.
    configureMemoryBudget({ callBudgetBytes: 96 * 1024 })
    const tooLarge = await codeOf(pca.transform(digits))
    expect(tooLarge).toMatchObject({ code: 'INVALID_OPTION' })
    expect(tooLarge.details?.limit).toBeGreaterThan(0)
    expect(tooLarge.details?.limit).toBeLessThan(1797)
    expect(tooLarge.message).toMatch(/transform at most \d+ images per call/)
    configureMemoryBudget({})
    expect((await pca.transform(small)).data).toEqual(before.data)
    pca.dispose()
  })
})
