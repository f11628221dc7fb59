import * as tf from '@tensorflow/tfjs-core'
// Only the gradient check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { ContrastiveNetwork } from '../../src/core/contrastive/engine/contrastiveNetwork'
import {
  resolveContrastiveOptions,
  type ContrastiveModelOptions,
} from '../../src/core/contrastive/contrastiveOptions'
import { loadDigits } from '../../src/data/digits'
import { generateSprites } from '../../src/data/sprites'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

const digits = loadDigits()

function firstImages(n: number): ImageBatch {
  return { data: digits.images.data.slice(0, n * 64), shape: [n, 8, 8, 1] }
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run()
  } catch (error) {
    return (error as LatentkitError).code
  }
  return undefined
}

const SMALL: ContrastiveModelOptions = {
  architecture: 'conv',
  convChannels: [4, 8],
  featureSize: 16,
  headUnits: [16],
  projectionSize: 8,
  seed: 3,
}

beforeAll(() => switchBackend('cpu'))

describe('convolutional contrastive encoder', () => {
  test('its explicit gradients match autodiff through the convolutions and the head', async () => {
    const network = new ContrastiveNetwork([8, 8, 1], resolveContrastiveOptions(SMALL))
    // Two 4×4 convolutions (kernel, bias), the dense layer to the features, then the head.
    expect(network.variables().map((v) => v.shape)).toEqual([
      [4, 4, 1, 4],
      [4],
      [4, 4, 4, 8],
      [8],
      [2 * 2 * 8, 16],
      [16],
      [16, 16],
      [16],
      [16, 8],
      [8],
    ])
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
    const manualValues = await manual!.data()
    expect(manualValues.every(Number.isFinite)).toBe(true)
    expect(relativeGap(manualValues, await automatic!.data())).toBeLessThan(1e-3)
    tf.dispose([manual!, automatic!])
    network.dispose()
  })

  test('training lowers the loss on the digits; encode gives the features (not the projections); no tensor left behind', async () => {
    const before = tf.memory().numTensors
    const model = new Contrastive({ ...SMALL, convChannels: [8, 16], temperature: 0.2 })
    const points: { loss: number; pairAccuracy: number }[] = []
    await model.fit(
      firstImages(256),
      { epochs: 8, batchSize: 128, learningRate: 0.01 },
      { onUpdate: (u) => points.push(...u.history) },
    )
    expect(points).toHaveLength(16)
    const mean = (xs: typeof points): number => xs.reduce((s, p) => s + p.loss, 0) / xs.length
    // Measured (CPU): 5.43 over the first 4 steps, 5.13 over the last 4.
    expect(mean(points.slice(-4))).toBeLessThan(mean(points.slice(0, 4)) - 0.15)
    const features = await model.encode(firstImages(5))
    expect(features.shape).toEqual([5, 16])
    // ReLU features: non-negative, and not all zero.
    expect(Array.from(features.data).every((v) => v >= 0)).toBe(true)
    expect(Array.from(features.data).some((v) => v > 0)).toBe(true)
    expect(model.resolvedOptions?.architecture).toBe('conv')
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  }, 120_000)

  test('28×28 sprites go through the same stack (7×7 after two stride-2 convolutions)', async () => {
    const sprites = generateSprites({ count: 24, seed: 1 }).images
    expect(sprites.shape).toEqual([24, 28, 28, 1])
    const model = new Contrastive(SMALL)
    await model.fit(sprites, { epochs: 1, batchSize: 12 })
    const features = await model.encode(sprites)
    expect(features.shape).toEqual([24, 16])
    expect(Array.from(features.data).every(Number.isFinite)).toBe(true)
    model.dispose()
  }, 120_000)

  test('bad input: typed errors, and a refused fit leaves the model untrained', async () => {
    expect(
      await codeOf(() => new Contrastive({ architecture: 'recurrent' as unknown as 'conv' })),
    ).toBe('INVALID_OPTION')
    expect(
      await codeOf(() => new Contrastive({ convChannels: [8] as unknown as [number, number] })),
    ).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Contrastive({ convChannels: [8, 0] }))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Contrastive({ convChannels: [8, 2.5] }))).toBe('INVALID_OPTION')
    const model = new Contrastive(SMALL)
    // 6×6 images: sides not multiples of 4, too small for the two stride-2 convolutions.
    const small: ImageBatch = { data: new Float32Array(8 * 36).fill(0.5), shape: [8, 6, 6, 1] }
    let message = ''
    try {
      await model.fit(small, { epochs: 1 })
    } catch (error) {
      expect((error as LatentkitError).code).toBe('SHAPE_MISMATCH')
      message = (error as Error).message
    }
    expect(message).toMatch(/multiples of 4; got 6×6.*architecture 'dense'/)
    expect(model.isTrained).toBe(false)
    // The same model still trains on images that fit.
    await model.fit(firstImages(16), { epochs: 1, batchSize: 8 })
    expect(model.isTrained).toBe(true)
    expect(await codeOf(() => model.encode(small))).toBe('SHAPE_MISMATCH')
    model.dispose()
  }, 60_000)

  test('a snapshot taken before `architecture` existed restores as a dense encoder', async () => {
    const model = new Contrastive({ hiddenUnits: [8], featureSize: 4, headUnits: [4], seed: 2 })
    await model.fit(firstImages(16), { epochs: 1, batchSize: 8 })
    const snapshot = await model.snapshot()
    const features = await model.encode(firstImages(3))
    const network = snapshot.network as { options: Record<string, unknown> }
    expect(network.options.architecture).toBe('dense')
    const older = { ...network.options }
    delete older.architecture
    delete older.convChannels
    const restored = new Contrastive({ hiddenUnits: [8], featureSize: 4, headUnits: [4], seed: 2 })
    restored.restore({ ...snapshot, network: { ...network, options: older } })
    expect(restored.resolvedOptions?.architecture).toBe('dense')
    expect((await restored.encode(firstImages(3))).data).toEqual(features.data)
    restored.dispose()
    model.dispose()
  }, 60_000)
})
