import * as tf from '@tensorflow/tfjs-core'
// Only the gradient check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { MADE } from '../../src/core/autoregressive/engine/made'
import { MADENetwork } from '../../src/core/autoregressive/engine/madeNetwork'
import { resolveAutoregressiveOptions } from '../../src/core/autoregressive/autoregressiveOptions'
import { autoregressiveSpec } from '../../src/core/autoregressive/autoregressiveSpec'
import { buildMasks } from '../../src/core/autoregressive/madeMasks'
import { createRandom } from '../../src/core/random'
import type { ImageBatch } from '../../src/core/dataset'
import type { ActionContext } from '../../src/core/family/familySpec'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

/** `rows` images of `shape` with values drawn uniformly in [0, 1) from `seed`. */
function randomImages(
  rows: number,
  shape: readonly [number, number, number],
  seed: number,
): ImageBatch {
  const random = createRandom(seed)
  const size = shape[0] * shape[1] * shape[2]
  const data = Float32Array.from({ length: rows * size }, () => random.uniform())
  return { data, shape: [rows, ...shape] }
}

/** The digits split by a seeded permutation into training and held-out images. */
function digitSplit(heldOut: number): { train: ImageBatch; test: ImageBatch } {
  const { images } = loadDigits()
  const n = images.shape[0]
  const order = createRandom(11).permutation(n)
  const take = (rows: Uint32Array): ImageBatch => {
    const data = new Float32Array(rows.length * 64)
    rows.forEach((row, i) => data.set(images.data.subarray(row * 64, row * 64 + 64), i * 64))
    return { data, shape: [rows.length, 8, 8, 1] }
  }
  return { train: take(order.subarray(heldOut)), test: take(order.subarray(0, heldOut)) }
}

/** Held-out NLL (nats per image) of independent Bernoulli pixels fitted on `train` (add-one smoothing). */
function independentPixelsNLL(train: ImageBatch, test: ImageBatch): number {
  const size = 64
  const on = new Float64Array(size)
  const n = train.shape[0]
  for (let i = 0; i < n * size; i++) on[i % size]! += (train.data[i] as number) >= 0.5 ? 1 : 0
  const p = Array.from(on, (count) => (count + 1) / (n + 2))
  let total = 0
  const m = test.shape[0]
  for (let i = 0; i < m * size; i++) {
    const q = p[i % size] as number
    total -= Math.log((test.data[i] as number) >= 0.5 ? q : 1 - q)
  }
  return total / m
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('MADE masks', () => {
  test('every path from input i reaches only outputs after i in the ordering (mask products)', () => {
    for (const ordering of ['natural', 'random'] as const) {
      const { layers, degrees } = buildMasks({
        pixels: 10,
        hiddenUnits: [7, 5],
        ordering,
        seed: 3,
      })
      // Connectivity: number of paths from each input to each output.
      let paths: number[][] = Array.from({ length: 10 }, (_, i) =>
        Array.from({ length: 10 }, (_, j) => (i === j ? 1 : 0)),
      )
      for (const layer of layers) {
        paths = paths.map((row) =>
          Array.from({ length: layer.units }, (_, k) =>
            row.reduce((sum, v, i) => sum + v * (layer.values[i * layer.units + k] as number), 0),
          ),
        )
      }
      let reached = 0
      for (let i = 0; i < 10; i++) {
        for (let d = 0; d < 10; d++) {
          const count = paths[i]![d]!
          if (degrees[d]! <= degrees[i]!) expect(count).toBe(0)
          else if (count > 0) reached++
        }
      }
      // Not trivially disconnected: most of the allowed pairs are connected.
      expect(reached).toBeGreaterThan(20)
    }
  })

  test('natural order is raster order; random order is a seeded permutation', () => {
    const natural = buildMasks({ pixels: 5, hiddenUnits: [], ordering: 'natural', seed: 1 })
    expect([...natural.order]).toEqual([0, 1, 2, 3, 4])
    expect([...natural.degrees]).toEqual([1, 2, 3, 4, 5])
    const a = buildMasks({ pixels: 30, hiddenUnits: [4], ordering: 'random', seed: 2 })
    const b = buildMasks({ pixels: 30, hiddenUnits: [4], ordering: 'random', seed: 2 })
    const c = buildMasks({ pixels: 30, hiddenUnits: [4], ordering: 'random', seed: 3 })
    expect([...a.order]).toEqual([...b.order])
    expect([...a.order]).not.toEqual([...c.order])
    expect([...a.order].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })
})

describe('MADE network (CPU)', () => {
  beforeAll(() => switchBackend('cpu'))

  test('output d changes only when a pixel before d in the ordering changes (perturbation)', async () => {
    const options = resolveAutoregressiveOptions(
      { hiddenUnits: [16, 12], ordering: 'random', seed: 4 },
      12,
    )
    const network = new MADENetwork(12, options)
    const { degrees } = network.masks
    const base = Float32Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : 0))
    const baseLogits = tf.tidy(() => network.logits(tf.tensor2d(base, [1, 12])))
    const before = await baseLogits.data()
    baseLogits.dispose()
    let changedSomewhere = 0
    for (let i = 0; i < 12; i++) {
      const flipped = base.slice()
      flipped[i] = 1 - flipped[i]!
      const logits = tf.tidy(() => network.logits(tf.tensor2d(flipped, [1, 12])))
      const after = await logits.data()
      logits.dispose()
      for (let d = 0; d < 12; d++) {
        if (degrees[d]! <= degrees[i]!) expect(after[d]).toBe(before[d])
        else if (after[d] !== before[d]) changedSomewhere++
      }
    }
    expect(changedSomewhere).toBeGreaterThan(10)
    network.dispose()
  })

  test('the explicit backward pass equals automatic differentiation', async () => {
    const options = resolveAutoregressiveOptions(
      { hiddenUnits: [20, 10], ordering: 'random', seed: 5 },
      64,
    )
    const network = new MADENetwork(64, options)
    const digits = loadDigits({ limit: 12 }).images
    const [manual, automatic] = tf.tidy(() => {
      const x = tf.tensor2d(
        digits.data.map((v) => (v >= 0.5 ? 1 : 0)),
        [12, 64],
      )
      const { gradients } = network.lossAndGradients(x)
      const { grads } = tf.variableGrads(
        () => network.lossAndGradients(x).loss,
        network.variables(),
      )
      return [
        tf.concat(gradients.map((g) => tf.reshape(g, [-1]))),
        tf.concat(network.variables().map((v) => tf.reshape(grads[v.name]!, [-1]))),
      ]
    })
    const a = await manual!.data()
    const b = await automatic!.data()
    tf.dispose([manual!, automatic!])
    network.dispose()
    expect(a.length).toBe(b.length)
    expect(relativeGap(a, b)).toBeLessThan(1e-5)
  })
})

