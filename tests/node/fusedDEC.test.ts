import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import { DEC } from '../../src/core/dec/engine/dec'
import { DECNetwork } from '../../src/core/dec/engine/decNetwork'
import { FusedDECTrainer } from '../../src/core/dec/engine/fusedDECTrainer'
import { resolveDECOptions, type DECModelOptions } from '../../src/core/dec/decOptions'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('wasm'))

const ROWS = 16
const digits = loadDigits()
const input = digits.images.data.slice(0, ROWS * 64)

/** A DEC network with centres away from zero and the fused trainer for it. */
async function setup(build: 'simd' | 'relaxed-simd', options: DECModelOptions) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveDECOptions({ clusters: 4, codeSize: 3, seed: 3, ...options })
  const network = new DECNetwork([8, 8, 1], resolved, 'sigmoid')
  tf.tidy(() => network.centres.assign(tf.randomNormal([4, 3], 0, 1, 'float32', 11)))
  const fused = new FusedDECTrainer(new KernelMemory(compiled), 64, resolved, 'sigmoid', ROWS)
  return { network, fused }
}

/** Targets P: random rows summing to 1. */
const targets = (() => {
  const random = createRandom(7)
  const p = Float32Array.from({ length: ROWS * 4 }, () => Math.exp(2 * random.normal()))
  for (let i = 0; i < ROWS; i++) {
    const row = p.subarray(i * 4, i * 4 + 4)
    const sum = row.reduce((a, b) => a + b, 0)
    row.forEach((v, j) => (row[j] = v / sum))
  }
  return p
})()

const flat = (arrays: ArrayLike<number>[]): Float32Array =>
  Float32Array.from(arrays.flatMap((a) => Array.from(a)))

const CASES: [string, DECModelOptions][] = [
  ['DEC', { hiddenUnits: [32, 16] }],
  ['IDEC (reconstruction through the decoder)', { hiddenUnits: [32, 16], idec: true }],
  ['IDEC, weight 2, one hidden layer', { hiddenUnits: [12], idec: true, reconstructionWeight: 2 }],
]

describe.each(['simd', 'relaxed-simd'] as const)(
  'fused DEC refinement step (%s build)',
  (build) => {
    test.each(CASES)('loss terms and gradients equal tf.variableGrads (%s)', async (_, options) => {
      const baseline = tf.memory().numTensors
      const { network, fused } = await setup(build, options)
      const ours = fused.gradients(network, { input, targets })
      // The products fed by ReLU outputs and images summed only their nonzero entries.
      expect(fused.products.paired).toBeGreaterThan(0)
      const variables = network.refineVariables()
      const reference = tf.tidy(() => {
        const x = tf.tensor2d(input, [ROWS, 64])
        const p = tf.tensor2d(targets, [ROWS, 4])
        const { value, grads } = tf.variableGrads(() => {
          const { terms } = network.refineLossAndGradients(x, p)
          return terms.total
        }, variables)
        const { terms } = network.refineLossAndGradients(x, p)
        return [
          value,
          terms.clustering,
          terms.reconstruction,
          ...variables.map((v) => grads[v.name] as tf.Tensor),
        ]
      })
      const [total, clustering, reconstruction, ...grads] = reference.map((t) => t.dataSync())
      const scalar = (values: ArrayLike<number> | undefined) =>
        (values as ArrayLike<number>)[0] as number
      expect(Math.abs(ours.loss.total - scalar(total)) / scalar(total)).toBeLessThan(1e-4)
      expect(Math.abs(ours.loss.clustering - scalar(clustering)) / scalar(clustering)).toBeLessThan(
        1e-4,
      )
      expect(
        Math.abs(ours.loss.reconstruction - scalar(reconstruction)) / scalar(reconstruction),
      ).toBeLessThan(1e-4)
      expect(ours.gradients.map((g) => g.length)).toEqual(variables.map((v) => v.size))
      expect(relativeGap(flat(ours.gradients), flat(grads as ArrayLike<number>[]))).toBeLessThan(
        1e-4,
      )
      tf.dispose(reference)
      network.dispose()
      expect(tf.memory().numTensors).toBe(baseline)
    })

    test.each(CASES)(
      'three steps move the weights as tf.train.adam does (%s)',
      async (_, options) => {
        const a = await setup(build, options)
        const b = await setup(build, options)
        const optimizer = tf.train.adam(0.01)
        for (let step = 0; step < 3; step++) {
          a.fused.step(a.network, { input, targets }, 0.01)
          tf.tidy(() => {
            const x = tf.tensor2d(input, [ROWS, 64])
            const p = tf.tensor2d(targets, [ROWS, 4])
            const { gradients } = b.network.refineLossAndGradients(x, p)
            applyGradientList(optimizer, b.network.refineVariables(), gradients)
          })
        }
        const weights = (network: DECNetwork) =>
          Float32Array.from(network.weights().flatMap((v) => Array.from(v.dataSync())))
        const initial = await setup(build, options)
        expect(relativeGap(weights(a.network), weights(initial.network))).toBeGreaterThan(1e-3)
        expect(relativeGap(weights(a.network), weights(b.network))).toBeLessThan(1e-4)
        optimizer.dispose()
        for (const network of [a.network, b.network, initial.network]) network.dispose()
      },
    )
  },
)

