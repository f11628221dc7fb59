import * as tf from '@tensorflow/tfjs-core'
// Only the gradient check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  HammingIndex,
  packBits,
  popcount32,
  unpackBits,
  wordsPerCode,
} from '../../src/core/hashing/hammingIndex'
import { checkSearchOptions } from '../../src/core/hashing/hashingOptions'
import { hashPrecisionAtK } from '../../src/core/hashing/hashPrecision'
import { SemanticHashing } from '../../src/core/hashing/engine/semanticHashing'
import { LearnedHashNetwork } from '../../src/core/hashing/engine/hashNetworks'
import { resolveHashingOptions } from '../../src/core/hashing/hashingOptions'
import { createRandom, deriveSeed } from '../../src/core/random'
import type { ImageBatch } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

/** The digits split 80 / 20 by a seeded shuffle. */
function splitDigits(): {
  train: { images: ImageBatch; labels: Uint8Array }
  test: { images: ImageBatch; labels: Uint8Array }
} {
  const { images, labels } = loadDigits()
  const n = images.shape[0]
  const order = Array.from({ length: n }, (_, i) => i)
  const random = createRandom(7)
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  const pick = (ids: number[]) => {
    const data = new Float32Array(ids.length * 64)
    ids.forEach((source, row) =>
      data.set(images.data.subarray(source * 64, source * 64 + 64), row * 64),
    )
    return {
      images: { data, shape: [ids.length, 8, 8, 1] as const },
      labels: Uint8Array.from(ids.map((i) => labels[i] as number)),
    }
  }
  const cut = Math.round(n * 0.8)
  return { train: pick(order.slice(0, cut)), test: pick(order.slice(cut)) }
}

const naivePopcount = (word: number): number => {
  let count = 0
  for (let b = 0; b < 32; b++) count += (word >>> b) & 1
  return count
}

describe('packing and popcount', () => {
  test('popcount32 is exact on edge words and random words', () => {
    expect(popcount32(0)).toBe(0)
    expect(popcount32(0xffffffff)).toBe(32)
    expect(popcount32(0x80000000)).toBe(1)
    expect(popcount32(-1)).toBe(32)
    const random = createRandom(3)
    for (let i = 0; i < 2000; i++) {
      const word = Math.floor(random.uniform() * 2 ** 32) >>> 0
      expect(popcount32(word)).toBe(naivePopcount(word))
    }
  })

  test('packBits puts bit j of a row in word j / 32 at position j % 32, and unpackBits undoes it', () => {
    expect(Array.from(packBits([1, 0, 1], 1, 3))).toEqual([0b101])
    // 33 bits: the 33rd bit is bit 0 of the second word.
    const values = new Float32Array(33)
    values[31] = 1
    values[32] = 0.9
    expect(Array.from(packBits(values, 1, 33))).toEqual([0x80000000, 1])
    const random = createRandom(5)
    for (const bits of [1, 7, 31, 32, 33, 64]) {
      const rows = 9
      const raw = Array.from({ length: rows * bits }, () => (random.uniform() < 0.5 ? 0 : 1))
      const packed = packBits(raw, rows, bits)
      expect(packed.length).toBe(rows * wordsPerCode(bits))
      expect(Array.from(unpackBits(packed, rows, bits))).toEqual(raw)
    }
  })
})