describe('MADE likelihood (CPU)', () => {
  beforeAll(() => switchBackend('cpu'))

  test('probabilities of all 2^16 binary 4×4 images sum to 1', async () => {
    const made = new MADE({ hiddenUnits: [10, 8], ordering: 'random', seed: 6 })
    await made.fit(randomImages(64, [4, 4, 1], 1), { epochs: 3, batchSize: 16, learningRate: 0.05 })
    const count = 2 ** 16
    const all = new Float32Array(count * 16)
    for (let image = 0; image < count; image++) {
      for (let p = 0; p < 16; p++) all[image * 16 + p] = (image >> p) & 1
    }
    const { logLikelihoods } = await made.logLikelihood({ data: all, shape: [count, 4, 4, 1] })
    let total = 0
    for (const value of logLikelihoods) total += Math.exp(value)
    expect(total).toBeCloseTo(1, 4)
    // Trained away from uniform: not every image has probability 2^-16.
    expect(Math.max(...logLikelihoods)).toBeGreaterThan(-16 * Math.LN2 + 1)
    made.dispose()
  })

  test('log-likelihood equals a hand computation (no hidden layer, and one hidden layer)', async () => {
    for (const hiddenUnits of [[], [3]]) {
      const made = new MADE({ hiddenUnits, seed: 7 })
      const data = randomImages(8, [1, 3, 1], 2)
      await made.fit(data, { epochs: 2, batchSize: 4, learningRate: 0.1 })
      const snapshot = await made.snapshot({ training: false })
      const network = (made as unknown as { network: MADENetwork }).network
      const values = await Promise.all(network.variables().map((v) => v.data()))
      const masks = network.masks.layers
      const x = [1, 0, 1]
      // Forward pass by hand: masked layers, ReLU between, logits out.
      let h = x
      masks.forEach((mask, layer) => {
        const kernel = values[2 * layer]!
        const bias = values[2 * layer + 1]!
        const out = Array.from({ length: mask.units }, (_, k) => {
          let sum = bias[k]!
          h.forEach((v, i) => {
            sum += v * kernel[i * mask.units + k]! * mask.values[i * mask.units + k]!
          })
          return layer < masks.length - 1 ? Math.max(0, sum) : sum
        })
        h = out
      })
      const logSigmoid = (z: number): number => -Math.log1p(Math.exp(-z))
      const expected = h.reduce(
        (sum, z, d) => sum + (x[d] === 1 ? logSigmoid(z) : logSigmoid(-z)),
        0,
      )
      if (hiddenUnits.length === 0) {
        // The first pixel has no parents: its logit is the bias alone; the masks are strictly lower.
        expect([...masks[0]!.values]).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0])
      }
      const { logLikelihoods, meanLogLikelihood, bitsPerPixel } = await made.logLikelihood({
        data: Float32Array.from([0.9, 0.2, 0.5]),
        shape: [1, 1, 3, 1],
      })
      expect(logLikelihoods[0]).toBeCloseTo(expected, 5)
      expect(meanLogLikelihood).toBeCloseTo(expected, 5)
      expect(bitsPerPixel).toBeCloseTo(-expected / Math.LN2 / 3, 5)
      expect(snapshot.kind).toBe('autoregressive')
      made.dispose()
    }
  })

  test('held-out NLL on binarised digits drops well below independent pixels', async () => {
    await switchBackend('wasm')
    const { train, test: heldOut } = digitSplit(297)
    const baseline = independentPixelsNLL(train, heldOut)
    const made = new MADE({ hiddenUnits: [128], seed: 1 })
    const before = tf.memory().numTensors
    await made.fit(train, { epochs: 30, batchSize: 32, learningRate: 0.003 })
    const { meanLogLikelihood } = await made.logLikelihood(heldOut)
    // Measured: 18.0 nats against 25.1 for independent pixels (30 epochs, WASM).
    expect(baseline).toBeGreaterThan(22)
    expect(-meanLogLikelihood).toBeLessThan(baseline - 4)
    made.dispose()
    expect(tf.memory().numTensors).toBe(before)
    await switchBackend('cpu')
  }, 120_000)
})

