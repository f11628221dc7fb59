import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { HelmholtzMachine } from '../../src/core/helmholtz/engine/helmholtz'
import type { HelmholtzNetwork } from '../../src/core/helmholtz/engine/helmholtzNetwork'
import { helmholtzSpec, type HelmholtzHistoryPoint } from '../../src/core/helmholtz/helmholtzSpec'
import { createRandom } from '../../src/core/random'
import { meanAndStandardError } from '../../src/core/logSumExp'
import type { ImageBatch } from '../../src/core/dataset'
import type { ActionContext } from '../../src/core/family/familySpec'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('cpu'))

/** `rows` noisy copies (5% of the pixels flipped) of three 4×4 bar patterns. */
function bars(rows: number, seed: number): ImageBatch {
  const patterns = [
    [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0],
    [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
    [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0],
  ]
  const random = createRandom(seed)
  const data = new Float32Array(rows * 16)
  for (let r = 0; r < rows; r++) {
    const pattern = patterns[random.int(3)] as number[]
    for (let p = 0; p < 16; p++) {
      const bit = pattern[p] as number
      data[r * 16 + p] = random.uniform() < 0.05 ? 1 - bit : bit
    }
  }
  return { data, shape: [rows, 4, 4, 1] }
}

/** The first `rows` digits. */
function digits(rows: number, from = 0): ImageBatch {
  const { images } = loadDigits()
  return { data: images.data.slice(from * 64, (from + rows) * 64), shape: [rows, 8, 8, 1] }
}

/** The network inside a model (tests only). */
const networkOf = (model: HelmholtzMachine): HelmholtzNetwork =>
  (model as unknown as { network: HelmholtzNetwork }).network

/** A variable's values as plain numbers. */
const valuesOf = (variable: tf.Variable): number[] => Array.from(variable.dataSync())

const logSigmoid = (z: number): number =>
  z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z))
/** `log p(bit)` of a Bernoulli unit with logit `z`. */
const logBernoulli = (bit: number, z: number): number => logSigmoid(bit === 1 ? z : -z)

/**
 * Exact `log p(x)` of the binary row `x` under the generative network, summing `p(x, h)` over every
 * hidden state of every layer — computed here in plain numbers from the weights, not by the engine.
 */
