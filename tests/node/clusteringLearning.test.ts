/**
 * Clustering learning (Coates, Lee & Ng 2011) in the k-means family: patches contrast-normalised
 * and ZCA-whitened as the model stores it, triangle activations by hand, quadrant pooling,
 * `features` and `featureMaps`, a second layer stacked on the maps, the probe on the digits, leaks
 * and typed errors.
 */
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { kMeansEngine } from '../../src/core/kmeans/engine/kmeansEngine'
import { fitLinearProbe } from '../../src/core/probe/engine/linearProbe'
import { resolveProbeOptions } from '../../src/core/probe/probeOptions'
import { pooledPatchFeatures } from '../../src/core/sparse/codeFeatures'
import { densePositions, extractPatches, normalizePatches } from '../../src/core/sparse/patches'
import { configureMemoryBudget } from '../../src/core/memoryModel'
import type { ImageBatch } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'

const digits = loadDigits()

beforeAll(() => switchBackend('cpu'))
afterEach(() => configureMemoryBudget({}))

async function errorOf(run: () => unknown): Promise<{ code?: string; details?: object }> {
  try {
    await run()
  } catch (error) {
    return error as { code?: string; details?: object }
  }
  throw new Error('expected an error')
}

/** Float32 weights of a snapshot, in order. */
function snapshotWeights(snapshot: {
  weightSpecs: readonly { shape: readonly number[] }[]
  weightData: ArrayBuffer
}): Float32Array[] {
  const all = new Float32Array(snapshot.weightData)
  let offset = 0
  return snapshot.weightSpecs.map(({ shape }) => {
    const size = shape.reduce((a, b) => a * b, 1)
    const out = all.slice(offset, offset + size)
    offset += size
    return out
  })
}

/** Sample covariance (`count − 1`) of rows of `m` values, as a flat `m × m` array. */
function covariance(rows: Float32Array, m: number): Float64Array {
  const n = rows.length / m
  const mean = new Float64Array(m)
  for (let r = 0; r < n; r++) for (let i = 0; i < m; i++) mean[i]! += rows[r * m + i]!
  for (let i = 0; i < m; i++) mean[i]! /= n
  const out = new Float64Array(m * m)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < m; i++) {
      const a = rows[r * m + i]! - mean[i]!
      for (let j = 0; j < m; j++) out[i * m + j]! += (a * (rows[r * m + j]! - mean[j]!)) / (n - 1)
    }
  }
  return out
}

/** `a · b` of two `m × m` matrices. */
function times(a: ArrayLike<number>, b: ArrayLike<number>, m: number): Float64Array {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++)
    for (let k = 0; k < m; k++)
      for (let j = 0; j < m; j++) out[i * m + j]! += a[i * m + k]! * b[k * m + j]!
  return out
}

describe('contrast normalisation and whitening (as the model keeps them)', () => {
  test('patches: mean 0, divided by √(var + floor²); whitened covariance + ε·W² = I', async () => {
    const p = 4
    const m = p * p
    const model = new KMeans({ k: 10, seed: 1, patchSize: p })
    await model.fit(digits.images, { epochs: 1 })
    const snapshot = await model.snapshot()
    const network = snapshot.network as { contrastFloor: number }
    // Coates: √(var + 10) on 0–255 pixels; the digits span [0, 1].
    expect(network.contrastFloor).toBeCloseTo(Math.sqrt(10) / 255, 6)
    const [, , mean, whiten] = snapshotWeights(snapshot) as Float32Array[]
    expect(snapshot.weightSpecs.map((s) => s.shape)).toEqual([[10, m], [10], [m], [m, m], [m, m]])

    // Every patch of the digits, normalised as the model does.
    const positions = densePositions(digits.images.shape[0], [8, 8, 1], p, 1)
    const raw = extractPatches(digits.images, positions, p)
    const rows = raw.slice()
    normalizePatches(rows, m, 'contrast', network.contrastFloor)
    for (const patch of [0, 17, 2000, 44_000]) {
      const values = Array.from(raw.subarray(patch * m, (patch + 1) * m))
      const mu = values.reduce((a, b) => a + b, 0) / m
      const variance = values.reduce((a, b) => a + (b - mu) ** 2, 0) / m
      const scale = Math.sqrt(variance + network.contrastFloor ** 2)
      const normalised = rows.subarray(patch * m, (patch + 1) * m)
      expect(normalised.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 4)
      values.forEach((v, i) => expect(normalised[i]).toBeCloseTo((v - mu) / scale, 5))
    }

    // ZCA with ε = 0.1 × the mean eigenvalue: W = (C + εI)^(−½), so W C W + ε W² = I.
    const centred = rows.map((v, i) => v - mean![i % m]!)
    const whitened = new Float32Array(rows.length)
    for (let r = 0; r < rows.length / m; r++) {
      for (let j = 0; j < m; j++) {
        let sum = 0
        for (let i = 0; i < m; i++) sum += centred[r * m + i]! * whiten![i * m + j]!
        whitened[r * m + j] = sum
      }
    }
    const c = covariance(rows, m)
    let trace = 0
    for (let i = 0; i < m; i++) trace += c[i * m + i]!
    const epsilon = (0.1 * trace) / m
    const cw = covariance(whitened, m)
    const w2 = times(whiten!, whiten!, m)
    let worst = 0
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const value = cw[i * m + j]! + epsilon * w2[i * m + j]!
        worst = Math.max(worst, Math.abs(value - (i === j ? 1 : 0)))
      }
    }
    // The whitening was fitted on 20,000 of the 44,925 patches: close, not exact.
    expect(worst).toBeLessThan(0.03)
    // The strong directions come out at unit variance: the whitened patches' variance is near 1 on average.
    let whitenedTrace = 0
    for (let i = 0; i < m; i++) whitenedTrace += cw[i * m + i]!
    expect(whitenedTrace / m).toBeGreaterThan(0.6)
    expect(whitenedTrace / m).toBeLessThan(1)
    model.dispose()
  })
})

