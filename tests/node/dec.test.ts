import * as tf from '@tensorflow/tfjs-core'
// Only the gradient check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEC } from '../../src/core/dec/engine/dec'
import type { DECHistoryPoint } from '../../src/core/dec/decSpec'
import { DECNetwork } from '../../src/core/dec/engine/decNetwork'
import { resolveDECOptions } from '../../src/core/dec/decOptions'
import { clusteringAccuracy } from '../../src/core/kmeans/clusterAgreement'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

const digits = loadDigits()
const small = loadDigits({ limit: 200 })

/** What the digits test trains: a network small enough for a test, as long as it needs. */
const NETWORK = { clusters: 10, hiddenUnits: [128, 128, 256], codeSize: 10, seed: 1 } as const
const TRAIN = { epochs: 60, refineSteps: 700, updateInterval: 70, learningRate: 0.0001 } as const

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

async function train(model: DEC, data: ImageBatch, options: object, labels?: Uint8Array) {
  const history: DECHistoryPoint[] = []
  await model.fit(
    data,
    { ...options, ...(labels ? { labels } : {}) },
    { updateIntervalMs: 0, onUpdate: ({ history: points }) => history.push(...points) },
  )
  return history
}

describe('DEC on the embedded digits', () => {
  let model: DEC
  let history: DECHistoryPoint[]
  let baseline: number

  beforeAll(async () => {
    await switchBackend('wasm')
    baseline = tf.memory().numTensors
    model = new DEC(NETWORK)
    history = await train(model, digits.images, TRAIN, digits.labels)
  }, 600_000)

  afterAll(() => model.dispose())

  test('one history: pretraining, then refinement with accuracy and NMI', () => {
    const phases = history.map((point) => point.phase)
    const firstRefine = phases.indexOf('refine')
    expect(firstRefine).toBe(Math.ceil(digits.images.shape[0] / 256) * TRAIN.epochs)
    expect(phases.slice(firstRefine).every((phase) => phase === 'refine')).toBe(true)
    expect(history.slice(0, firstRefine).every((p) => p.accuracy === undefined)).toBe(true)
    expect(history.slice(firstRefine).every((p) => p.accuracy !== undefined)).toBe(true)
    // Pretraining learned: reconstruction error per value well below the data's variance (≈ 0.11).
    expect(history[firstRefine - 1]?.reconstruction).toBeLessThan(0.02)
  })

  test('refinement reaches an accuracy above the bound and improves on the k-means start', async () => {
    const refine = history.filter((point) => point.phase === 'refine')
    const start = refine[0]?.accuracy as number
    const end = refine[refine.length - 1]?.accuracy as number
    // Measured 0.747 (autoencoder + k-means) → 0.779 with this network and seed (WASM).
    // Bound set below it, conservatively.
    expect(end).toBeGreaterThan(0.75)
    expect(end).toBeGreaterThan(start)
    const { labels } = await model.assign(digits.images)
    expect(clusteringAccuracy(labels, digits.labels)).toBeGreaterThan(0.75)
  })

  test('between two target updates KL(P‖Q) falls, and assignments change at the update', () => {
    const refine = history.filter((point) => point.phase === 'refine')
    const interval = TRAIN.updateInterval
    const mean = (points: DECHistoryPoint[]) =>
      points.reduce((sum, p) => sum + (p.clustering as number), 0) / points.length
    expect(mean(refine.slice(interval - 10, interval))).toBeLessThan(mean(refine.slice(0, 10)))
    expect(refine[0]?.changed).toBe(0)
    expect(refine[interval]?.changed).toBeGreaterThan(0)
  })

  test('actions: soft assignments sum to 1, labels are their argmax, sizes count the data', async () => {
    const images = { data: digits.images.data.slice(0, 64 * 20), shape: [20, 8, 8, 1] } as const
    const q = await model.softAssign(images)
    expect(q.shape).toEqual([20, 10])
    const { labels, confidence } = await model.assign(images)
    for (let i = 0; i < 20; i++) {
      const row = Array.from(q.data.subarray(i * 10, (i + 1) * 10))
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
      expect(labels[i]).toBe(row.indexOf(Math.max(...row)))
      expect(confidence[i]).toBeCloseTo(Math.max(...row), 6)
    }
    const sizes = await model.clusterSizes(digits.images)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(digits.images.shape[0])
    expect((await model.centres()).shape).toEqual([10, 10])
    expect((await model.encode(images)).shape).toEqual([20, 10])
    expect(model.phase).toBe('refine')
  })

  test('a snapshot restored into a new model assigns the same clusters', async () => {
    const snapshot = await model.snapshot()
    const copy = new DEC(NETWORK)
    copy.restore(snapshot)
    const images = { data: digits.images.data.slice(0, 64 * 50), shape: [50, 8, 8, 1] } as const
    expect(Array.from((await copy.assign(images)).labels)).toEqual(
      Array.from((await model.assign(images)).labels),
    )
    expect(copy.phase).toBe('refine')
    copy.dispose()
  })

  test('tensors return to the baseline after dispose', () => {
    const probe = new DEC(NETWORK)
    probe.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
    // afterAll disposes again: harmless.
  })
})

