import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { kMeansPlusPlus } from '../../src/core/kmeans/engine/kmeansPlusPlus'
import { splitRows } from '../../src/core/kmeans/engine/rowChunks'
import { adjustedRandIndex } from '../../src/core/kmeans/clusterAgreement'
import { chooseMembers } from '../../src/core/kmeans/clusterMembers'
import { configureMemoryBudget } from '../../src/core/memoryModel'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import type { TrainingProgress } from '../../src/core/training'
import { switchBackend } from './setupBackend'

const digits = loadDigits()

beforeAll(() => switchBackend('cpu'))
afterEach(() => configureMemoryBudget({}))

/** `perBlob` points around each of `centres` (2-D), spread `spread`, as `[n, 1, 2, 1]` images. */
function blobs(centres: readonly (readonly [number, number])[], perBlob: number, spread: number) {
  const random = createRandom(7)
  const data = new Float32Array(centres.length * perBlob * 2)
  const labels = new Int32Array(centres.length * perBlob)
  centres.forEach(([x, y], c) => {
    for (let i = 0; i < perBlob; i++) {
      const row = c * perBlob + i
      data[2 * row] = x + spread * random.normal()
      data[2 * row + 1] = y + spread * random.normal()
      labels[row] = c
    }
  })
  return { images: { data, shape: [labels.length, 1, 2, 1] } as ImageBatch, labels }
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('k-means++ seeding', () => {
  test('the same seed picks the same rows, another seed other rows, one per blob', async () => {
    const { images, labels } = blobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
        [10, 10],
      ],
      50,
      0.5,
    )
    // Chunks of 64 rows, uploaded at each use: the seeding reads every chunk per centre.
    const chunks = splitRows(images.data, 200, 2, 64, false)
    const pick = async (seed: number) =>
      Array.from(await kMeansPlusPlus(images.data, chunks, 2, 4, createRandom(seed)))
    expect(await pick(3)).toEqual(await pick(3))
    expect(await pick(3)).not.toEqual(await pick(4))
    // D² sampling lands one centre in each well-separated blob.
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(new Set((await pick(seed)).map((row) => labels[row])).size).toBe(4)
    }
  })

  test('two models with the same seed learn the same centroids', async () => {
    const a = new KMeans({ k: 10, seed: 5 })
    const b = new KMeans({ k: 10, seed: 5 })
    await a.fit(digits.images, { epochs: 3 })
    await b.fit(digits.images, { epochs: 3 })
    expect(a.centroidImages().data).toEqual(b.centroidImages().data)
    a.dispose()
    b.dispose()
  })
})

describe('Lloyd', () => {
  test('converges on the digits with an inertia that never increases', async () => {
    const model = new KMeans({ k: 10, seed: 1 })
    const history: number[] = []
    let last: TrainingProgress | undefined
    const result = await model.fit(
      digits.images,
      {},
      {
        updateIntervalMs: 0,
        onUpdate: ({ history: points, progress }) => {
          history.push(...points.map((p) => p.inertia))
          last = progress
        },
      },
    )
    expect(model.converged).toBe(true)
    expect(result.stopped).toBe(false)
    expect(result.steps).toBeLessThan(300)
    // Converging completes the run: the last report counts the steps it needed, not 300.
    expect(last).toMatchObject({ runStep: result.steps, runSteps: result.steps })
    expect(last?.epochs).toBe(last?.epoch)
    expect(history.length).toBe(result.steps)
    for (let i = 1; i < history.length; i++) {
      expect(history[i]).toBeLessThanOrEqual((history[i - 1] as number) * (1 + 1e-6))
    }
    // The final inertia (digits in [0, 1]): scikit-learn finds about 4,550 on 1,797 images.
    const { inertia, labels } = await model.assign(digits.images)
    expect(inertia / 1797).toBeLessThan(history[0] as number)
    expect(inertia).toBeLessThan(4700)
    expect(adjustedRandIndex(labels, digits.labels)).toBeGreaterThan(0.5)
    model.dispose()
  })

  test('with tolerance 0 it stops once an iteration changes no label', async () => {
    const model = new KMeans({ k: 10, seed: 1 })
    const result = await model.fit(digits.images, { tolerance: 0 })
    expect(model.converged).toBe(true)
    expect(result.steps).toBeLessThan(300)
    expect(result.last?.centerShift).toBe(0)
    model.dispose()
  })

  test('recovers well-separated blobs exactly (adjusted Rand index 1)', async () => {
    const { images, labels } = blobs(
      [
        [0, 0],
        [8, 0],
        [0, 8],
        [8, 8],
        [4, 16],
      ],
      40,
      0.6,
    )
    const model = new KMeans({ k: 5, seed: 2 })
    await model.fit(images)
    const assigned = await model.assign(images)
    expect(adjustedRandIndex(assigned.labels, labels)).toBe(1)
    const distances = await model.transform(images)
    expect(distances.shape).toEqual([200, 5])
    // transform gives Euclidean distances: the nearest one squared is assign's distance.
    const row = distances.data.subarray(0, 5)
    expect(Math.min(...row) ** 2).toBeCloseTo(assigned.distances[0] as number, 4)
    model.dispose()
  })

  test('moves an empty cluster to the farthest row', async () => {
    // Two distinct rows and k = 3: k-means++ must start two centres on the same row, so one
    // cluster is empty after the first assignment.
    const data = new Float32Array(20)
    for (let i = 10; i < 20; i++) data[i] = 1
    const model = new KMeans({ k: 3, seed: 1 })
    const points: { reassigned: number; inertia: number }[] = []
    await model.fit(
      { data, shape: [20, 1, 1, 1] },
      {},
      { updateIntervalMs: 0, onUpdate: ({ history }) => points.push(...history) },
    )
    expect(points[0]?.reassigned).toBe(1)
    expect(model.centroidImages().data.every(Number.isFinite)).toBe(true)
    const clusters = await model.clusters({ data, shape: [20, 1, 1, 1] }, { members: 2 })
    expect(clusters.sizes.reduce((a, b) => a + b, 0)).toBe(20)
    expect(clusters.inertia).toBeCloseTo(0, 6)
    model.dispose()
  })
})