test('DEC.fit on WASM: fused and TF.js refinement train the same model, tensors back to baseline', async () => {
  const baseline = tf.memory().numTensors
  const results: { kernels: string; accuracy: number; centres: Float32Array }[] = []
  for (const fusedKernels of [true, false]) {
    const model = new DEC({ clusters: 10, hiddenUnits: [32], codeSize: 6, seed: 2, idec: true })
    let kernels = ''
    const result = await model.fit(
      digits.images,
      {
        epochs: 2,
        refineSteps: 14,
        updateInterval: 7,
        kmeansRuns: 2,
        fusedKernels,
        labels: digits.labels,
      },
      { updateIntervalMs: 0, onUpdate: (u) => (kernels = u.progress.kernels) },
    )
    results.push({
      kernels,
      accuracy: result.last?.accuracy ?? NaN,
      centres: (await model.centres()).data,
    })
    model.dispose()
  }
  const [fused, tfjs] = results as [(typeof results)[0], (typeof results)[0]]
  expect(fused.kernels).toMatch(/^wasm-/)
  expect(tfjs.kernels).toBe('tfjs')
  expect(Math.abs(fused.accuracy - tfjs.accuracy)).toBeLessThan(0.02)
  expect(relativeGap(fused.centres, tfjs.centres)).toBeLessThan(1e-3)
  expect(tf.memory().numTensors).toBe(baseline)
}, 120_000)

/** `setup`'s network and trainer (SIMD build), its decoder's variables, and TF.js's reconstruction loss. */
async function decoderFixture(options: DECModelOptions) {
  const { network, fused } = await setup('simd', options)
  const decoder = network.autoencoder
    .variables()
    .slice(network.autoencoder.encoderVariables().length)
  const reference = (): number =>
    tf.tidy(() => {
      const x = tf.tensor2d(input, [ROWS, 64])
      const p = tf.tensor2d(targets, [ROWS, 4])
      return network.refineLossAndGradients(x, p).terms.reconstruction.dataSync()[0] as number
    })
  return { network, fused, decoder, reference }
}

test('DEC: the fused step reads the decoder in once, and again after other code assigns it', async () => {
  const { network, fused, decoder, reference } = await decoderFixture({ hiddenUnits: [32, 16] })
  const reads = vi.spyOn(tf.Variable.prototype, 'dataSync')
  fused.step(network, { input, targets }, 0.001)
  const first = reads.mock.calls.length
  fused.step(network, { input, targets }, 0.001)
  fused.step(network, { input, targets }, 0.001)
  // The encoder and centres are written back each step and not read; the decoder is not read again.
  expect(reads.mock.calls.length).toBe(first)
  reads.mockRestore()
  const before = fused.gradients(network, { input, targets }).loss.reconstruction
  expect(Math.abs(before - reference()) / reference()).toBeLessThan(1e-4)
  tf.tidy(() => decoder.forEach((v) => v.assign(tf.mul(v, 1.5))))
  const after = fused.gradients(network, { input, targets }).loss.reconstruction
  expect(Math.abs(after - before) / before).toBeGreaterThan(1e-3)
  expect(Math.abs(after - reference()) / reference()).toBeLessThan(1e-4)
  network.dispose()
})

test('IDEC: decoder weights put back from before a step (as after a divergence) are read in again', async () => {
  const { network, fused, decoder, reference } = await decoderFixture({
    hiddenUnits: [32, 16],
    idec: true,
  })
  // Copies of the weights sharing their data (reshape keeps the data; WASM's clone copies it), a
  // step, and the copies put back as the training loop does after a divergence.
  const kept = decoder.map((v) => tf.reshape(v, v.shape))
  fused.step(network, { input, targets }, 0.05)
  decoder.forEach((v, i) => v.assign(kept[i] as tf.Tensor))
  tf.dispose(kept)
  const restored = fused.gradients(network, { input, targets }).loss.reconstruction
  expect(Math.abs(restored - reference()) / reference()).toBeLessThan(1e-4)
  network.dispose()
})
