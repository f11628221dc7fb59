import * as tf from '@tensorflow/tfjs-core'
// Only the gradient check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { ContrastiveNetwork } from '../../src/core/contrastive/engine/contrastiveNetwork'
import { ntXent } from '../../src/core/contrastive/engine/ntXent'
import {
  augmentBatch,
  augmentImage,
  resolveAugmentations,
  type AugmentTarget,
} from '../../src/core/contrastive/augmentations'
import {
  resolveContrastiveOptions,
  type ContrastiveModelOptions,
} from '../../src/core/contrastive/contrastiveOptions'
import { fitLinearProbe } from '../../src/core/probe/engine/linearProbe'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

const digits = loadDigits()
const DIGIT: AugmentTarget = { height: 8, width: 8, channels: 1, unitRange: true }
const ALL_OFF = {
  crop: false,
  shift: false,
  rotation: false,
  scale: false,
  noise: false,
  cutout: false,
  brightness: false,
  contrast: false,
} as const

function firstImages(n: number): ImageBatch {
  return { data: digits.images.data.slice(0, n * 64), shape: [n, 8, 8, 1] }
}

/** NT-Xent by hand, in float64: mean over rows of −s(i, p(i)) + log Σ_{k≠i} exp s(i, k). */
function handNTXent(rows: readonly (readonly number[])[], temperature: number): number {
  const unit = rows.map((r) => {
    const norm = Math.hypot(...r)
    return r.map((v) => v / norm)
  })
  const cos = (a: number, b: number): number =>
    (unit[a] as number[]).reduce((sum, v, j) => sum + v * ((unit[b] as number[])[j] as number), 0)
  const n = rows.length
  let total = 0
  for (let i = 0; i < n; i++) {
    const positive = (i + n / 2) % n
    let sum = 0
    for (let k = 0; k < n; k++) if (k !== i) sum += Math.exp(cos(i, k) / temperature)
    total += -cos(i, positive) / temperature + Math.log(sum)
  }
  return total / n
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run()
  } catch (error) {
    return (error as LatentkitError).code
  }
  return undefined
}

beforeAll(() => switchBackend('cpu'))

describe('NT-Xent', () => {
  const rows = [
    [1, 0.5, -0.2],
    [0.3, -1, 0.8],
    [0.9, 0.7, 0.1],
    [-0.4, -0.6, 1.2],
  ]

  test('equals a hand computation on a batch of two pairs, and its top-1 counts the right rows', async () => {
    for (const temperature of [0.5, 0.1, 2]) {
      const [loss, accuracy] = tf.tidy(() => {
        const out = ntXent(tf.tensor2d(rows), temperature)
        return [out.loss, out.accuracy]
      })
      expect(await (loss as tf.Tensor).array()).toBeCloseTo(handNTXent(rows, temperature), 5)
      // Row 0's most similar other row is row 2 (its positive) and row 2's is row 0; rows 1 and 3 likewise.
      expect(await (accuracy as tf.Tensor).array()).toBe(1)
      tf.dispose([loss as tf.Tensor, accuracy as tf.Tensor])
    }
    const swapped = [rows[0], rows[1], rows[3], rows[2]] as number[][]
    const accuracy = tf.tidy(() => ntXent(tf.tensor2d(swapped), 0.5).accuracy)
    expect(await accuracy.array()).toBe(0)
    accuracy.dispose()
  })

  test('its explicit gradient matches autodiff, through the network too', async () => {
    const gap = tf.tidy(() => {
      const z = tf.tensor2d(rows)
      const manual = ntXent(z, 0.5).gradient
      const automatic = tf.grad((x: tf.Tensor) => ntXent(x as tf.Tensor2D, 0.5).loss)(z)
      return [manual, automatic]
    })
    expect(relativeGap(await gap[0]!.data(), await gap[1]!.data())).toBeLessThan(1e-4)
    tf.dispose(gap)

    const network = new ContrastiveNetwork(
      [8, 8, 1],
      resolveContrastiveOptions({ hiddenUnits: [32], featureSize: 16, headUnits: [16], seed: 3 }),
    )
    const [manual, automatic] = tf.tidy(() => {
      const x = tf.tensor2d(digits.images.data.slice(0, 12 * 64), [12, 64])
      const { gradients } = network.lossAndGradients(x)
      const { grads } = tf.variableGrads(
        () => network.lossAndGradients(x).terms.loss,
        network.variables(),
      )
      return [
        tf.concat(gradients.map((g) => tf.reshape(g, [-1]))),
        tf.concat(network.variables().map((v) => tf.reshape(grads[v.name] as tf.Tensor, [-1]))),
      ]
    })
    expect(relativeGap(await manual!.data(), await automatic!.data())).toBeLessThan(1e-3)
    tf.dispose([manual!, automatic!])
    network.dispose()
  })
})