describe('triangle activations and quadrant pooling', () => {
  // Pixels as 1 × 1 patches, neither normalised nor whitened: the centroids are 0 and 1.
  const pixels: ImageBatch = {
    data: Float32Array.from([0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1]),
    shape: [4, 2, 2, 1],
  }
  /** Triangle activations of x by hand, centroids 0 and 1: z = (|x|, |x − 1|), f = max(0, mean z − z). */
  const triangle = (x: number): [number, number] => {
    const z = [Math.abs(x), Math.abs(x - 1)] as const
    const mean = (z[0] + z[1]) / 2
    return [Math.max(0, mean - z[0]), Math.max(0, mean - z[1])]
  }

  test('maps and pooled features of a 4 × 4 image match the hand computation', async () => {
    const model = new KMeans({ k: 2, seed: 1, patchSize: 1, normalization: 'none', whiten: false })
    await model.fit(pixels)
    const centroids = Array.from(model.centroidImages().data)
    expect([...centroids].sort()).toEqual([0, 1])
    const order = centroids[0] === 0 ? [0, 1] : [1, 0]
    // A 4 × 4 image (larger than the training images: features take any size).
    const values = [0, 0.25, 1, 4, 0.5, 2, -1, 0.75, 1, 1, 0, 0, 3, 0.1, 0.6, 0.4]
    const image: ImageBatch = { data: Float32Array.from(values), shape: [1, 4, 4, 1] }
    const maps = await model.featureMaps(image)
    expect(maps.shape).toEqual([1, 4, 4, 2])
    values.forEach((x, i) => {
      const hand = triangle(x)
      expect(maps.data[2 * i + order[0]!]).toBeCloseTo(hand[0], 5)
      expect(maps.data[2 * i + order[1]!]).toBeCloseTo(hand[1], 5)
    })
    expect(maps.data[2 * 0 + order[0]!]).toBeCloseTo(0.5, 6) // x = 0: z = (0, 1), f = (0.5, 0)
    expect(maps.data[2 * 3 + order[1]!]).toBeCloseTo(0.5, 6) // x = 4: z = (4, 3), f = (0, 0.5)

    // Sum-pooled over quadrants: quadrant (r, c) holds rows 2r…2r+1 and columns 2c…2c+1.
    const features = await model.features(image)
    expect(features.shape).toEqual([1, 8])
    for (let q = 0; q < 4; q++) {
      const [qr, qc] = [Math.floor(q / 2), q % 2]
      let near0 = 0
      let near1 = 0
      for (let r = 2 * qr; r < 2 * qr + 2; r++) {
        for (let c = 2 * qc; c < 2 * qc + 2; c++) {
          const hand = triangle(values[r * 4 + c]!)
          near0 += hand[0]
          near1 += hand[1]
        }
      }
      expect(features.data[2 * q + order[0]!]).toBeCloseTo(near0, 5)
      expect(features.data[2 * q + order[1]!]).toBeCloseTo(near1, 5)
    }
    model.dispose()
  })

  test('pooling goes by patch centre: 3 × 3 positions of 2 × 2 patches in a 4 × 4 image', () => {
    // Position (row, column) carries 10 × row + column in its one channel.
    const positions = densePositions(1, [4, 4, 1], 2, 1)
    const values = Float32Array.from({ length: 9 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3))
    const pooled = pooledPatchFeatures(values, 1, positions, 1, 4, 4, 2)
    // Centres at 1, 2, 3: row 0 is the top half, rows 1 and 2 the bottom; so for columns.
    expect(Array.from(pooled.data)).toEqual([0, 1 + 2, 10 + 20, 11 + 12 + 21 + 22])
    // No two positions across: one region, the whole image.
    const whole = pooledPatchFeatures(
      Float32Array.from([3, 4]),
      2,
      densePositions(1, [2, 2, 1], 2, 1),
      1,
      2,
      2,
      2,
    )
    expect(whole.shape).toEqual([1, 2])
  })
})

