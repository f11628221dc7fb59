/**
 * The contrastive family's fused WebAssembly step (encoder, projection head, NT-Xent, backward,
 * Adam) against TF.js: loss, pair accuracy and gradients against `tf.variableGrads` of the TF.js
 * loss, Adam steps against `tf.train.adam`, and `Contrastive.fit` with the fused kernels on and off.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { ContrastiveNetwork } from '../../src/core/contrastive/engine/contrastiveNetwork'
import { FusedContrastiveTrainer } from '../../src/core/contrastive/engine/fusedContrastiveTrainer'
import {
  resolveContrastiveOptions,
  type ContrastiveModelOptions,
} from '../../src/core/contrastive/contrastiveOptions'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images

/** Views of `n` digits: the digits, then noisy copies of them (`2n × 64` values). */
function viewsOf(n: number): Float32Array {
  const first = digits.data.slice(0, n * 64)
  const noise = createRandom(n).normals(first.length)
  const second = first.map((v, i) => v + 0.4 * (noise[i] as number))
  const views = new Float32Array(2 * n * 64)
  views.set(first)
  views.set(second, n * 64)
  return views
}

async function setup(
  build: 'simd' | 'relaxed-simd',
  options: ContrastiveModelOptions,
  maxRows: number,
) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveContrastiveOptions({ seed: 5, ...options })
  const network = new ContrastiveNetwork([8, 8, 1], resolved)
  const fused = new FusedContrastiveTrainer(new KernelMemory(compiled), 64, resolved, maxRows)
  return { network, fused }
}

const flat = (arrays: ArrayLike<number>[]): Float32Array =>
  Float32Array.from(arrays.flatMap((a) => Array.from(a)))

const SMALL: ContrastiveModelOptions = {
  hiddenUnits: [48],
  featureSize: 24,
  headUnits: [20],
  projectionSize: 12,
}