describe('augmentations', () => {
  const source = digits.images.data

  test('all off, a view is the image itself; the same seed gives the same views, another seed others', () => {
    const off = resolveAugmentations(ALL_OFF, 8, 8)
    const out = new Float32Array(64)
    augmentImage(source, 64 * 5, out, 0, DIGIT, off, createRandom(1))
    expect(Array.from(out)).toEqual(Array.from(source.subarray(320, 384)))

    const on = resolveAugmentations({ rotation: true, scale: true, noise: true }, 8, 8)
    const rows = [0, 1, 2, 3]
    const a = augmentBatch(source, rows, DIGIT, on, createRandom(7))
    const b = augmentBatch(source, rows, DIGIT, on, createRandom(7))
    const c = augmentBatch(source, rows, DIGIT, on, createRandom(8))
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(relativeGap(a, c)).toBeGreaterThan(0.05)
    // The two views of an image differ from each other.
    expect(relativeGap(a.subarray(0, 64), a.subarray(4 * 64, 5 * 64))).toBeGreaterThan(0.05)
  })

  test('views stay in [0, 1] for data in [0, 1], whatever the strengths', () => {
    const strong = resolveAugmentations(
      {
        rotation: { degrees: 90 },
        scale: { min: 0.5, max: 2 },
        noise: { std: 0.5 },
        brightness: { delta: 0.8 },
        contrast: { min: 0, max: 3 },
      },
      8,
      8,
    )
    const views = augmentBatch(source, [...Array(100).keys()], DIGIT, strong, createRandom(2))
    expect(Math.min(...views)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...views)).toBeLessThanOrEqual(1)
    expect(views.every(Number.isFinite)).toBe(true)
  })

  test('each change does what it says: cutout zeroes a square, a whole-image crop is the image, a small crop magnifies', () => {
    const image = new Float32Array(64).fill(1)
    const cut = resolveAugmentations({ ...ALL_OFF, cutout: { size: 3, probability: 1 } }, 8, 8)
    const out = new Float32Array(64)
    augmentImage(image, 0, out, 0, DIGIT, cut, createRandom(4))
    const zeros = out.filter((v) => v === 0).length
    expect(zeros).toBeGreaterThan(0)
    expect(zeros).toBeLessThanOrEqual(9)

    const crop = resolveAugmentations({ ...ALL_OFF, crop: { minSize: 8, maxSize: 8 } }, 8, 8)
    augmentImage(source, 0, out, 0, DIGIT, crop, createRandom(5))
    for (let i = 0; i < 64; i++) expect(out[i]).toBeCloseTo(source[i] as number, 5)

    // A 4-pixel crop magnifies: the view's mass comes from a quarter of the image.
    const small = resolveAugmentations({ ...ALL_OFF, crop: { minSize: 4, maxSize: 4 } }, 8, 8)
    augmentImage(image, 0, out, 0, DIGIT, small, createRandom(6))
    expect(Math.min(...out)).toBeCloseTo(1, 5)
  })
})