describe('features of the digits', () => {
  test('shape [n, 4k]; the pooled maps; any stride; a second layer stacks on the maps', async () => {
    const images = loadDigits({ limit: 300 }).images
    const model = new KMeans({ k: 8, seed: 2, patchSize: 5 })
    await model.fit(images, { epochs: 5 })
    expect(model.patchSize).toBe(5)
    const features = await model.features(images)
    expect(features.shape).toEqual([300, 32])
    expect(features.data.every((v) => v >= 0)).toBe(true)
    const maps = await model.featureMaps(images)
    expect(maps.shape).toEqual([300, 4, 4, 8])
    const pooled = pooledPatchFeatures(
      maps.data,
      8,
      densePositions(300, [8, 8, 1], 5, 1),
      300,
      8,
      8,
      5,
    )
    expect(features.data).toEqual(pooled.data)
    // About half the activations are zero (those of centroids farther than average).
    const zeros = maps.data.filter((v) => v === 0).length / maps.data.length
    expect(zeros).toBeGreaterThan(0.3)
    expect(zeros).toBeLessThan(0.8)
    expect((await model.featureMaps(images, { stride: 2 })).shape).toEqual([300, 3, 3, 8])
    expect((await model.probeFeatures(images)).data).toEqual(features.data)
    // The filters, whitening undone: k patches.
    expect(model.centroidImages().shape).toEqual([8, 5, 5, 1])
    const clusters = await model.clusters(images, { members: 3 })
    expect(clusters.members.shape).toEqual([24, 5, 5, 1])
    expect(clusters.sizes.reduce((a, b) => a + b, 0)).toBe(300 * 16)
    expect(Math.max(...clusters.memberIndices)).toBeLessThan(300)

    // Second layer: a patch model on the first layer's maps (4 × 4 × 8 images).
    const second = new KMeans({ k: 6, seed: 3, patchSize: 2 })
    await second.fit(maps, { epochs: 5 })
    const deeper = await second.features(maps)
    expect(deeper.shape).toEqual([300, 24])
    expect(deeper.data.some((v) => v > 0)).toBe(true)
    model.dispose()
    second.dispose()
  })

  test('the probe on patch features is far above chance with 10 labels per class and above 0.95 with all', async () => {
    await switchBackend('wasm')
    try {
      const model = new KMeans({ k: 50, seed: 1, patchSize: 4 })
      await model.fit(digits.images, { epochs: 10 })
      const features = await model.features(digits.images)
      expect(features.shape).toEqual([1797, 200])
      const ten = await fitLinearProbe(features, digits.labels, { labelsPerClass: 10 })
      const all = await fitLinearProbe(features, digits.labels)
      // Measured 0.894 and 0.989 (WASM); chance is 0.1.
      expect(ten.accuracy).toBeGreaterThan(0.8)
      expect(all.accuracy).toBeGreaterThan(0.96)
      // The engine's probe action fits on the same features.
      const viaAction = await kMeansEngine.actions.probe(
        { model, data: digits.images } as never,
        digits.images,
        Int32Array.from(digits.labels),
        resolveProbeOptions({ labelsPerClass: 10 }),
      )
      expect(viaAction.accuracy).toBe(ten.accuracy)
      expect(viaAction.featureSize).toBe(200)
      model.dispose()
    } finally {
      await switchBackend('cpu')
    }
  })

  test('no tensor is left after training, every action, and dispose', async () => {
    const images = loadDigits({ limit: 100 }).images
    const baseline = tf.memory().numTensors
    for (const options of [{}, { algorithm: 'minibatch' as const, whiten: false }]) {
      const model = new KMeans({ k: 5, seed: 1, patchSize: 3, ...options })
      await model.fit(images, { epochs: 2, batchSize: 128 })
      expect(tf.memory().numTensors).toBe(baseline)
      await model.features(images)
      await model.featureMaps(images, { stride: 3 })
      await model.clusters(images)
      await model.assign({ data: new Float32Array(18).map((_, i) => i % 5), shape: [2, 3, 3, 1] })
      await model.transform({ data: new Float32Array(9).fill(0.5), shape: [1, 3, 3, 1] })
      model.centroidImages()
      expect(tf.memory().numTensors).toBe(baseline)
      model.dispose()
    }
    expect(tf.memory().numTensors).toBe(baseline)
  })
})