describe.each(['simd', 'relaxed-simd'] as const)('fused contrastive step (%s build)', (build) => {
  test.each([
    ['τ 0.5, 16 images', 0.5, 16, SMALL],
    ['τ 0.1, 7 images (odd)', 0.1, 7, SMALL],
    ['τ 1, 3 images (odd), no hidden layers', 1, 3, { ...SMALL, hiddenUnits: [], headUnits: [] }],
    [
      'τ 0.2, 33 images (odd), two hidden layers each',
      0.2,
      33,
      {
        hiddenUnits: [40, 32],
        featureSize: 16,
        headUnits: [16, 12],
        projectionSize: 8,
      },
    ],
  ] as [string, number, number, ContrastiveModelOptions][])(
    'loss, pair accuracy and gradients equal TF.js automatic differentiation (%s)',
    async (_, temperature, n, options) => {
      const baseline = tf.memory().numTensors
      const { network, fused } = await setup(build, { ...options, temperature }, 2 * 40)
      const views = viewsOf(n)
      const ours = fused.gradients(network.variables(), views)
      const reference = tf.tidy(() => {
        const x = tf.tensor2d(views, [2 * n, 64])
        const accuracy = network.lossAndGradients(x).terms.pairAccuracy
        const { value, grads } = tf.variableGrads(
          () => network.lossAndGradients(x).terms.loss,
          network.variables(),
        )
        return [value, accuracy, ...network.variables().map((v) => grads[v.name] as tf.Tensor)]
      })
      const [loss, accuracy, ...grads] = reference
      const expected = (loss as tf.Tensor).dataSync()[0] as number
      expect(Math.abs(ours.loss.loss - expected) / expected).toBeLessThan(1e-5)
      expect(ours.loss.pairAccuracy).toBeCloseTo((accuracy as tf.Tensor).dataSync()[0] as number, 6)
      expect(relativeGap(flat(ours.gradients), flat(grads.map((g) => g.dataSync())))).toBeLessThan(
        1e-4,
      )
      // Every layer's gradient agrees on its own, not only the largest.
      ours.gradients.forEach((gradient, i) => {
        expect(relativeGap(gradient, (grads[i] as tf.Tensor).dataSync())).toBeLessThan(1e-4)
      })
      tf.dispose(reference)
      network.dispose()
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )

  test('three Adam steps move the weights as tf.train.adam does (batch 9, then 5)', async () => {
    const options = { ...SMALL, temperature: 0.3 }
    const a = await setup(build, options, 18)
    const b = await setup(build, options, 18)
    const optimizer = tf.train.adam(0.01)
    for (const n of [9, 9, 5]) {
      const views = viewsOf(n)
      a.fused.step(a.network.variables(), views, 0.01)
      tf.tidy(() => {
        const { gradients } = b.network.lossAndGradients(tf.tensor2d(views, [2 * n, 64]))
        applyGradientList(optimizer, b.network.variables(), gradients)
      })
    }
    const weights = (network: ContrastiveNetwork) =>
      Float32Array.from(network.variables().flatMap((v) => Array.from(v.dataSync())))
    const initial = await setup(build, options, 18)
    expect(relativeGap(weights(a.network), weights(initial.network))).toBeGreaterThan(1e-2)
    expect(relativeGap(weights(a.network), weights(b.network))).toBeLessThan(1e-4)
    optimizer.dispose()
    for (const network of [a.network, b.network, initial.network]) network.dispose()
  })
})

test('Contrastive.fit on WASM: fused and TF.js steps train the same model, tensors back to baseline', async () => {
  const baseline = tf.memory().numTensors
  const images = { data: digits.data.slice(0, 200 * 64), shape: [200, 8, 8, 1] } as const
  const runs: { loss: number[]; pairAccuracy: number[]; kernels: string[] }[] = []
  for (const fusedKernels of [true, false]) {
    const model = new Contrastive({ ...SMALL, temperature: 0.5, seed: 3 })
    const run = { loss: [] as number[], pairAccuracy: [] as number[], kernels: [] as string[] }
    await model.fit(
      { data: images.data, shape: [...images.shape] },
      { epochs: 3, batchSize: 64, learningRate: 0.003, fusedKernels },
      {
        onUpdate: (u) => {
          run.kernels.push(u.progress.kernels)
          for (const point of u.history) {
            run.loss.push(point.loss)
            run.pairAccuracy.push(point.pairAccuracy)
          }
        },
      },
    )
    runs.push(run)
    model.dispose()
  }
  const [fused, plain] = runs as [(typeof runs)[0], (typeof runs)[0]]
  expect(fused.kernels.at(-1)).toMatch(/^wasm-/)
  expect(plain.kernels.at(-1)).toBe('tfjs')
  // 4 steps per epoch (the last of 8 images), 3 epochs.
  expect(fused.loss.length).toBe(12)
  expect(plain.loss.length).toBe(12)
  expect(relativeGap(fused.loss, plain.loss)).toBeLessThan(1e-3)
  expect(fused.loss.at(-1)).toBeLessThan(fused.loss[0] as number)
  // The pair accuracy is a count over the batch: at most one view's top-1 may flip on a near tie.
  fused.pairAccuracy.forEach((accuracy, i) => {
    expect(Math.abs(accuracy - (plain.pairAccuracy[i] as number))).toBeLessThanOrEqual(
      1 / 16 + 1e-9,
    )
  })
  expect(tf.memory().numTensors).toBe(baseline)
})

test('on the CPU backend fusedKernels changes nothing: the step runs as TF.js operations', async () => {
  await switchBackend('cpu')
  try {
    const model = new Contrastive({ ...SMALL, seed: 3 })
    const kernels: string[] = []
    await model.fit(
      { data: digits.data.slice(0, 32 * 64), shape: [32, 8, 8, 1] },
      { epochs: 1, batchSize: 16, fusedKernels: true },
      { onUpdate: (u) => kernels.push(u.progress.kernels) },
    )
    expect(kernels.at(-1)).toBe('tfjs')
    model.dispose()
  } finally {
    await switchBackend('wasm')
  }
})