describe('Contrastive', () => {
  test('training lowers the loss and raises the pair accuracy on the digits, the same on a second run', async () => {
    const data = firstImages(512)
    const options: ContrastiveModelOptions = {
      hiddenUnits: [128],
      featureSize: 64,
      temperature: 0.2,
      seed: 2,
    }
    const runs = []
    for (let i = 0; i < 2; i++) {
      const model = new Contrastive(options)
      const points: { loss: number; pairAccuracy: number }[] = []
      await model.fit(
        data,
        { epochs: 12, batchSize: 128, learningRate: 0.003 },
        {
          onUpdate: (u) => points.push(...u.history),
        },
      )
      runs.push(points)
      model.dispose()
    }
    const points = runs[0] as { loss: number; pairAccuracy: number }[]
    expect(points).toHaveLength(48)
    const mean = (xs: typeof points, key: 'loss' | 'pairAccuracy'): number =>
      xs.reduce((s, p) => s + p[key], 0) / xs.length
    const first = points.slice(0, 4)
    const last = points.slice(-4)
    expect(mean(first, 'loss')).toBeGreaterThan(5)
    // Measured (CPU): loss 5.35 → 4.37, pair accuracy 0.050 → 0.114 (chance: 1 in 255).
    expect(mean(last, 'loss')).toBeLessThan(mean(first, 'loss') - 0.6)
    expect(mean(last, 'pairAccuracy')).toBeGreaterThan(2 * mean(first, 'pairAccuracy'))
    expect(mean(last, 'pairAccuracy')).toBeGreaterThan(0.09)
    expect(runs[1]).toEqual(runs[0])
  }, 120_000)

  test('its features give a better 10-labels-per-class linear probe than raw pixels, and leave no tensor behind', async () => {
    await switchBackend('wasm')
    try {
      const before = tf.memory().numTensors
      const model = new Contrastive({ temperature: 0.2, seed: 1 })
      const images = digits.images
      await model.fit(images, { epochs: 30, learningRate: 0.003 })
      const features = await model.encode(images)
      expect(features.shape).toEqual([1797, 128])
      const probe = { labelsPerClass: 10, seed: 0 }
      const learned = await fitLinearProbe(features, digits.labels, probe)
      const raw = await fitLinearProbe(
        { data: images.data, shape: [1797, 64] },
        digits.labels,
        probe,
      )
      // Measured (WASM, 30 epochs): 0.861 against 0.838 for raw pixels (longer training: see the bench).
      expect(learned.accuracy).toBeGreaterThan(raw.accuracy + 0.01)
      const pairs = model.augmentPairs(images, 6, 3)
      expect(pairs.first.shape).toEqual([6, 8, 8, 1])
      model.dispose()
      expect(tf.memory().numTensors).toBe(before)
    } finally {
      await switchBackend('cpu')
    }
  }, 300_000)

  test('bad input: typed errors, and a refused fit leaves the model untrained', async () => {
    expect(await codeOf(() => new Contrastive({ temperature: 0 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Contrastive({ temperature: -1 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Contrastive({ temperature: NaN }))).toBe('INVALID_OPTION')
    expect(
      await codeOf(() => new Contrastive({ augment: { blur: true } as unknown as object })),
    ).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Contrastive({ augment: { cutout: { probability: 2 } } }))).toBe(
      'INVALID_OPTION',
    )
    expect(await codeOf(() => new Contrastive({ augment: { scale: { min: 2, max: 1 } } }))).toBe(
      'INVALID_OPTION',
    )
    const model = new Contrastive({ augment: { crop: { minSize: 4, maxSize: 9 } } })
    expect(await codeOf(() => model.fit(firstImages(32), { epochs: 1 }))).toBe('INVALID_OPTION')
    expect(model.isTrained).toBe(false)
    const ok = new Contrastive()
    expect(await codeOf(() => ok.fit(firstImages(32), { batchSize: 1 }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => ok.fit(firstImages(1), { epochs: 1 }))).toBe('INVALID_INPUT')
    expect(await codeOf(() => ok.encode(firstImages(2)))).toBe('NOT_TRAINED')
    ok.dispose()
    model.dispose()
  })
})