describe('bad input', () => {
  const small = loadDigits({ limit: 10 }).images

  test('options: typed INVALID_OPTION naming the option', async () => {
    expect(await errorOf(() => new KMeans({ patchSize: 0 }))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'patchSize' },
    })
    expect(await errorOf(() => new KMeans({ whiten: true }))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'whiten' },
    })
    expect(
      await errorOf(() => new KMeans({ patchSize: 3, normalization: 'zca' as never })),
    ).toMatchObject({ code: 'INVALID_OPTION', details: { option: 'normalization' } })
    const model = new KMeans({ patchSize: 3, k: 2 })
    expect(await errorOf(() => model.fit(small, { patchesPerImage: 0 }))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'patchesPerImage' },
    })
  })

  test('a patch larger than the images, too few patches: INVALID_OPTION; the model stays untrained', async () => {
    const big = new KMeans({ k: 2, patchSize: 9 })
    expect(await errorOf(() => big.fit(small))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'patchSize', limit: 8, actual: 9 },
    })
    expect(big.isTrained).toBe(false)
    const many = new KMeans({ k: 20, patchSize: 4 })
    expect(await errorOf(() => many.fit(small, { patchesPerImage: 1 }))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'k', limit: 10, actual: 20 },
    })
    expect(many.isTrained).toBe(false)
    expect(many.imageShape).toBeUndefined()
  })

  test('features: NOT_TRAINED, whole-image models, channels, small images, bad stride; the model survives', async () => {
    const model = new KMeans({ k: 3, seed: 1, patchSize: 4 })
    expect(await errorOf(() => model.features(small))).toMatchObject({ code: 'NOT_TRAINED' })
    await model.fit(small, { epochs: 2 })
    const steps = model.trainedSteps
    expect(
      await errorOf(() => model.features({ data: new Float32Array(3 * 64), shape: [1, 8, 8, 3] })),
    ).toMatchObject({ code: 'SHAPE_MISMATCH', details: { expected: 1, actual: 3 } })
    expect(
      await errorOf(() => model.features({ data: new Float32Array(9), shape: [1, 3, 3, 1] })),
    ).toMatchObject({ code: 'INVALID_OPTION', details: { option: 'patchSize', limit: 3 } })
    expect(await errorOf(() => model.features(small, { stride: 0 }))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'stride' },
    })
    expect(
      await errorOf(() =>
        model.features({ data: new Float32Array(64).fill(NaN), shape: [1, 8, 8, 1] }),
      ),
    ).toMatchObject({ code: 'NON_FINITE_INPUT' })
    // assign and transform of a patch model take patches.
    expect(await errorOf(() => model.assign(small))).toMatchObject({
      code: 'SHAPE_MISMATCH',
      details: { expected: [4, 4, 1] },
    })
    configureMemoryBudget({ callBudgetBytes: 64 * 1024 })
    expect(await errorOf(() => model.features(loadDigits().images))).toMatchObject({
      code: 'INVALID_OPTION',
    })
    configureMemoryBudget({})
    expect(model.trainedSteps).toBe(steps)
    expect((await model.features(small)).shape).toEqual([10, 12])

    const whole = new KMeans({ k: 3, seed: 1 })
    await whole.fit(small, { epochs: 2 })
    expect(await errorOf(() => whole.features(small))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'patchSize' },
    })
    expect(await errorOf(() => whole.featureMaps(small))).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'patchSize' },
    })
    model.dispose()
    whole.dispose()
  })
})