describe('HammingIndex', () => {
  /** Every (distance, index) pair of each query, sorted: the brute-force answer. */
  function bruteForce(codes: Uint8Array, queries: Uint8Array, bits: number) {
    const size = codes.length / bits
    const count = queries.length / bits
    return Array.from({ length: count }, (_, q) =>
      Array.from({ length: size }, (_, i) => {
        let d = 0
        for (let j = 0; j < bits; j++) {
          d += codes[i * bits + j] === queries[q * bits + j] ? 0 : 1
        }
        return [d, i] as const
      }).sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    )
  }

  test.each([5, 16, 32, 40, 64])('k and radius searches match brute force (%i bits)', (bits) => {
    const random = createRandom(bits)
    const size = 300
    const raw = Uint8Array.from({ length: size * bits }, () => (random.uniform() < 0.5 ? 0 : 1))
    const rawQueries = Uint8Array.from({ length: 4 * bits }, () => (random.uniform() < 0.5 ? 0 : 1))
    const index = new HammingIndex(packBits(raw, size, bits), bits)
    const queries = packBits(rawQueries, 4, bits)
    const expected = bruteForce(raw, rawQueries, bits)
    const byK = index.search(queries, { k: 17 })
    const radius = Math.floor(bits / 3)
    const byRadius = index.search(queries, { radius })
    expected.forEach((pairs, q) => {
      const kFrom = byK.offsets[q] as number
      const kTo = byK.offsets[q + 1] as number
      expect(kTo - kFrom).toBe(17)
      expect(Array.from(byK.indices.subarray(kFrom, kTo))).toEqual(
        pairs.slice(0, 17).map((p) => p[1]),
      )
      expect(Array.from(byK.distances.subarray(kFrom, kTo))).toEqual(
        pairs.slice(0, 17).map((p) => p[0]),
      )
      const within = pairs.filter((p) => p[0] <= radius)
      const rFrom = byRadius.offsets[q] as number
      const rTo = byRadius.offsets[q + 1] as number
      expect(Array.from(byRadius.indices.subarray(rFrom, rTo))).toEqual(within.map((p) => p[1]))
    })
    // k above the index size returns the whole index.
    const all = index.search(queries.subarray(0, wordsPerCode(bits)), { k: size + 50 })
    expect(all.indices.length).toBe(size)
  })

  test('search options: k below 1, radius outside 0–64, both or neither are INVALID_OPTION', () => {
    expect(checkSearchOptions(undefined)).toEqual({ k: 10 })
    expect(checkSearchOptions({ radius: 0 })).toEqual({ radius: 0 })
    for (const bad of [{ k: 0 }, { k: -1 }, { k: 2.5 }, { radius: 65 }, { radius: -1 }, {}]) {
      expect(() => checkSearchOptions(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      )
    }
    expect(() => checkSearchOptions({ k: 3, radius: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => checkSearchOptions('ten')).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
  })
})

describe('SemanticHashing', () => {
  const { train, test: held } = splitDigits()

  beforeAll(async () => {
    await switchBackend('wasm')
  })

  test('bits outside 1–64 and bad options are INVALID_OPTION when the model is made', () => {
    for (const bits of [0, 65, 1.5, NaN]) {
      expect(() => new SemanticHashing({ bits })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      )
    }
    expect(() => new SemanticHashing({ method: 'pq' as 'lsh' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => new SemanticHashing({ noise: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => new SemanticHashing({ bits: 64 })).not.toThrow()
  })

  test('the noisy code layer’s explicit gradients match autodiff', () => {
    const network = new LearnedHashNetwork(
      64,
      resolveHashingOptions({ bits: 12, hiddenUnits: [20] }),
      'sigmoid',
    )
    const gap = tf.tidy(() => {
      const x = tf.tensor2d(train.images.data.slice(0, 8 * 64), [8, 64])
      const noise = tf.randomNormal([8, 12], 0, 1, 'float32', 4) as tf.Tensor2D
      const { gradients } = network.autoencoder.lossAndGradients(x, x, noise)
      const { grads } = tf.variableGrads(
        () => network.autoencoder.lossAndGradients(x, x, noise).terms.total,
        network.weights(),
      )
      const manual = tf.concat(gradients.map((g) => tf.reshape(g, [-1])))
      const automatic = tf.concat(
        network.weights().map((v) => tf.reshape(grads[v.name] as tf.Tensor, [-1])),
      )
      return relativeGap(manual.dataSync(), automatic.dataSync())
    })
    network.dispose()
    expect(gap).toBeLessThan(1e-4)
  })

  test('LSH bits are the signs of the seeded hyperplanes through the training mean', async () => {
    const model = new SemanticHashing({ method: 'lsh', bits: 40, seed: 9 })
    await model.fit(train.images)
    const rows = 20
    const images = { data: held.images.data.slice(0, rows * 64), shape: [rows, 8, 8, 1] as const }
    const { codes, bits, count } = await model.hash(images)
    expect([bits, count, codes.length]).toEqual([40, rows, rows * 2])
    const planes = createRandom(deriveSeed(9, 1)).normals(64 * 40)
    const n = train.images.shape[0]
    const mean = new Float64Array(64)
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < 64; i++) {
        mean[i] = (mean[i] as number) + (train.images.data[r * 64 + i] as number) / n
      }
    }
    const expected: number[] = []
    let margin = Infinity
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < 40; j++) {
        let dot = 0
        for (let i = 0; i < 64; i++) {
          dot +=
            ((images.data[r * 64 + i] as number) - (mean[i] as number)) *
            (planes[i * 40 + j] as number)
        }
        margin = Math.min(margin, Math.abs(dot))
        expected.push(dot > 0 ? 1 : 0)
      }
    }
    expect(margin).toBeGreaterThan(1e-3)
    expect(Array.from(unpackBits(codes, rows, 40))).toEqual(expected)
    model.dispose()
  })

  test('learned 16-bit codes beat 16-bit LSH in precision@10 on held-out digits', async () => {
    const learned = new SemanticHashing({ bits: 16 })
    const first = await learned.fit(train.images, { epochs: 2 })
    const trained = await learned.fit(train.images, { epochs: 58 })
    // The reconstruction loss drops well below its value after two epochs, codes become binary.
    expect(trained.last?.loss).toBeLessThan(0.6 * (first.last?.loss as number))
    expect(trained.last?.binary).toBeGreaterThan(0.8)
    const lsh = new SemanticHashing({ method: 'lsh', bits: 16 })
    await lsh.fit(train.images)
    const precision = async (model: SemanticHashing) => {
      const indexed = await model.hash(train.images)
      const queries = await model.hash(held.images)
      return hashPrecisionAtK(indexed.codes, train.labels, queries.codes, held.labels, 16, 10)
    }
    const learnedPrecision = await precision(learned)
    const lshPrecision = await precision(lsh)
    // Measured 0.82 (60 epochs, WASM); LSH with 16 bits 0.62.
    expect(learnedPrecision).toBeGreaterThan(0.75)
    expect(learnedPrecision).toBeGreaterThan(lshPrecision + 0.1)
    learned.dispose()
    lsh.dispose()
  }, 300_000)

  test('index and search: same answers as brute force over hash(), typed errors, no tensor leaks', async () => {
    const baseline = tf.memory().numTensors
    const model = new SemanticHashing({ bits: 24, hiddenUnits: [32], seed: 3 })
    await expect(model.search(held.images, { k: 5 })).rejects.toMatchObject({
      code: 'NOT_TRAINED',
    })
    await model.fit(train.images, { epochs: 2 })
    await expect(model.search(held.images, { k: 5 })).rejects.toMatchObject({
      code: 'NOT_TRAINED',
    })
    const info = await model.buildIndex(train.images)
    expect(info).toEqual({ size: train.images.shape[0], bits: 24 })
    expect(model.indexSize).toBe(train.images.shape[0])
    const queries = { data: held.images.data.slice(0, 3 * 64), shape: [3, 8, 8, 1] as const }
    const result = await model.search(queries, { k: 6 })
    const own = await model.hash(queries)
    expect(Array.from(result.queryCodes)).toEqual(Array.from(own.codes))
    const indexed = await model.hash(train.images)
    const expected = new HammingIndex(indexed.codes, 24).search(own.codes, { k: 6 })
    expect(Array.from(result.indices)).toEqual(Array.from(expected.indices))
    expect(Array.from(result.distances)).toEqual(Array.from(expected.distances))
    // A query of the wrong shape.
    await expect(
      model.search({ data: new Float32Array(2 * 49), shape: [2, 7, 7, 1] }, { k: 3 }),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    // The model and its index survive the refusals.
    expect((await model.search(queries, { radius: 24 })).indices.length).toBe(3 * info.size)
    model.reset()
    expect(model.indexSize).toBe(0)
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  }, 120_000)

  test('the same seed gives the same codes; a snapshot restores them and drops nothing', async () => {
    await switchBackend('cpu')
    try {
      const rows = { data: train.images.data.slice(0, 200 * 64), shape: [200, 8, 8, 1] as const }
      const make = async () => {
        const model = new SemanticHashing({ bits: 10, hiddenUnits: [24], seed: 5 })
        await model.fit(rows, { epochs: 2 })
        return model
      }
      const a = await make()
      const b = await make()
      const codesA = (await a.hash(rows)).codes
      expect(Array.from((await b.hash(rows)).codes)).toEqual(Array.from(codesA))
      const copy = new SemanticHashing({ bits: 10, hiddenUnits: [24], seed: 5 })
      copy.restore(await a.snapshot())
      expect(Array.from((await copy.hash(rows)).codes)).toEqual(Array.from(codesA))
      // LSH keeps its hyperplanes and centre in the snapshot (nothing else is learned).
      const lsh = new SemanticHashing({ method: 'lsh', bits: 40, seed: 2 })
      await lsh.fit(rows)
      const lshCopy = new SemanticHashing({ method: 'lsh', bits: 40, seed: 2 })
      lshCopy.restore(await lsh.snapshot())
      expect(Array.from((await lshCopy.hash(rows)).codes)).toEqual(
        Array.from((await lsh.hash(rows)).codes),
      )
      for (const model of [a, b, copy, lsh, lshCopy]) model.dispose()
    } finally {
      await switchBackend('wasm')
    }
  }, 120_000)
})