function exactLogLikelihood(network: HelmholtzNetwork, x: readonly number[]): number {
  const sizes = network.sizes
  const hidden = sizes.slice(1)
  const total = hidden.reduce((sum, units) => sum + units, 0)
  const kernels = network.generative.map((layer) => valuesOf(layer.kernel))
  const biases = network.generative.map((layer) => valuesOf(layer.bias))
  const top = valuesOf(network.topBias)
  const terms: number[] = []
  for (let code = 0; code < 2 ** total; code++) {
    const states: number[][] = [Array.from(x)]
    let bit = 0
    for (const units of hidden) {
      states.push(Array.from({ length: units }, () => (code >> bit++) & 1))
    }
    let logJoint = 0
    const topState = states.at(-1) as number[]
    topState.forEach((h, j) => (logJoint += logBernoulli(h, top[j] as number)))
    for (let l = 0; l < hidden.length; l++) {
      const above = states[l + 1] as number[]
      const below = states[l] as number[]
      const kernel = kernels[l] as number[]
      const bias = biases[l] as number[]
      below.forEach((v, i) => {
        let z = bias[i] as number
        above.forEach((h, j) => (z += h * (kernel[j * below.length + i] as number)))
        logJoint += logBernoulli(v, z)
      })
    }
    terms.push(logJoint)
  }
  const top1 = Math.max(...terms)
  return top1 + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - top1), 0))
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('Helmholtz machine (wake-sleep)', () => {
  test('wake-sleep lowers the wake loss and the bound on noisy bars', async () => {
    const model = new HelmholtzMachine({ layers: [8, 3], seed: 2 })
    const points: HelmholtzHistoryPoint[] = []
    await model.fit(
      bars(300, 1),
      { epochs: 30, batchSize: 20, learningRate: 0.3 },
      { onUpdate: ({ history }) => points.push(...history), updateIntervalMs: 0 },
    )
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length
    const first = points.slice(0, 15)
    const last = points.slice(-15)
    // Nats per image (seen here: wake 16.2 → 10.5, bound 9.8 → 4.8 over the first and last 15 steps).
    expect(mean(last.map((p) => p.wake))).toBeLessThan(mean(first.map((p) => p.wake)) - 4)
    expect(mean(last.map((p) => p.bound))).toBeLessThan(mean(first.map((p) => p.bound)) - 3)
    expect(points.every((p) => Number.isFinite(p.sleep) && p.sleep >= 0)).toBe(true)
    // Held-out bars: far better than independent pixels at 16 × log 2 ≈ 11.1 nats.
    const { meanLogLikelihood } = await model.logLikelihood(bars(100, 9), { samples: 50 })
    expect(meanLogLikelihood).toBeGreaterThan(-9)
    model.dispose()
  })

  test('the importance-sampled estimate equals the enumerated log p(x) on a tiny model', async () => {
    for (const layers of [[2], [2, 2]]) {
      const model = new HelmholtzMachine({ layers, seed: 5 })
      const data: ImageBatch = { data: bars(40, 3).data.slice(0, 40 * 4), shape: [40, 2, 2, 1] }
      await model.fit(data, { epochs: 20, batchSize: 8, learningRate: 0.5 })
      const network = networkOf(model)
      const rows = [
        [0, 0, 0, 0],
        [1, 1, 0, 0],
        [1, 0, 1, 1],
        [1, 1, 1, 1],
      ]
      const images: ImageBatch = { data: Float32Array.from(rows.flat()), shape: [4, 2, 2, 1] }
      const estimate = await model.logLikelihood(images, { samples: 20000, seed: 3 })
      rows.forEach((row, i) => {
        const exact = exactLogLikelihood(network, row)
        expect(
          Math.abs((estimate.logLikelihoods[i] as number) - exact),
          `${layers} ${row}`,
        ).toBeLessThan(0.02)
      })
      // The one-sample bound is below log p(x) by KL(q ‖ p(h|x)) ≥ 0 on average.
      // (the mean log weight of the same 20,000 draws per image).
      expect(estimate.meanELBO).toBeLessThan(estimate.meanLogLikelihood)
      model.dispose()
    }
  })

  test('more samples give an estimate at least the one-sample bound on average (digits)', async () => {
    const model = new HelmholtzMachine({ layers: [32, 6], seed: 1 })
    await model.fit(digits(300), { epochs: 5, batchSize: 32, learningRate: 0.1 })
    const heldOut = digits(150, 1000)
    const one = await model.logLikelihood(heldOut, { samples: 1, seed: 4 })
    const many = await model.logLikelihood(heldOut, { samples: 50, seed: 4 })
    // Jensen: E[log mean w] ≥ E[log w]. The per-image gaps' mean must clear 3 standard errors.
    const gaps = meanAndStandardError(
      many.logLikelihoods.map((v, i) => v - (one.logLikelihoods[i] as number)),
    )
    expect(gaps.mean).toBeGreaterThan(3 * gaps.standardError)
    expect(many.meanLogLikelihood).toBeGreaterThan(one.meanLogLikelihood)
    expect(many.meanELBO).toBeLessThan(many.meanLogLikelihood)
    expect(many.standardError).toBeGreaterThan(0)
    expect(many.samples).toBe(50)
    // The same seed gives the same estimate.
    const again = await model.logLikelihood(heldOut, { samples: 50, seed: 4 })
    expect(Array.from(again.logLikelihoods)).toEqual(Array.from(many.logLikelihoods))
    model.dispose()
  })

  test('sample, encode and reconstruct: shapes, ranges, seeds', async () => {
    const model = new HelmholtzMachine({ layers: [16, 4], seed: 1 })
    await model.fit(digits(128), { epochs: 3, batchSize: 32 })
    const probabilities = await model.sample(5, { seed: 7 })
    expect(probabilities.shape).toEqual([5, 8, 8, 1])
    expect(probabilities.data.every((v) => v > 0 && v < 1)).toBe(true)
    expect(Array.from((await model.sample(5, { seed: 7 })).data)).toEqual(
      Array.from(probabilities.data),
    )
    const binary = await model.sample(5, { seed: 7, binary: true })
    expect(binary.data.every((v) => v === 0 || v === 1)).toBe(true)
    const codes = await model.encode(digits(3))
    expect(codes.shape).toEqual([3, 4])
    expect(codes.data.every((v) => v > 0 && v < 1)).toBe(true)
    const rebuilt = await model.reconstruct(digits(3))
    expect(rebuilt.shape).toEqual([3, 8, 8, 1])
    model.dispose()
  })

  test('no tensor outlives training, the actions or dispose', async () => {
    const baseline = tf.memory().numTensors
    const model = new HelmholtzMachine({ layers: [16, 4], seed: 1 })
    await model.fit(digits(96), { epochs: 2, batchSize: 32, boundEvery: 2, boundSamples: 3 })
    const held = tf.memory().numTensors
    await model.logLikelihood(digits(10), { samples: 7 })
    await model.sample(4, { seed: 1, binary: true })
    await model.encode(digits(4))
    await model.reconstruct(digits(4))
    await model.fit(digits(96), { epochs: 1, batchSize: 32 })
    expect(tf.memory().numTensors).toBe(held)
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('bad input: typed errors, the model kept', async () => {
    expect(await codeOf(() => new HelmholtzMachine({ layers: [] }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new HelmholtzMachine({ layers: [8, 0] }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new HelmholtzMachine({ threshold: 0 }))).toBe('INVALID_OPTION')
    const model = new HelmholtzMachine({ layers: [8, 2], seed: 1 })
    expect(await codeOf(() => model.sample(2))).toBe('NOT_TRAINED')
    expect(await codeOf(() => model.fit(digits(32), { learningRate: -1 }))).toBe('INVALID_OPTION')
    const grey = digits(32)
    const outside = { data: grey.data.map((v, i) => (i === 5 ? 2 : v)), shape: grey.shape }
    expect(await codeOf(() => model.fit(outside))).toBe('INVALID_INPUT')
    await model.fit(grey, { epochs: 1, batchSize: 16 })
    const before = await model.snapshot()
    expect(await codeOf(() => model.logLikelihood(grey, { samples: 0 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => model.logLikelihood(grey, { samples: 1.5 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => model.logLikelihood(outside))).toBe('INVALID_INPUT')
    const wrong: ImageBatch = { data: new Float32Array(2 * 16), shape: [2, 4, 4, 1] }
    expect(await codeOf(() => model.logLikelihood(wrong))).toBe('SHAPE_MISMATCH')
    expect(await codeOf(() => model.sample(0))).toBe('INVALID_OPTION')
    expect(await codeOf(() => model.fit(wrong))).toBe('SHAPE_MISMATCH')
    const after = await model.snapshot()
    expect(new Uint8Array(after.weightData)).toEqual(new Uint8Array(before.weightData))
    model.dispose()
    // The spec refuses on the main thread, before any work is sent.
    const context = {} as ActionContext
    const prepare = (options: object) =>
      helmholtzSpec.actions.logLikelihood.prepare(
        { ...context, images: (input) => input as ImageBatch },
        grey,
        options,
      )
    expect(await codeOf(() => prepare({ samples: 0 }))).toBe('INVALID_OPTION')
    expect(
      await codeOf(() =>
        helmholtzSpec.actions.sample.prepare(context, 2, { binary: 1 as unknown as boolean }),
      ),
    ).toBe('INVALID_OPTION')
  })
})