describe('IDEC and bad input', () => {
  beforeAll(() => switchBackend('cpu'))
  const quick = { epochs: 20, refineSteps: 150, updateInterval: 30, batchSize: 64 } as const
  const network = { clusters: 4, hiddenUnits: [32], codeSize: 4, seed: 2 } as const

  test('IDEC keeps the reconstruction that DEC gives up, on the same start', async () => {
    const dec = new DEC(network)
    const idec = new DEC({ ...network, idec: true })
    const decHistory = await train(dec, small.images, { ...quick, tolerance: 0 })
    const idecHistory = await train(idec, small.images, { ...quick, tolerance: 0 })
    const lastOf = (h: DECHistoryPoint[]) => h[h.length - 1] as DECHistoryPoint
    const pretrained = decHistory.filter((p) => p.phase === 'pretrain')
    // The same seed pretrains the same autoencoder.
    expect(idecHistory[pretrained.length - 1]?.loss).toBe(lastOf(pretrained).loss)
    expect(lastOf(idecHistory).phase).toBe('refine')
    expect(lastOf(idecHistory).reconstruction).toBeLessThan(lastOf(decHistory).reconstruction)
    expect(lastOf(idecHistory).loss).toBeGreaterThan(lastOf(idecHistory).clustering as number)
    dec.dispose()
    idec.dispose()
  }, 120_000)

  test('refinement stops once fewer than tolerance of the assignments change', async () => {
    const model = new DEC(network)
    await train(model, small.images, { ...quick, refineSteps: 3000, tolerance: 0.5 })
    expect(model.converged).toBe(true)
    expect(model.trainedSteps).toBeLessThan(20 * 4 + 3000)
    model.dispose()
  }, 120_000)

  test('bad options and data give typed errors and leave the model untrained', async () => {
    const baseline = tf.memory().numTensors
    expect(await codeOf(() => new DEC({ clusters: 0 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new DEC({ reconstructionWeight: 1 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new DEC({ hiddenUnits: [0] }))).toBe('INVALID_OPTION')
    const model = new DEC({ ...network, clusters: 300 })
    expect(await codeOf(() => model.fit(small.images, quick))).toBe('INVALID_OPTION')
    const ok = new DEC(network)
    expect(await codeOf(() => ok.fit(small.images, { ...quick, labels: [1, 2, 3] }))).toBe(
      'SHAPE_MISMATCH',
    )
    expect(await codeOf(() => ok.fit(small.images, { ...quick, updateInterval: 0 }))).toBe(
      'INVALID_OPTION',
    )
    expect(await codeOf(() => ok.fit(small.images, { ...quick, tolerance: 1 }))).toBe(
      'INVALID_OPTION',
    )
    expect(
      await codeOf(() => ok.fit(small.images, { ...quick, labels: [-1] as unknown as number[] })),
    ).toBe('INVALID_OPTION')
    const nan = {
      data: small.images.data.map((v, i) => (i === 5 ? NaN : v)),
      shape: small.images.shape,
    }
    expect(await codeOf(() => ok.fit(nan, quick))).toBe('NON_FINITE_INPUT')
    expect(await codeOf(() => ok.assign(small.images))).toBe('NOT_TRAINED')
    expect(ok.isTrained).toBe(false)
    await ok.fit(small.images, { ...quick, refineSteps: 5 })
    const wrong = { data: new Float32Array(2 * 50), shape: [2, 5, 10, 1] } as const
    expect(await codeOf(() => ok.assign(wrong))).toBe('SHAPE_MISMATCH')
    model.dispose()
    ok.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  }, 120_000)
})

describe('convolutional DEC', () => {
  /** Conv DEC on the digits: a budget small enough for a test. */
  const CONV = { architecture: 'conv', clusters: 10, codeSize: 10, seed: 1 } as const
  const CONV_TRAIN = {
    epochs: 50,
    pretrainLearningRate: 0.003,
    refineSteps: 280,
    updateInterval: 70,
    kmeansRuns: 3,
  } as const

  test('refinement gradients equal automatic differentiation (DEC and IDEC, dense and conv)', async () => {
    await switchBackend('cpu')
    const baseline = tf.memory().numTensors
    for (const options of [
      { architecture: 'conv', clusters: 4, codeSize: 3, seed: 3 },
      { architecture: 'conv', clusters: 4, codeSize: 3, seed: 3, idec: true },
      { architecture: 'dense', hiddenUnits: [12], clusters: 4, codeSize: 3, seed: 3, idec: true },
    ] as const) {
      const network = new DECNetwork([8, 8, 1], resolveDECOptions(options), 'sigmoid')
      const rows = 6
      // Centres away from zero, so the kernel is not flat.
      tf.tidy(() => network.centres.assign(tf.randomNormal([4, 3], 0, 1, 'float32', 11)))
      const [manual, automatic] = tf.tidy(() => {
        const x = tf.tensor2d(digits.images.data.slice(0, rows * 64), [rows, 64])
        const p = tf.softmax(tf.randomNormal([rows, 4], 0, 2, 'float32', 7)) as tf.Tensor2D
        const variables = network.refineVariables()
        const { gradients } = network.refineLossAndGradients(x, p)
        const { grads } = tf.variableGrads(
          () => network.refineLossAndGradients(x, p).terms.total,
          variables,
        )
        expect(gradients.length).toBe(variables.length)
        return [
          tf.concat(gradients.map((g) => tf.reshape(g, [-1]))),
          tf.concat(variables.map((v) => tf.reshape(grads[v.name] as tf.Tensor, [-1]))),
        ]
      })
      const gap = relativeGap(await manual!.data(), await automatic!.data())
      manual!.dispose()
      automatic!.dispose()
      network.dispose()
      expect(gap, JSON.stringify(options)).toBeLessThan(1e-4)
    }
    expect(tf.memory().numTensors).toBe(baseline)
  }, 60_000)

  test('trains both phases on the digits (8×8), reports accuracy, assigns with the right shapes', async () => {
    await switchBackend('wasm')
    const baseline = tf.memory().numTensors
    const model = new DEC(CONV)
    const history = await train(model, digits.images, CONV_TRAIN, digits.labels)
    const firstRefine = history.findIndex((point) => point.phase === 'refine')
    expect(firstRefine).toBe(Math.ceil(digits.images.shape[0] / 256) * CONV_TRAIN.epochs)
    expect(history.length).toBe(firstRefine + CONV_TRAIN.refineSteps)
    // Pretraining learned: reconstruction error per value well below the data's variance (≈ 0.11).
    expect(history[firstRefine - 1]?.reconstruction).toBeLessThan(0.03)
    const refine = history.slice(firstRefine)
    expect(refine.every((p) => typeof p.accuracy === 'number' && typeof p.nmi === 'number')).toBe(
      true,
    )
    const n = digits.images.shape[0]
    const { labels } = await model.assign(digits.images)
    expect(labels.length).toBe(n)
    const accuracy = clusteringAccuracy(labels, digits.labels)
    // Measured 0.750 (k-means start 0.748) with this small budget and seed (WASM); bound below it.
    expect(accuracy).toBeGreaterThan(0.7)
    const q = await model.softAssign(digits.images)
    expect(q.shape).toEqual([n, 10])
    expect(Array.from(q.data.subarray(0, 10)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    expect((await model.encode(digits.images)).shape).toEqual([n, 10])
    expect((await model.reconstruct(digits.images)).shape).toEqual(digits.images.shape)
    expect((await model.centres()).shape).toEqual([10, 10])
    const snapshot = await model.snapshot()
    const copy = new DEC(CONV)
    copy.restore(snapshot)
    expect(Array.from((await copy.assign(digits.images)).labels)).toEqual(Array.from(labels))
    copy.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  }, 600_000)

  test('typed errors: an unknown architecture, and image sides a conv network cannot take', async () => {
    await switchBackend('cpu')
    const baseline = tf.memory().numTensors
    expect(await codeOf(() => new DEC({ architecture: 'rnn' as 'conv' }))).toBe('INVALID_OPTION')
    const odd = { data: new Float32Array(20 * 36).fill(0.5), shape: [20, 6, 6, 1] } as const
    const model = new DEC({ architecture: 'conv', clusters: 4, codeSize: 3 })
    expect(await codeOf(() => model.fit(odd, { epochs: 1, refineSteps: 2 }))).toBe('SHAPE_MISMATCH')
    expect(model.isTrained).toBe(false)
    // A dense model takes those sides; its snapshot, made to say conv, does not restore.
    const dense = new DEC({ clusters: 4, codeSize: 3, hiddenUnits: [8] })
    await dense.fit(odd, { epochs: 1, refineSteps: 2, kmeansRuns: 1 })
    const snapshot = await dense.snapshot()
    const network = snapshot.network as { options: object }
    const modelOptions = { ...(snapshot.modelOptions as object), architecture: 'conv' } as const
    const forged = {
      ...snapshot,
      modelOptions,
      network: { ...network, options: { ...network.options, architecture: 'conv' } },
    }
    const target = new DEC(modelOptions)
    // Restore wraps what does not fit in INVALID_INPUT, naming the reason (as the autoencoder's).
    expect(await codeOf(() => target.restore(forged))).toBe('INVALID_INPUT')
    expect(() => target.restore(forged)).toThrow(/multiples of 4/)
    expect(target.isTrained).toBe(false)
    target.dispose()
    dense.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  }, 60_000)
})