describe('mini-batch', () => {
  test("reaches within 3 % of Lloyd's inertia on the digits", async () => {
    const lloyd = new KMeans({ k: 10, seed: 1 })
    await lloyd.fit(digits.images)
    const minibatch = new KMeans({ k: 10, seed: 1, algorithm: 'minibatch' })
    const result = await minibatch.fit(digits.images, { epochs: 15, batchSize: 256 })
    expect(result.steps).toBe(15 * Math.ceil(1797 / 256))
    expect(minibatch.converged).toBe(false)
    const full = (await lloyd.assign(digits.images)).inertia
    const mini = (await minibatch.assign(digits.images)).inertia
    expect(mini).toBeLessThan(full * 1.03)
    lloyd.dispose()
    minibatch.dispose()
  })
})

describe('snapshots, memory and views', () => {
  test('a restored model assigns exactly as the original', async () => {
    for (const algorithm of ['lloyd', 'minibatch'] as const) {
      const model = new KMeans({ k: 10, seed: 3, algorithm })
      await model.fit(digits.images, { epochs: 4, batchSize: 128 })
      const snapshot = await model.snapshot()
      const copy = new KMeans(snapshot.modelOptions)
      copy.restore(structuredClone(snapshot))
      expect(copy.trainedSteps).toBe(model.trainedSteps)
      expect(copy.converged).toBe(model.converged)
      const a = await model.assign(digits.images)
      const b = await copy.assign(digits.images)
      expect(b.labels).toEqual(a.labels)
      expect(b.distances).toEqual(a.distances)
      // Lloyd draws nothing at random, so both go on training the same way (a restored model's
      // random streams start again from the seed, as in every family).
      if (algorithm === 'lloyd') {
        await model.fit(digits.images, { epochs: 1 })
        await copy.fit(digits.images, { epochs: 1 })
        expect(copy.centroidImages().data).toEqual(model.centroidImages().data)
      }
      model.dispose()
      copy.dispose()
    }
  })

  test('no tensor outlives training, the actions or dispose', async () => {
    const baseline = tf.memory().numTensors
    const model = new KMeans({ k: 6, seed: 1, algorithm: 'minibatch' })
    await model.fit(digits.images, { epochs: 2, batchSize: 200 })
    expect(tf.memory().numTensors).toBe(baseline)
    await model.assign(digits.images)
    await model.transform(digits.images)
    await model.clusters(digits.images)
    await model.snapshot()
    expect(tf.memory().numTensors).toBe(baseline)
    model.dispose()
    const lloyd = new KMeans({ k: 6, seed: 1 })
    await lloyd.fit(digits.images, { epochs: 5 })
    lloyd.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('clusters shows sizes and members spread from nearest to farthest', async () => {
    const model = new KMeans({ k: 4, seed: 1 })
    await model.fit(digits.images, { epochs: 5 })
    const clusters = await model.clusters(digits.images, { members: 3 })
    expect(clusters.centroids.shape).toEqual([4, 8, 8, 1])
    expect(clusters.members.shape).toEqual([12, 8, 8, 1])
    expect(clusters.sizes.reduce((a, b) => a + b, 0)).toBe(1797)
    const { labels, distances } = await model.assign(digits.images)
    for (let c = 0; c < 4; c++) {
      const rows = Array.from(clusters.memberIndices.subarray(3 * c, 3 * c + 3))
      for (const row of rows) expect(labels[row]).toBe(c)
      const d = rows.map((row) => distances[row] as number)
      expect(d[0]).toBe(
        Math.min(
          ...Array.from(labels.keys())
            .filter((r) => labels[r] === c)
            .map((r) => distances[r] as number),
        ),
      )
      expect(d[0]! <= d[1]! && d[1]! <= d[2]!).toBe(true)
    }
    model.dispose()
  })

  test('chooseMembers marks missing members with -1', () => {
    const chosen = chooseMembers(Int32Array.from([0, 1, 0]), Float32Array.from([2, 1, 1]), 3, 2)
    expect(Array.from(chosen.sizes)).toEqual([2, 1, 0])
    expect(Array.from(chosen.memberIndices)).toEqual([2, 0, 1, -1, -1, -1])
  })
})

describe('bad input', () => {
  test('k below 1, not an integer, or above the rows', async () => {
    expect(await codeOf(() => new KMeans({ k: 0 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new KMeans({ k: 2.5 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new KMeans({ algorithm: 'elkan' as 'lloyd' }))).toBe('INVALID_OPTION')
    const model = new KMeans({ k: 20 })
    const few = loadDigits({ limit: 12 }).images
    const error = await model.fit(few).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'k', limit: 12, actual: 20 },
    })
    // Nothing was built: the same model trains once given enough rows.
    await model.fit(digits.images, { epochs: 1 })
    expect(model.trainedSteps).toBe(1)
    model.dispose()
  })

  test('NOT_TRAINED before training, SHAPE_MISMATCH for other images; the model survives', async () => {
    const model = new KMeans({ k: 3, seed: 1 })
    expect(await codeOf(model.assign(digits.images))).toBe('NOT_TRAINED')
    expect(await codeOf(() => model.centroidImages())).toBe('NOT_TRAINED')
    await model.fit(digits.images, { epochs: 2 })
    const before = await model.assign(digits.images)
    const wrong = { data: new Float32Array(2 * 49), shape: [2, 7, 7, 1] } as ImageBatch
    expect(await codeOf(model.assign(wrong))).toBe('SHAPE_MISMATCH')
    expect(await codeOf(model.transform(wrong))).toBe('SHAPE_MISMATCH')
    expect(await codeOf(model.fit(wrong))).toBe('SHAPE_MISMATCH')
    expect(await codeOf(model.fit(digits.images, { epochs: 0 }))).toBe('INVALID_OPTION')
    expect(await codeOf(model.clusters(digits.images, { members: 0 }))).toBe('INVALID_OPTION')
    expect((await model.assign(digits.images)).labels).toEqual(before.labels)
    model.dispose()
  })

  test('too-large requests are refused with INVALID_OPTION naming the limit', async () => {
    const model = new KMeans({ k: 10, seed: 1, algorithm: 'minibatch' })
    await model.fit(digits.images, { epochs: 1, batchSize: 100 })
    configureMemoryBudget({ callBudgetBytes: 64 * 1024 })
    const members = await model
      .clusters(digits.images, { members: 1_000_000 })
      .catch((e: unknown) => e)
    expect(members).toMatchObject({ code: 'INVALID_OPTION', details: { option: 'members' } })
    expect((members as { details: { limit: number } }).details.limit).toBeGreaterThan(0)
    const batch = await model.fit(digits.images, { batchSize: 1797 }).catch((e: unknown) => e)
    expect(batch).toMatchObject({ code: 'INVALID_OPTION', details: { option: 'batchSize' } })
    configureMemoryBudget({})
    expect((await model.assign(digits.images)).labels.length).toBe(1797)
    model.dispose()
  })

  test('under a small budget Lloyd and assign run in chunks, with the same result', async () => {
    const whole = new KMeans({ k: 5, seed: 2 })
    await whole.fit(digits.images, { epochs: 5 })
    const expected = await whole.assign(digits.images)
    // 1 MiB a call: the digits (460 KB) fit on the host, but Lloyd's passes and assign's both split
    // them into chunks.
    configureMemoryBudget({ callBudgetBytes: 1024 * 1024 })
    const chunked = new KMeans({ k: 5, seed: 2 })
    await chunked.fit(digits.images, { epochs: 5 })
    const actual = await chunked.assign(digits.images)
    configureMemoryBudget({})
    expect(actual.labels).toEqual(expected.labels)
    const a = chunked.centroidImages().data
    const b = whole.centroidImages().data
    a.forEach((value, i) => expect(value).toBeCloseTo(b[i] as number, 5))
    whole.dispose()
    chunked.dispose()
  })
})

test('adjustedRandIndex agrees with scikit-learn on a small case', () => {
  // sklearn.metrics.adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.5714285714285715
  expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714285715, 12)
  expect(adjustedRandIndex([0, 0, 1, 1], [5, 5, 3, 3])).toBe(1)
})
