/**
 * The pretext family's fused WebAssembly step (dense encoder over every view, task head, softmax
 * cross-entropy, backward, Adam) against TF.js: loss, task accuracy and gradients against
 * `tf.variableGrads` of the TF.js loss for each task, Adam steps against `tf.train.adam`, and
 * `Pretext.fit` with the fused kernels on and off.
 */
import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { Pretext } from '../../src/core/pretext/engine/pretext'
import { PretextNetwork } from '../../src/core/pretext/engine/pretextNetwork'
import { FusedPretextTrainer } from '../../src/core/pretext/engine/fusedPretextTrainer'
import {
  resolvePretextOptions,
  type PretextModelOptions,
} from '../../src/core/pretext/pretextOptions'
import {
  exampleViews,
  makeExamples,
  resolveTaskOptions,
  taskLayout,
} from '../../src/core/pretext/pretextTasks'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images

async function setup(
  build: 'simd' | 'relaxed-simd',
  options: PretextModelOptions,
  maxExamples: number,
) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveTaskOptions(resolvePretextOptions({ seed: 5, ...options }), [8, 8, 1])
  const layout = taskLayout(resolved, [8, 8, 1])
  const network = new PretextNetwork(layout, resolved)
  const fused = new FusedPretextTrainer(
    new KernelMemory(compiled),
    layout,
    network.viewSize,
    resolved,
    maxExamples,
  )
  return { network, fused, layout }
}

/** A batch of `n` examples of the task, seeded. */
function batchOf(layout: ReturnType<typeof taskLayout>, n: number, seed: number) {
  const random = createRandom(seed)
  const rows = Int32Array.from({ length: n }, () => random.int(digits.shape[0]))
  const { inputs, targets } = makeExamples(digits.data, rows, layout, random)
  return { views: exampleViews(inputs, n, layout), targets }
}

const flat = (arrays: ArrayLike<number>[]): Float32Array =>
  Float32Array.from(arrays.flatMap((a) => Array.from(a)))

const SMALL = { hiddenUnits: [40], featureSize: 12, headUnits: [24] }

describe.each(['simd', 'relaxed-simd'] as const)('fused pretext step (%s build)', (build) => {
  test.each([
    ['rotation, 16 examples', { task: 'rotation', ...SMALL }, 16],
    ['jigsaw 2×2, 9 examples (odd)', { task: 'jigsaw', grid: 2, ...SMALL }, 9],
    [
      'relative position, 5 examples (odd), no hidden layers',
      { task: 'relativePosition', hiddenUnits: [], featureSize: 10, headUnits: [] },
      5,
    ],
    [
      'rotation, two hidden layers each, 31 examples',
      { task: 'rotation', hiddenUnits: [32, 24], featureSize: 16, headUnits: [20, 12] },
      31,
    ],
  ] as [string, PretextModelOptions, number][])(
    'loss, task accuracy and gradients equal TF.js automatic differentiation (%s)',
    async (_, options, n) => {
      const baseline = tf.memory().numTensors
      const { network, fused, layout } = await setup(build, options, 32)
      const batch = batchOf(layout, n, n)
      const ours = fused.gradients(network.variables(), batch)
      const reference = tf.tidy(() => {
        const x = tf.tensor2d(batch.views, [n * layout.views, network.viewSize])
        const t = tf.tensor1d(batch.targets, 'int32')
        const accuracy = network.lossAndGradients(x, t).terms.accuracy
        const { value, grads } = tf.variableGrads(
          () => network.lossAndGradients(x, t).terms.loss,
          network.variables(),
        )
        return [value, accuracy, ...network.variables().map((v) => grads[v.name] as tf.Tensor)]
      })
      const [loss, accuracy, ...grads] = reference
      const expected = (loss as tf.Tensor).dataSync()[0] as number
      expect(Math.abs(ours.loss.loss - expected) / expected).toBeLessThan(1e-5)
      expect(ours.loss.accuracy).toBeCloseTo((accuracy as tf.Tensor).dataSync()[0] as number, 6)
      expect(relativeGap(flat(ours.gradients), flat(grads.map((g) => g.dataSync())))).toBeLessThan(
        1e-4,
      )
      ours.gradients.forEach((gradient, i) => {
        expect(relativeGap(gradient, (grads[i] as tf.Tensor).dataSync())).toBeLessThan(1e-4)
      })
      tf.dispose(reference)
      network.dispose()
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )

  test('three Adam steps move the weights as tf.train.adam does (jigsaw, batch 12, then 7)', async () => {
    const options: PretextModelOptions = { task: 'jigsaw', grid: 2, ...SMALL }
    const a = await setup(build, options, 12)
    const b = await setup(build, options, 12)
    const optimizer = tf.train.adam(0.01)
    for (const [n, seed] of [
      [12, 1],
      [12, 2],
      [7, 3],
    ] as const) {
      const batch = batchOf(a.layout, n, seed)
      a.fused.step(a.network.variables(), batch, 0.01)
      tf.tidy(() => {
        const { gradients } = b.network.lossAndGradients(
          tf.tensor2d(batch.views, [n * b.layout.views, b.network.viewSize]),
          tf.tensor1d(batch.targets, 'int32'),
        )
        applyGradientList(optimizer, b.network.variables(), gradients)
      })
    }
    const weights = (network: PretextNetwork) =>
      Float32Array.from(network.variables().flatMap((v) => Array.from(v.dataSync())))
    const initial = await setup(build, options, 12)
    expect(relativeGap(weights(a.network), weights(initial.network))).toBeGreaterThan(1e-2)
    expect(relativeGap(weights(a.network), weights(b.network))).toBeLessThan(1e-4)
    optimizer.dispose()
    for (const network of [a.network, b.network, initial.network]) network.dispose()
  })
})

test('Pretext.fit on WASM: fused and TF.js steps train the same model; a convolutional encoder stays on TF.js', async () => {
  const baseline = tf.memory().numTensors
  const images: ImageBatch = { data: digits.data.slice(0, 100 * 64), shape: [100, 8, 8, 1] }
  const runs: { loss: number[]; kernels: string[] }[] = []
  for (const fusedKernels of [true, false]) {
    const model = new Pretext({ task: 'rotation', ...SMALL, seed: 3 })
    const run = { loss: [] as number[], kernels: [] as string[] }
    await model.fit(
      images,
      { epochs: 3, batchSize: 32, learningRate: 0.003, fusedKernels },
      {
        onUpdate: (u) => {
          run.kernels.push(u.progress.kernels)
          for (const point of u.history) run.loss.push(point.loss)
        },
      },
    )
    runs.push(run)
    model.dispose()
  }
  const [fused, plain] = runs as [(typeof runs)[0], (typeof runs)[0]]
  expect(fused.kernels.at(-1)).toMatch(/^wasm-/)
  expect(plain.kernels.at(-1)).toBe('tfjs')
  expect(fused.loss.length).toBe(12)
  expect(relativeGap(fused.loss, plain.loss)).toBeLessThan(1e-3)
  expect(fused.loss.at(-1)).toBeLessThan(fused.loss[0] as number)
  const conv = new Pretext({
    task: 'rotation',
    architecture: 'convolutional',
    featureSize: 8,
    seed: 3,
  })
  const kernels: string[] = []
  await conv.fit(
    images,
    { epochs: 1, batchSize: 50 },
    { onUpdate: (u) => kernels.push(u.progress.kernels) },
  )
  expect(kernels.at(-1)).toBe('tfjs')
  conv.dispose()
  expect(tf.memory().numTensors).toBe(baseline)
})
