import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { ConvAutoencoderNetwork } from '../../src/core/autoencoder/engine/convAutoencoderNetwork'
import { FusedConvAutoencoderTrainer } from '../../src/core/autoencoder/engine/fusedConvAutoencoderTrainer'
import {
  resolveAutoencoderOptions,
  type AutoencoderModelOptions,
} from '../../src/core/autoencoder/autoencoderOptions'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { createRandom } from '../../src/core/random'
import { generateSprites } from '../../src/data/sprites'
import type { ImageShape } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

// The reference runs on TF.js's CPU backend (WASM has no Conv2DBackpropFilter for automatic
// differentiation); the fused trainer runs in its own WebAssembly memory either way.
beforeAll(() => switchBackend('cpu'))

const BATCH = 6
const SHAPE: ImageShape = [12, 8, 1]
const size = SHAPE[0] * SHAPE[1] * SHAPE[2]
const clean = generateSprites({ count: BATCH, size: 12, seed: 3 }).images.data

/** BATCH sprites cropped to 12×8 (sides multiples of 4, not square). */
function images(): Float32Array {
  const rows = new Float32Array(BATCH * size)
  for (let b = 0; b < BATCH; b++)
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 8; x++) rows[b * size + y * 8 + x] = clean[b * 144 + y * 12 + x + 2] ?? 0
  return rows
}
const target = images()

async function setup(
  build: 'simd' | 'relaxed-simd',
  options: AutoencoderModelOptions,
  output: 'sigmoid' | 'linear',
) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveAutoencoderOptions({ architecture: 'conv', seed: 7, ...options }, size)
  const network = new ConvAutoencoderNetwork(SHAPE, resolved, output)
  const fused = new FusedConvAutoencoderTrainer(
    new KernelMemory(compiled),
    SHAPE,
    resolved,
    output,
    BATCH,
  )
  return { network, fused }
}

function inputFor(noisy: boolean): Float32Array {
  if (!noisy) return target
  const noise = createRandom(4).normals(target.length)
  return target.map((v, i) => v + 0.3 * (noise[i] as number))
}

const flat = (arrays: ArrayLike<number>[]) =>
  Float32Array.from(arrays.flatMap((a) => Array.from(a)))

describe.each(['simd', 'relaxed-simd'] as const)(
  'fused conv autoencoder step (%s build)',
  (build) => {
    test.each([
      ['plain, sigmoid output', { codeSize: 5 }, 'sigmoid', false],
      ['sparse (L1 on the code)', { kind: 'sparse', sparsity: 0.3, codeSize: 6 }, 'sigmoid', false],
      [
        'denoising (noisy input, clean target)',
        { kind: 'denoising', codeSize: 5 },
        'sigmoid',
        true,
      ],
      ['linear output for data outside [0, 1]', { codeSize: 4 }, 'linear', true],
    ] as [string, AutoencoderModelOptions, 'sigmoid' | 'linear', boolean][])(
      'loss and gradients equal TF.js automatic differentiation (%s)',
      async (_, options, output, noisy) => {
        const { network, fused } = await setup(build, options, output)
        const input = inputFor(noisy)
        const ours = fused.gradients(network.variables(), { input, clean: target })
        const weight = options.kind === 'sparse' ? (options.sparsity ?? 0) : 0
        const reference = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => {
            // The loss written with TF.js operations only, differentiated automatically.
            const code = network.encode(tf.tensor2d(input, [BATCH, size]))
            const error = tf.sub(network.decode(code), tf.tensor2d(target, [BATCH, size]))
            const reconstruction = tf.div(tf.sum(tf.square(error)), BATCH)
            return tf.add(reconstruction, tf.mul(tf.div(tf.sum(tf.abs(code)), BATCH), weight))
          }, network.variables())
          return [value, ...network.variables().map((v) => grads[v.name] as tf.Tensor)]
        })
        const [loss, ...grads] = reference
        const expected = (loss as tf.Tensor).dataSync()[0] as number
        expect(Math.abs(ours.loss.loss - expected) / expected).toBeLessThan(1e-5)
        expect(
          relativeGap(flat(ours.gradients), flat(grads.map((g) => g.dataSync()))),
        ).toBeLessThan(1e-4)
        // Each variable on its own, so a small layer's gradient cannot hide behind a large one's.
        ours.gradients.forEach((g, i) =>
          expect(relativeGap(g, (grads[i] as tf.Tensor).dataSync())).toBeLessThan(1e-4),
        )
        tf.dispose(reference)
        network.dispose()
      },
    )

    test('three steps move the weights as tf.train.adam does after the explicit backward pass', async () => {
      const options: AutoencoderModelOptions = { codeSize: 6 }
      const a = await setup(build, options, 'sigmoid')
      const b = await setup(build, options, 'sigmoid')
      const optimizer = tf.train.adam(0.01)
      for (let step = 0; step < 3; step++) {
        a.fused.step(a.network.variables(), { input: target, clean: target }, 0.01)
        tf.tidy(() => {
          const x = tf.tensor2d(target, [BATCH, size])
          const { gradients } = b.network.lossAndGradients(x, x)
          applyGradientList(optimizer, b.network.variables(), gradients)
        })
      }
      const weights = (network: ConvAutoencoderNetwork) =>
        Float32Array.from(network.variables().flatMap((v) => Array.from(v.dataSync())))
      const initial = weights((await setup(build, options, 'sigmoid')).network)
      expect(relativeGap(weights(a.network), initial)).toBeGreaterThan(1e-2)
      expect(relativeGap(weights(a.network), weights(b.network))).toBeLessThan(1e-4)
      optimizer.dispose()
    })
  },
)

test('Autoencoder.fit (conv) on WASM: fused and TF.js steps train the same model, tensors back to baseline', async () => {
  await switchBackend('wasm')
  try {
    const data = generateSprites({ count: 128, size: 16, seed: 1 }).images
    const baseline = tf.memory().numTensors
    const losses: { first: number; last: number }[] = []
    const kernels: string[] = []
    for (const fusedKernels of [true, false]) {
      const model = new Autoencoder({ architecture: 'conv', codeSize: 8, seed: 2 })
      const firsts: number[] = []
      const result = await model.fit(
        data,
        { epochs: 2, batchSize: 32, fusedKernels },
        {
          onUpdate: (u) => {
            kernels.push(u.progress.kernels)
            firsts.push(...u.history.map((point) => point.loss))
          },
        },
      )
      losses.push({ first: firsts[0] ?? NaN, last: result.last?.loss ?? NaN })
      model.dispose()
    }
    expect(kernels.at(0)).toMatch(/^wasm-/)
    expect(kernels.at(-1)).toBe('tfjs')
    const [fused, plain] = losses as [
      { first: number; last: number },
      { first: number; last: number },
    ]
    expect(fused.last).toBeLessThan(fused.first)
    expect(Math.abs(fused.last - plain.last)).toBeLessThan(1e-3 * plain.last)
    expect(tf.memory().numTensors).toBe(baseline)
  } finally {
    await switchBackend('cpu')
  }
})
