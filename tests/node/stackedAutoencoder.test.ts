/**
 * Stacked autoencoders (the autoencoder family's `stacked` option): greedy layer-wise pretraining in
 * order, each layer's loss falling while the layers below stay frozen, fine-tuning that improves on
 * pretraining alone, per-layer codes, the fused layer-pair step against TF.js, typed errors, no
 * leaked tensors, and a snapshot taken mid-pretraining that goes on where it stopped.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { AutoencoderNetwork } from '../../src/core/autoencoder/engine/autoencoderNetwork'
import { FusedLayerPairTrainer } from '../../src/core/autoencoder/engine/fusedLayerPairTrainer'
import {
  resolveAutoencoderOptions,
  validateAutoencoderModelOptions,
  type AutoencoderModelOptions,
} from '../../src/core/autoencoder/autoencoderOptions'
import type { AutoencoderHistoryPoint } from '../../src/core/autoencoder/autoencoderSpec'
import { stackedSegment } from '../../src/core/autoencoder/stackedOptions'
import { layerVariables } from '../../src/core/engine/dense'
import type { LatentkitError } from '../../src/core/errors'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import type { ImageBatch } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

const digits = loadDigits({ limit: 256 }).images
const STACKED: AutoencoderModelOptions = {
  hiddenUnits: [32, 16],
  codeSize: 8,
  seed: 3,
  stacked: { pretrainEpochs: 3 },
}

/** Trains `model` for `epochs` epochs and returns every history point. */
async function history(
  model: Autoencoder,
  epochs: number,
  data: ImageBatch = digits,
): Promise<AutoencoderHistoryPoint[]> {
  const points: AutoencoderHistoryPoint[] = []
  await model.fit(
    data,
    { epochs, batchSize: 32, learningRate: 0.01 },
    { onUpdate: (update) => points.push(...update.history) },
  )
  return points
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

function thrown(run: () => unknown): LatentkitError {
  try {
    run()
  } catch (error) {
    return error as LatentkitError
  }
  throw new Error('expected a typed error')
}

describe('stacked autoencoder on the CPU backend', () => {
  beforeAll(() => switchBackend('cpu'))

  test('the schedule: layer 1, layer 2, …, then fine-tuning for ever', () => {
    const phases = [0, 1, 2, 3, 5, 6, 9, 100].map((done) => stackedSegment(done, 3, 3).phase)
    expect(phases).toEqual([
      'layer 1',
      'layer 1',
      'layer 1',
      'layer 2',
      'layer 2',
      'layer 3',
      'fine-tune',
      'fine-tune',
    ])
  })

  test('pretrains greedily in order (each layer its epochs, its loss falling), then fine-tunes', async () => {
    const baseline = tf.memory().numTensors
    const model = new Autoencoder(STACKED)
    const points = await history(model, 11)
    const phases = points.map((p) => p.phase)
    // Distinct phases in the order they came, each over whole epochs.
    expect([...new Set(phases)]).toEqual(['layer 1', 'layer 2', 'layer 3', 'fine-tune'])
    for (const [i, phase] of ['layer 1', 'layer 2', 'layer 3'].entries()) {
      const ofPhase = points.filter((p) => p.phase === phase)
      expect([...new Set(ofPhase.map((p) => p.epoch))]).toEqual([3 * i + 1, 3 * i + 2, 3 * i + 3])
      const first = mean(ofPhase.filter((p) => p.epoch === 3 * i + 1).map((p) => p.loss))
      const last = mean(ofPhase.filter((p) => p.epoch === 3 * i + 3).map((p) => p.loss))
      expect(last).toBeLessThan(0.8 * first)
    }
    expect(new Set(points.filter((p) => p.phase === 'fine-tune').map((p) => p.epoch))).toEqual(
      new Set([10, 11]),
    )
    expect(model.phase).toBe('fine-tune')
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('pretraining a layer leaves the layers below as they were', async () => {
    const model = new Autoencoder(STACKED)
    await history(model, 3)
    expect(model.phase).toBe('layer 2')
    const before = (await model.snapshot({ training: false })).weightData
    await history(model, 3)
    const after = (await model.snapshot({ training: false })).weightData
    // The first encoder layer (64 × 32 kernel, 32 biases) is the first in the weights.
    const firstLayer = (64 * 32 + 32) * 4
    expect(new Uint8Array(after.slice(0, firstLayer))).toEqual(
      new Uint8Array(before.slice(0, firstLayer)),
    )
    expect(new Uint8Array(after)).not.toEqual(new Uint8Array(before))
    model.dispose()
  })

  test('fine-tuning after pretraining rebuilds the digits better than pretraining alone', async () => {
    const model = new Autoencoder(STACKED)
    await history(model, 9)
    const pretrained = (await model.evaluate(digits)).meanSquaredError
    const points = await history(model, 6)
    expect(points.every((p) => p.phase === 'fine-tune')).toBe(true)
    const fineTuned = (await model.evaluate(digits)).meanSquaredError
    expect(fineTuned).toBeLessThan(0.8 * pretrained)
    model.dispose()
  })

  test('encodeLayer gives each layer its activations; the last is the code', async () => {
    const model = new Autoencoder(STACKED)
    await history(model, 10)
    const probe: ImageBatch = { data: digits.data.slice(0, 5 * 64), shape: [5, 8, 8, 1] }
    const first = await model.encodeLayer(probe, 1)
    const second = await model.encodeLayer(probe, 2)
    const code = await model.encodeLayer(probe, 3)
    expect(first.shape).toEqual([5, 32])
    expect(second.shape).toEqual([5, 16])
    expect(first.data.every((v) => v >= 0)).toBe(true) // ReLU
    expect(code).toEqual(await model.encode(probe))
    for (const layer of [0, 4, 1.5]) {
      const error = await model.encodeLayer(probe, layer).catch((e: LatentkitError) => e)
      expect((error as LatentkitError).code).toBe('INVALID_OPTION')
    }
    model.dispose()
  })

  test('a snapshot mid-pretraining restores the phase and the epochs still to run', async () => {
    const model = new Autoencoder(STACKED)
    await history(model, 4)
    const snapshot = await model.snapshot()
    model.dispose()
    const restored = new Autoencoder(STACKED)
    restored.restore(snapshot)
    expect(restored.phase).toBe('layer 2')
    const points = await history(restored, 3)
    expect(points.map((p) => p.phase)).toEqual([
      ...Array<string>(16).fill('layer 2'),
      ...Array<string>(8).fill('layer 3'),
    ])
    restored.dispose()
  })

  test('restored after the last layer, fine-tuning goes on exactly as without the snapshot', async () => {
    const options: AutoencoderModelOptions = { ...STACKED, stacked: { pretrainEpochs: 1 } }
    const straight = new Autoencoder(options)
    const all = await history(straight, 4)
    const first = new Autoencoder(options)
    await history(first, 3)
    const restored = new Autoencoder(options)
    restored.restore(structuredClone(await first.snapshot()))
    first.dispose()
    const rest = await history(restored, 1)
    expect(rest.every((p) => p.phase === 'fine-tune')).toBe(true)
    expect(rest).toEqual(all.slice(all.length - rest.length))
    const weights = async (model: Autoencoder) =>
      new Uint8Array((await model.snapshot({ training: false })).weightData)
    expect(await weights(restored)).toEqual(await weights(straight))
    straight.dispose()
    restored.dispose()
  })

  test('bad options are INVALID_OPTION naming the option, before anything is built', () => {
    const cases: [AutoencoderModelOptions, string][] = [
      [{ architecture: 'conv', stacked: {} }, 'stacked'],
      [{ kind: 'linear', stacked: {} }, 'stacked'],
      [{ hiddenUnits: [], stacked: {} }, 'hiddenUnits'],
      [{ stacked: { pretrainEpochs: 0 } }, 'stacked.pretrainEpochs'],
      [{ stacked: { pretrainEpochs: 1.5 } }, 'stacked.pretrainEpochs'],
      [{ stacked: { noise: 1 } }, 'stacked.noise'],
      [{ stacked: { noise: -0.1, corruption: 'gaussian' } }, 'stacked.noise'],
      [{ stacked: { noise: Number.NaN } }, 'stacked.noise'],
      [{ stacked: { corruption: 'salt' as 'mask' } }, 'stacked.corruption'],
      [{ stacked: 5 as unknown as AutoencoderModelOptions['stacked'] }, 'stacked'],
      [{ stacked: { epochs: 3 } as AutoencoderModelOptions['stacked'] }, 'stacked'],
    ]
    for (const [options, option] of cases) {
      const error = thrown(() => validateAutoencoderModelOptions(options))
      expect(error.code, JSON.stringify(options)).toBe('INVALID_OPTION')
      expect(error.details.option).toBe(option)
      expect(thrown(() => new Autoencoder(options)).code).toBe('INVALID_OPTION')
    }
    // Gaussian noise may exceed 1.
    expect(() =>
      validateAutoencoderModelOptions({ stacked: { noise: 1.5, corruption: 'gaussian' } }),
    ).not.toThrow()
  })
})

/** `activation(t)` for the activations a stacked autoencoder uses. */
const act = (activation: string, t: tf.Tensor): tf.Tensor =>
  activation === 'relu' ? tf.relu(t) : activation === 'sigmoid' ? tf.sigmoid(t) : t
const dense = (x: tf.Tensor, layer: { kernel: tf.Variable; bias: tf.Variable }): tf.Tensor =>
  tf.add(tf.matMul(x as tf.Tensor2D, layer.kernel as tf.Tensor2D), layer.bias)

describe('stacked autoencoder on WASM (fused kernels)', () => {
  beforeAll(() => switchBackend('wasm'))
  afterAll(() => switchBackend('cpu'))

  test.each([
    ['first layer (ReLU code, sigmoid output)', 0],
    ['top layer (linear code, ReLU output)', 1],
  ])('the fused layer-pair step equals TF.js automatic differentiation: %s', async (_, layer) => {
    const compiled = await compileKernelBuild('simd')
    if (!compiled) throw new Error('no simd build here')
    const options = resolveAutoencoderOptions({ hiddenUnits: [24], codeSize: 6, seed: 5 }, 64)
    const network = new AutoencoderNetwork(64, options, 'sigmoid')
    const { encoder, decoder } = network.greedyPair(layer)
    const inputs = network.layerUnits(layer - 1)
    const units = network.layerUnits(layer)
    const fused = new FusedLayerPairTrainer(
      new KernelMemory(compiled),
      inputs,
      units,
      encoder.activation,
      decoder.activation,
      16,
    )
    const rows = tf.tidy(() =>
      network.encodeLayers(tf.tensor2d(digits.data.slice(0, 16 * 64), [16, 64]), layer),
    )
    const clean = (await rows.data()) as Float32Array
    rows.dispose()
    const input = clean.map((v, i) => (i % 3 === 0 ? 0 : v))
    const variables = layerVariables([encoder, decoder])
    const ours = fused.gradients(variables, { input, clean })
    const reference = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const code = act(encoder.activation, dense(tf.tensor2d(input, [16, inputs]), encoder))
        const out = act(decoder.activation, dense(code, decoder))
        const error = tf.sub(out, tf.tensor2d(clean, [16, inputs]))
        return tf.div(tf.sum(tf.square(error)), 16) as tf.Scalar
      }, variables)
      return [value, ...variables.map((v) => grads[v.name] as tf.Tensor)]
    })
    const [loss, ...grads] = reference
    const expected = (loss as tf.Tensor).dataSync()[0] as number
    expect(Math.abs(ours.loss.loss - expected) / expected).toBeLessThan(1e-5)
    const flat = (arrays: ArrayLike<number>[]) =>
      Float32Array.from(arrays.flatMap((a) => Array.from(a)))
    expect(relativeGap(flat(ours.gradients), flat(grads.map((g) => g.dataSync())))).toBeLessThan(
      1e-5,
    )
    tf.dispose(reference)
    network.dispose()
  })

  test('every phase runs in the fused kernels, and nothing leaks', async () => {
    const baseline = tf.memory().numTensors
    const model = new Autoencoder({ ...STACKED, stacked: { pretrainEpochs: 1, noise: 0.2 } })
    const kernels: string[] = []
    const points: AutoencoderHistoryPoint[] = []
    await model.fit(
      digits,
      { epochs: 4, batchSize: 32 },
      {
        onUpdate: (update) => {
          kernels.push(update.progress.kernels)
          points.push(...update.history)
        },
      },
    )
    expect(kernels.every((k) => k.startsWith('wasm-'))).toBe(true)
    expect([...new Set(points.map((p) => p.phase))]).toEqual([
      'layer 1',
      'layer 2',
      'layer 3',
      'fine-tune',
    ])
    model.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })
})