describe('MADE sampling (CPU)', () => {
  let made: MADE
  beforeAll(async () => {
    await switchBackend('cpu')
    made = new MADE({ hiddenUnits: [32], ordering: 'random', seed: 8 })
    await made.fit(loadDigits({ limit: 200 }).images, { epochs: 3 })
  })

  test('samples are binary, seeded and deterministic', async () => {
    const a = await made.sample(5, { seed: 3 })
    const b = await made.sample(5, { seed: 3 })
    const c = await made.sample(5, { seed: 4 })
    expect(a.shape).toEqual([5, 8, 8, 1])
    expect([...a.data].every((v) => v === 0 || v === 1)).toBe(true)
    expect([...a.data]).toEqual([...b.data])
    expect([...a.data]).not.toEqual([...c.data])
  })

  test('drawing with the running first layer gives what a full pass per pixel gives', async () => {
    for (const hiddenUnits of [[], [16], [16, 12]]) {
      const model = new MADE({ hiddenUnits, ordering: 'random', seed: 9 })
      await model.fit(loadDigits({ limit: 200 }).images, { epochs: 3 })
      const network = (model as unknown as { network: MADENetwork }).network
      const n = 4
      const random = createRandom(5)
      const uniforms = Float32Array.from({ length: n * 64 }, () => random.uniform())
      const x = new Float32Array(n * 64)
      for (const pixel of network.masks.order) {
        const logits = tf.tidy(() => network.logits(tf.tensor2d(x, [n, 64])))
        const values = await logits.data()
        logits.dispose()
        for (let r = 0; r < n; r++) {
          const p = 1 / (1 + Math.exp(-values[r * 64 + pixel]!))
          x[r * 64 + pixel] = uniforms[r * 64 + pixel]! < p ? 1 : 0
        }
      }
      const drawn = await model.sample(n, { seed: 5 })
      expect([...drawn.data]).toEqual([...x])
      model.dispose()
    }
  })

  test('sampleSteps shows the sample drawn pixel by pixel and ends at the same sample', async () => {
    const steps = await made.sampleSteps(2, { frames: 5, seed: 3 })
    const finished = await made.sample(2, { seed: 3 })
    expect(steps.frames).toBe(5)
    expect([...steps.pixels]).toEqual([0, 16, 32, 48, 64])
    expect(steps.images.shape).toEqual([10, 8, 8, 1])
    for (let s = 0; s < 2; s++) {
      for (let f = 0; f < 5; f++) {
        const frame = steps.images.data.subarray((s * 5 + f) * 64, (s * 5 + f + 1) * 64)
        const drawn = [...frame].filter((v) => v !== 0.5).length
        expect(drawn).toBe(steps.pixels[f])
        // The drawn pixels are the first ones of the ordering.
        for (let k = 0; k < steps.pixels[f]!; k++) expect(frame[steps.order[k]!]).not.toBe(0.5)
      }
      const last = steps.images.data.subarray((s * 5 + 4) * 64, (s * 5 + 5) * 64)
      expect([...last]).toEqual([...finished.data.subarray(s * 64, (s + 1) * 64)])
    }
    // More frames than pixels + 1 are clamped.
    expect((await made.sampleSteps(1, { frames: 500, seed: 1 })).frames).toBe(65)
  })

  test('training, likelihoods, sampling and dispose leave no tensor behind', async () => {
    const baseline = tf.memory().numTensors
    const model = new MADE({ hiddenUnits: [8], binarize: 'stochastic', seed: 2 })
    await model.fit(loadDigits({ limit: 50 }).images, { epochs: 2, batchSize: 16 })
    await model.logLikelihood(loadDigits({ limit: 5 }).images)
    await model.sample(3, { seed: 1 })
    await model.sampleSteps(2, { frames: 3, seed: 1 })
    await model.conditionals(loadDigits({ limit: 2 }).images)
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('stochastic binarisation is seeded: the same seed gives the same training and likelihoods', async () => {
    const run = async (): Promise<number[]> => {
      const model = new MADE({ hiddenUnits: [8], binarize: 'stochastic', seed: 2 })
      const result = await model.fit(loadDigits({ limit: 50 }).images, { epochs: 2, batchSize: 16 })
      const ll = await model.logLikelihood(loadDigits({ limit: 5 }).images, { seed: 4 })
      model.dispose()
      return [result.last!.loss, ...ll.logLikelihoods]
    }
    expect(await run()).toEqual(await run())
  })
})

describe('MADE bad input', () => {
  beforeAll(() => switchBackend('cpu'))

  test('bad options are INVALID_OPTION before anything is built', async () => {
    for (const options of [
      { hiddenUnits: [0] },
      { hiddenUnits: [1.5] },
      { hiddenUnits: 'wide' as unknown as number[] },
      { ordering: 'zigzag' as 'natural' },
      { binarize: 'dither' as 'threshold' },
      { threshold: 0 },
      { threshold: 1.5 },
      { seed: Number.NaN },
    ]) {
      expect(await codeOf(() => new MADE(options))).toBe('INVALID_OPTION')
    }
    const made = new MADE({ hiddenUnits: [4] })
    expect(await codeOf(() => made.fit(loadDigits({ limit: 8 }).images, { epochs: 0 }))).toBe(
      'INVALID_OPTION',
    )
  })

  test('images that cannot be binarised, wrong shapes, one-pixel images and counts out of range', async () => {
    const made = new MADE({ hiddenUnits: [4] })
    const digits = loadDigits({ limit: 8 }).images
    expect(await codeOf(() => made.sample(2))).toBe('NOT_TRAINED')
    const bright = { data: digits.data.map((v) => v * 2), shape: digits.shape }
    expect(await codeOf(() => made.fit(bright))).toBe('INVALID_INPUT')
    expect(await codeOf(() => made.fit({ data: new Float32Array(3), shape: [3, 1, 1, 1] }))).toBe(
      'INVALID_INPUT',
    )
    await made.fit(digits, { epochs: 1 })
    expect(await codeOf(() => made.logLikelihood(bright))).toBe('INVALID_INPUT')
    expect(
      await codeOf(() => made.logLikelihood({ data: new Float32Array(16), shape: [1, 4, 4, 1] })),
    ).toBe('SHAPE_MISMATCH')
    expect(await codeOf(() => made.sample(0))).toBe('INVALID_OPTION')
    expect(await codeOf(() => made.sample(2.5))).toBe('INVALID_OPTION')
    expect(await codeOf(() => made.sampleSteps(2, { frames: 1 }))).toBe('INVALID_OPTION')
    // The trained model survives every refusal.
    expect((await made.sample(1, { seed: 1 })).shape).toEqual([1, 8, 8, 1])
    made.dispose()
  })

  test("the spec's prepare refuses bad action arguments on the main thread", () => {
    const context = {
      images: () => ({ data: new Float32Array(64), shape: [1, 8, 8, 1] }),
      model: undefined,
    } as unknown as ActionContext
    const { sample, sampleSteps, logLikelihood } = autoregressiveSpec.actions
    expect(() => sample.prepare(context, 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => sample.prepare(context, 2, { seed: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => sampleSteps.prepare(context, 2, { frames: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(sampleSteps.prepare(context, 2, { seed: 4 })).toEqual([2, 17, 4])
    expect(() => logLikelihood.prepare(context, [], 3 as unknown as object)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
  })
})
